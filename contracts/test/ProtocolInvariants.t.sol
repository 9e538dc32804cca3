// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {IStakeManager} from "../interfaces/IStakeManager.sol";
import {ICommitteeResolver} from "../interfaces/ICommitteeResolver.sol";
import {VinferFixture} from "./utils/VinferFixture.sol";
import {ProtocolHandler} from "./handlers/ProtocolHandler.sol";

/// @notice Protocol-wide invariants over random sequences of deposits, withdrawals, commitments, challenge commits
/// (revealed at once, later or never), disputes, data demands (answered, collected or withheld), forfeits, votes,
/// challenger rewards, settlements, claims and time, driven by {ProtocolHandler}.
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
        bytes4[] memory selectors = new bytes4[](48);
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
        selectors[24] = ProtocolHandler.commitChallenge.selector;
        selectors[25] = ProtocolHandler.commitChallenge.selector;
        selectors[26] = ProtocolHandler.reveal.selector;
        selectors[27] = ProtocolHandler.reveal.selector;
        selectors[28] = ProtocolHandler.demandData.selector;
        selectors[29] = ProtocolHandler.demandData.selector;
        selectors[30] = ProtocolHandler.publishInput.selector;
        selectors[31] = ProtocolHandler.collectDataDemand.selector;
        selectors[32] = ProtocolHandler.expireDataDemand.selector;
        selectors[33] = ProtocolHandler.forfeitChallengeCommit.selector;
        selectors[34] = ProtocolHandler.payChallengerReward.selector;
        selectors[35] = ProtocolHandler.payChallengerReward.selector;
        selectors[36] = ProtocolHandler.decide.selector;
        selectors[37] = ProtocolHandler.decide.selector;
        selectors[38] = ProtocolHandler.challenge.selector;
        selectors[39] = ProtocolHandler.warpToBoundary.selector;
        selectors[40] = ProtocolHandler.warp.selector;
        selectors[41] = ProtocolHandler.expireDispute.selector;
        selectors[42] = ProtocolHandler.expireDataDemand.selector;
        selectors[43] = ProtocolHandler.publishInput.selector;
        selectors[44] = ProtocolHandler.collectDataDemand.selector;
        selectors[45] = ProtocolHandler.payChallengerReward.selector;
        selectors[46] = ProtocolHandler.demandData.selector;
        selectors[47] = ProtocolHandler.decide.selector;
        // Repeated selectors are drawn more often: batches, challenges, votes, decisions and deadline hops drive
        // the interesting paths (a paid reward needs a commit, an accusation, its proof and the window's end
        // inside one run).
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

    /// Settled and slashed commitments, closed disputes and ballots, revealed and forfeited commits, and collected
    /// or withheld demands never change again; an answered demand only has its deposit collected.
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
        uint256 a = handler.accusationCount();
        for (uint256 i; i < a; ++i) {
            IInferenceLedger.ChallengeCommitStatus seen = handler.accusationTerminal(i);
            if (seen == IInferenceLedger.ChallengeCommitStatus.None) continue;
            assertTrue(
                ledger.getChallengeCommit(handler.accusationAt(i).hash).status == seen, "revealed or forfeited commit moved"
            );
        }
        uint256 d = handler.demandCount();
        for (uint256 i; i < d; ++i) {
            IInferenceLedger.DataDemandStatus seen = handler.demandSeen(i);
            IInferenceLedger.DataDemandStatus now_ = ledger.getDataDemand(handler.demandAt(i).key).status;
            if (seen == IInferenceLedger.DataDemandStatus.Answered) {
                assertTrue(
                    now_ == seen || now_ == IInferenceLedger.DataDemandStatus.Collected, "answered demand moved"
                );
            } else if (seen != IInferenceLedger.DataDemandStatus.None) {
                assertTrue(now_ == seen, "collected or withheld demand moved");
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

    /// The escrow is exactly the bonds of the disputes still open, the deposits of commits neither revealed nor
    /// forfeited and of demands not yet collected or withheld, and the rewards slashed commitments still owe.
    function invariant_escrowEqualsOpenBondsDepositsAndUnpaidRewards() public view {
        assertEq(handler.accusationCount(), ledger.disputeCount(), "every challenge commit is tracked");
        assertEq(stakeManager.escrowed(), handler.expectedEscrow(), "escrow != open bonds + deposits + unpaid rewards");
    }

    /// A slashed commitment's reward is claimed by, and paid at most once to, the challenger of its
    /// earliest-committed accusation that proved the fault; a commitment that was not slashed owes none.
    function invariant_rewardOnlyToTheEarliestProvenAccusation() public view {
        uint256 n = handler.commitCount();
        uint256 paid;
        for (uint256 i; i < n; ++i) {
            bytes32 id = handler.commitAt(i).id;
            IInferenceLedger.DisputeTally memory tally = ledger.getDisputeTally(id);
            (uint256 provenId, address provenBy) = handler.lowestProven(i);
            if (ledger.getCommitment(id).status != IInferenceLedger.CommitmentStatus.Slashed) {
                assertEq(provenId, 0, "a proven fault without a slash");
                assertFalse(tally.rewardPaid, "a reward without a slash");
                continue;
            }
            assertTrue(provenId != 0, "a slash without a proven fault");
            assertEq(tally.rewardAccusation, provenId, "claimant is not the earliest-committed proven accusation");
            assertEq(tally.rewardee, provenBy, "rewardee is not that accusation's challenger");
            assertEq(tally.rewardPaid, handler.rewardSeenPaid(i), "the reward was paid unseen or unpaid");
            if (tally.rewardPaid) {
                ++paid;
                assertEq(handler.rewardPaidTo(i), provenBy, "paid to another challenger");
                assertEq(handler.rewardPaidFor(i), provenId, "paid for another accusation");
                assertEq(tally.open, 0, "paid while an accusation is open");
            }
        }
        assertEq(paid, handler.rewardsPaid(), "a reward paid more than once");
        assertEq(handler.violations(), 0, handler.firstViolation());
    }

    /// Credits are exactly what the dispute outcomes owe, less what was claimed.
    function invariant_creditsMatchOutcomes() public view {
        address[] memory actors = handler.actors();
        for (uint256 i; i < actors.length; ++i) {
            assertEq(stakeManager.creditOf(actors[i]), handler.ghostCredit(actors[i]), "credit != outcomes - claims");
        }
    }
}
