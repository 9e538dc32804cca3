// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {IStakeManager} from "../interfaces/IStakeManager.sol";
import {ICommitteeResolver} from "../interfaces/ICommitteeResolver.sol";
import {VinferFixture} from "./utils/VinferFixture.sol";
import {ProtocolHandler} from "./handlers/ProtocolHandler.sol";

/// @notice Protocol-wide invariants over random sequences of deposits, withdrawals, commitments, challenge commits
/// (revealed, refused or forfeited), disputes, data demands (answered, collected or withheld), votes, challenger
/// rewards, settlements, claims and time, driven by {ProtocolHandler}.
/// @dev The runner needs the handler's artifact to call it, and Hardhat writes artifacts only for the files it
/// compiles as roots: run this file with the whole suite (`pnpm hardhat test solidity`), or build first and
/// then select it (`pnpm hardhat build && pnpm hardhat test solidity --no-compile contracts/test/ProtocolInvariants.t.sol`).
contract ProtocolInvariantTest is VinferFixture {
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    ProtocolHandler private handler;

    function setUp() public override {
        super.setUp();
        handler = new ProtocolHandler(token, ledger, committee, modelA, modelB, treasury);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](32);
        selectors[0] = ProtocolHandler.deposit.selector;
        selectors[1] = ProtocolHandler.depositFor.selector;
        selectors[2] = ProtocolHandler.requestWithdrawal.selector;
        selectors[3] = ProtocolHandler.cancelWithdrawal.selector;
        selectors[4] = ProtocolHandler.completeWithdrawal.selector;
        selectors[5] = ProtocolHandler.claim.selector;
        selectors[6] = ProtocolHandler.fundBondReserve.selector;
        selectors[7] = ProtocolHandler.releaseBondReserve.selector;
        selectors[8] = ProtocolHandler.commit.selector;
        selectors[9] = ProtocolHandler.commitBatch.selector;
        selectors[10] = ProtocolHandler.commitBatch.selector;
        selectors[11] = ProtocolHandler.settle.selector;
        selectors[12] = ProtocolHandler.settleMany.selector;
        selectors[13] = ProtocolHandler.challenge.selector;
        selectors[14] = ProtocolHandler.challenge.selector;
        selectors[15] = ProtocolHandler.challengeInvalid.selector;
        selectors[16] = ProtocolHandler.vote.selector;
        selectors[17] = ProtocolHandler.vote.selector;
        selectors[18] = ProtocolHandler.vote.selector;
        selectors[19] = ProtocolHandler.closeWithoutQuorum.selector;
        selectors[20] = ProtocolHandler.expireDispute.selector;
        selectors[21] = ProtocolHandler.warp.selector;
        selectors[22] = ProtocolHandler.warpToBoundary.selector;
        selectors[23] = ProtocolHandler.warpToBoundary.selector;
        selectors[24] = ProtocolHandler.commitAccusation.selector;
        selectors[25] = ProtocolHandler.commitAccusation.selector;
        selectors[26] = ProtocolHandler.reveal.selector;
        selectors[27] = ProtocolHandler.reveal.selector;
        selectors[28] = ProtocolHandler.forfeit.selector;
        selectors[29] = ProtocolHandler.answerDemand.selector;
        selectors[30] = ProtocolHandler.expireDemand.selector;
        selectors[31] = ProtocolHandler.payReward.selector;
        // Repeated selectors are drawn more often: batches, challenges, votes and deadline hops drive the
        // interesting paths (a slash needs a commit, a challenge and three votes inside one run).
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector({addr: address(handler), selectors: selectors});
    }

    function _isOpen(IInferenceLedger.CommitmentStatus s) private pure returns (bool) {
        return s == IInferenceLedger.CommitmentStatus.Pending || s == IInferenceLedger.CommitmentStatus.Disputed;
    }

    /// Every token the stake manager holds sits in exactly one bucket.
    function invariant_conservation() public view {
        address[] memory actors = handler.actors();
        uint256 books = stakeManager.escrowed();
        for (uint256 i; i < actors.length; ++i) {
            IStakeManager.Stake memory stake = stakeManager.stakeOf(actors[i]);
            books += uint256(stake.free) + stake.locked + stakeManager.withdrawalOf(actors[i]).amount;
            books += stakeManager.creditOf(actors[i]);
        }
        uint256 held = token.balanceOf(address(stakeManager));
        assertEq(held, books, "vault balance != free + locked + pending + credits + escrow");
        assertEq(held, handler.ghostTokensIn() - handler.ghostTokensOut(), "vault balance != tokens in - tokens out");
    }

    /// An operator's locked stake is exactly the bonds of its open (pending or disputed) commitments plus its
    /// bond reserve, and the reserve is what was funded, less what was released or committed, plus what settled.
    function invariant_lockedEqualsOpenBondsPlusReserve() public view {
        address[] memory ops = handler.operators();
        uint256[] memory expected = new uint256[](ops.length);
        uint256 n = handler.commitCount();
        for (uint256 i; i < n; ++i) {
            ProtocolHandler.CommitRec memory c = handler.commitAt(i);
            if (!_isOpen(ledger.getCommitment(c.id).status)) continue;
            for (uint256 k; k < ops.length; ++k) if (ops[k] == c.operator) expected[k] += c.bond;
        }
        for (uint256 k; k < ops.length; ++k) {
            uint256 reserve = ledger.bondReserveOf(ops[k]);
            assertEq(reserve, handler.ghostReserve(ops[k]), "reserve != funded - released - committed + settled");
            assertEq(stakeManager.stakeOf(ops[k]).locked, expected[k] + reserve, "locked != open bonds + reserve");
        }
    }

    /// Settled and slashed commitments, closed disputes and ballots, revealed or forfeited commits, collected or
    /// withheld demands never change again (the handler sweeps them after every action).
    function invariant_terminalStatesStayTerminal() public view {
        uint256 n = handler.commitCount();
        for (uint256 i; i < n; ++i) {
            IInferenceLedger.CommitmentStatus seen = handler.commitTerminal(i);
            if (seen == IInferenceLedger.CommitmentStatus.None) continue;
            assertTrue(ledger.getCommitment(handler.commitAt(i).id).status == seen, "terminal commitment moved");
        }
        uint256 m = handler.disputeCount();
        for (uint256 i; i < m; ++i) {
            uint256 id = handler.disputeAt(i).id;
            IInferenceLedger.DisputeStatus seen = handler.disputeTerminal(i);
            if (seen != IInferenceLedger.DisputeStatus.None) {
                assertTrue(ledger.getDispute(id).status == seen, "closed dispute moved");
            }
            ICommitteeResolver.BallotStatus ballot = handler.ballotTerminal(i);
            if (ballot != ICommitteeResolver.BallotStatus.None) {
                assertTrue(committee.getBallot(id).status == ballot, "closed ballot moved");
            }
        }
        assertEq(handler.violations(), 0, handler.firstViolation());
    }

    /// No operator can take out stake that backs an open commitment: what it may still withdraw (free and
    /// pending) is its deposits less what is locked, slashed or already paid out — never more.
    function invariant_openBondsCannotBeWithdrawn() public view {
        address[] memory ops = handler.operators();
        for (uint256 k; k < ops.length; ++k) {
            address op = ops[k];
            IStakeManager.Stake memory stake = stakeManager.stakeOf(op);
            uint256 pending = stakeManager.withdrawalOf(op).amount;
            uint256 deposited = handler.ghostDeposited(op);
            uint256 gone = uint256(stake.locked) + handler.ghostSlashed(op) + handler.ghostWithdrawn(op);
            assertEq(stake.free + pending + gone, deposited, "stake does not add up to the deposits");
            assertLe(stake.free + pending, deposited - stake.locked - handler.ghostSlashed(op), "withdrawable > backing");
            assertEq(pending, handler.ghostPending(op), "pending withdrawal != requested");
        }
        assertEq(handler.violations(), 0, handler.firstViolation());
    }

    /// The escrow is exactly what is still owed to someone: bonds of open disputes, deposits of unrevealed commits
    /// and of uncollected demands, and the rewards of slashed commitments not yet paid.
    function invariant_escrowEqualsWhatIsOwed() public view {
        assertEq(handler.accusationCommitCount(), ledger.disputeCount(), "every commit is tracked");
        assertEq(stakeManager.escrowed(), handler.expectedEscrow(), "escrow != what is still owed");
    }

    /// Credits are exactly what the dispute outcomes owe, less what was claimed.
    function invariant_creditsMatchOutcomes() public view {
        address[] memory actors = handler.actors();
        for (uint256 i; i < actors.length; ++i) {
            assertEq(stakeManager.creditOf(actors[i]), handler.ghostCredit(actors[i]), "credit != outcomes - claims");
        }
    }
}
