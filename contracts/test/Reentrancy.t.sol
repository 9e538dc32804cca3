// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {IStakeManager} from "../interfaces/IStakeManager.sol";
import {InferenceLedger} from "../InferenceLedger.sol";
import {CommitteeResolver} from "../resolvers/CommitteeResolver.sol";
import {VinferFixture, VinferSystem} from "./utils/VinferFixture.sol";
import {NaiveMerkle} from "./utils/NaiveMerkle.sol";
import {ReentrantToken} from "./mocks/ReentrantToken.sol";
import {ReentrancyAttacker} from "./mocks/ReentrancyAttacker.sol";

/// @notice A separate system on a token whose transfers call back into the protocol: every re-entry from
/// inside a transfer (claim, completeWithdrawal, deposit, depositFor, a challenge commit, a challenge reveal,
/// payChallengerReward, settle, cancelWithdrawal) must fail, either on a reentrancy guard or because the state was
/// already updated, and no token is paid twice. The transfers that call back are the claim, the withdrawal, the
/// deposit, the challenge deposit pulled by a commit and the bond top-up pulled by a reveal.
contract ReentrancyTest is VinferFixture {
    enum Outer {
        Claim,
        CompleteWithdrawal,
        Deposit,
        CommitChallenge,
        Challenge
    }

    enum Reentry {
        Claim,
        CompleteWithdrawal,
        Deposit,
        DepositFor,
        CommitChallenge,
        Challenge,
        PayReward,
        Settle,
        CancelWithdrawal
    }

    uint8 private constant OUTERS = 5;
    uint8 private constant REENTRIES = 9;
    bytes32 private constant SLASHED_SALT = keccak256("slashed salt");
    bytes32 private constant OPEN_SALT = keccak256("open salt"); // the outer reveal, of leaf 0 of `openId`
    bytes32 private constant REENTRY_SALT = keccak256("re-entry salt"); // the re-entrant reveal, of leaf 2
    bytes32 private constant FRESH_SALT = keccak256("fresh salt"); // the outer commit, of leaf 1

    uint256 private constant ATTACKER_STAKE = 20 ether;
    uint256 private constant ATTACKER_WITHDRAWAL = 5 ether;
    uint256 private constant OUTER_DEPOSIT = 3 ether;

    ReentrantToken private evil;
    VinferSystem private sys;
    ReentrancyAttacker private attacker;
    address private honest = _actor("honest operator");

    IInferenceLedger.Inference[] private slashedItems; // committed by `honest`, slashed on the attacker's challenge
    IInferenceLedger.Inference[] private settledItems; // committed by `honest`, settled
    IInferenceLedger.Inference[] private openItems; // committed by `honest`, open to challenges
    bytes32 private slashedId;
    bytes32 private settledId;
    bytes32 private openId;
    uint256 private attackerCredit;
    uint256 private openDisputeId; // the attacker's commit of leaf 0 of `openId`, revealed by the outer challenge

    function setUp() public override {
        super.setUp();
        evil = new ReentrantToken();
        sys = _deploySystem(IERC20(address(evil)));
        attacker = new ReentrancyAttacker(IERC20(address(evil)));
        IStakeManager sm = sys.stakeManager;
        InferenceLedger lg = sys.ledger;

        // The attacker stakes and starts unbonding part of it; it also holds spare tokens for the re-entries.
        evil.mint(address(attacker), 1_000 ether);
        attacker.act(address(evil), abi.encodeCall(IERC20.approve, (address(sm), type(uint256).max)));
        attacker.act(address(sm), abi.encodeCall(IStakeManager.deposit, (ATTACKER_STAKE)));
        attacker.act(address(sm), abi.encodeCall(IStakeManager.requestWithdrawal, (ATTACKER_WITHDRAWAL)));

        // An honest operator commits three batches.
        evil.mint(honest, 100 ether);
        vm.startPrank(honest);
        evil.approve(address(sm), type(uint256).max);
        sm.deposit(100 ether);
        lg.fundBondReserve(100 ether);
        _store(slashedItems, _items("slashed", 4));
        _store(settledItems, _items("settled", 2));
        slashedId = lg.commitBatch(sys.modelA, slashedItems);
        settledId = lg.commitBatch(sys.modelA, settledItems);
        vm.stopPrank();

        // The attacker commits to, reveals and wins a dispute on one of them: it holds credits.
        attacker.act(address(lg), _commitCall(slashedId, 1, SLASHED_SALT));
        attacker.act(address(lg), _challengeCall(slashedId, slashedItems, 1, SLASHED_SALT));
        for (uint256 i; i < THRESHOLD; ++i) {
            vm.prank(arbiters[i]);
            sys.committee.vote(1, true);
        }
        require(lg.getCommitment(slashedId).status == IInferenceLedger.CommitmentStatus.Slashed, "setup: not slashed");

        // Past the unbonding delay: the attacker's withdrawal is ready, its reward is final and paid, the other
        // batch settles, a fresh one opens and the attacker commits to two challenges of it (one the outer reveal,
        // one the re-entrant reveal).
        vm.warp(T0 + UNBONDING_DELAY);
        lg.payChallengerReward(slashedId);
        lg.settle(settledId);
        _store(openItems, _items("open", 3));
        vm.prank(honest);
        openId = lg.commitBatch(sys.modelA, openItems);
        attacker.act(address(lg), _commitCall(openId, 0, OPEN_SALT));
        openDisputeId = lg.disputeCount();
        attacker.act(address(lg), _commitCall(openId, 2, REENTRY_SALT));
        attackerCredit = sm.creditOf(address(attacker));
        require(attackerCredit == CHALLENGER_BOND_A + uint256(BOND_A) * 4 * REWARD_BPS / BPS, "setup: credit");
        require(sm.escrowed() == 2 * DEPOSIT, "setup: two deposits in escrow");
        _checkConservation();
    }

    function _store(IInferenceLedger.Inference[] storage dst, IInferenceLedger.Inference[] memory src) private {
        for (uint256 i; i < src.length; ++i) dst.push(src[i]);
    }

    function _claimOf(bytes32 id, uint256 leaf) private pure returns (bytes32) {
        return keccak256(abi.encode(id, leaf));
    }

    /// The attacker's commit to a challenge of inference `leaf` of `id`.
    function _commitCall(bytes32 id, uint256 leaf, bytes32 salt) private view returns (bytes memory) {
        bytes32 commitHash = sys.ledger.computeChallengeCommit(address(attacker), id, leaf, _claimOf(id, leaf), salt);
        return abi.encodeCall(IInferenceLedger.commitChallenge, (commitHash));
    }

    /// The attacker's reveal of that commit.
    function _challengeCall(bytes32 id, IInferenceLedger.Inference[] storage items, uint256 leaf, bytes32 salt)
        private
        pure
        returns (bytes memory)
    {
        IInferenceLedger.Inference[] memory copy = items;
        bytes32[] memory proof = NaiveMerkle.proof(_leaves(copy), leaf);
        return abi.encodeCall(IInferenceLedger.challenge, (id, leaf, copy[leaf], proof, _claimOf(id, leaf), salt));
    }

    /// Everything the attacker owns, in its wallet or in the vault's books.
    function _attackerWealth() private view returns (uint256) {
        IStakeManager sm = sys.stakeManager;
        address a = address(attacker);
        IStakeManager.Stake memory stake = sm.stakeOf(a);
        return evil.balanceOf(a) + stake.free + stake.locked + sm.withdrawalOf(a).amount + sm.creditOf(a);
    }

    function _checkConservation() private view {
        IStakeManager sm = sys.stakeManager;
        address[3] memory accounts = [address(attacker), honest, treasury];
        uint256 books = sm.escrowed();
        for (uint256 i; i < 3; ++i) {
            IStakeManager.Stake memory stake = sm.stakeOf(accounts[i]);
            books += uint256(stake.free) + stake.locked + sm.withdrawalOf(accounts[i]).amount + sm.creditOf(accounts[i]);
        }
        assertEq(evil.balanceOf(address(sm)), books, "vault balance != books");
    }

    function _reentryCall(Reentry r, Outer outer) private view returns (address target, bytes memory data) {
        IStakeManager sm = sys.stakeManager;
        if (r == Reentry.Claim) return (address(sm), abi.encodeCall(IStakeManager.claim, ()));
        if (r == Reentry.CompleteWithdrawal) return (address(sm), abi.encodeCall(IStakeManager.completeWithdrawal, ()));
        if (r == Reentry.Deposit) return (address(sm), abi.encodeCall(IStakeManager.deposit, (1 ether)));
        if (r == Reentry.DepositFor) return (address(sm), abi.encodeCall(IStakeManager.depositFor, (honest, 1 ether)));
        if (r == Reentry.CommitChallenge) return (address(sys.ledger), _commitCall(openId, 2, keccak256("another salt")));
        if (r == Reentry.Challenge) return (address(sys.ledger), _challengeCall(openId, openItems, 2, REENTRY_SALT));
        if (r == Reentry.PayReward) {
            return (address(sys.ledger), abi.encodeCall(IInferenceLedger.payChallengerReward, (slashedId)));
        }
        if (r == Reentry.Settle) {
            // The commitment the outer call is about, or one already settled.
            bytes32 id = _aboutOpen(outer) ? openId : outer == Outer.Claim ? slashedId : settledId;
            return (address(sys.ledger), abi.encodeCall(IInferenceLedger.settle, (id)));
        }
        return (address(sm), abi.encodeCall(IStakeManager.cancelWithdrawal, ()));
    }

    /// Whether the outer call is one of the ledger's (which holds the ledger's guard while the tokens move).
    function _aboutOpen(Outer outer) private pure returns (bool) {
        return outer == Outer.CommitChallenge || outer == Outer.Challenge;
    }

    /// The only acceptable failure of each re-entry.
    function _expectedError(Reentry r, Outer outer) private view returns (bytes memory) {
        if (r == Reentry.Settle) {
            if (outer == Outer.Challenge) {
                // The outer reveal marked the commitment disputed before it pulled the bond top-up.
                return abi.encodeWithSelector(IInferenceLedger.LedgerDisputesOpen.selector, openId, uint24(1));
            }
            if (outer == Outer.CommitChallenge) {
                // A commit names no commitment: the open one is simply not due.
                return abi.encodeWithSelector(
                    IInferenceLedger.LedgerChallengeWindowOpen.selector, openId, sys.ledger.getCommitment(openId).challengeDeadline
                );
            }
            return abi.encodeWithSelector(
                IInferenceLedger.LedgerCommitmentStatusInvalid.selector,
                outer == Outer.Claim ? slashedId : settledId,
                outer == Outer.Claim ? IInferenceLedger.CommitmentStatus.Slashed : IInferenceLedger.CommitmentStatus.Settled
            );
        }
        if (r == Reentry.PayReward && !_aboutOpen(outer)) {
            // Outside the ledger's guard the reward is simply paid already.
            return abi.encodeWithSelector(IInferenceLedger.LedgerNoReward.selector, slashedId);
        }
        if (r == Reentry.CancelWithdrawal) {
            // Only tried inside completeWithdrawal: the withdrawal was deleted before the tokens left.
            return abi.encodeWithSelector(IStakeManager.StakeNoWithdrawal.selector, address(attacker));
        }
        return abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
    }

    function _outerCall(Outer outer) private view returns (address target, bytes memory data) {
        IStakeManager sm = sys.stakeManager;
        if (outer == Outer.Claim) return (address(sm), abi.encodeCall(IStakeManager.claim, ()));
        if (outer == Outer.CompleteWithdrawal) return (address(sm), abi.encodeCall(IStakeManager.completeWithdrawal, ()));
        if (outer == Outer.Deposit) return (address(sm), abi.encodeCall(IStakeManager.deposit, (OUTER_DEPOSIT)));
        if (outer == Outer.CommitChallenge) return (address(sys.ledger), _commitCall(openId, 1, FRESH_SALT));
        return (address(sys.ledger), _challengeCall(openId, openItems, 0, OPEN_SALT));
    }

    function testFuzz_reentryDuringTransferFails(uint8 outerSeed, uint8 reentrySeed, bool hookAfterMove) public {
        Outer outer = Outer(outerSeed % OUTERS);
        Reentry r = Reentry(reentrySeed % REENTRIES);
        // Cancelling is a legitimate, payment-free call while the attacker still has a withdrawal pending;
        // it is a re-entry worth trying only inside the withdrawal itself.
        if (r == Reentry.CancelWithdrawal && outer != Outer.CompleteWithdrawal) r = Reentry.DepositFor;
        _run(outer, r, hookAfterMove);
    }

    /// Every pair, both hook orders, deterministically.
    function test_everyReentryFails() public {
        for (uint8 o; o < OUTERS; ++o) {
            for (uint8 r; r < REENTRIES; ++r) {
                if (Reentry(r) == Reentry.CancelWithdrawal && Outer(o) != Outer.CompleteWithdrawal) continue;
                for (uint256 h; h < 2; ++h) {
                    uint256 snapshot = _snapshot();
                    _run(Outer(o), Reentry(r), h == 1);
                    _restore(snapshot);
                }
            }
        }
    }

    function _run(Outer outer, Reentry r, bool hookAfterMove) private {
        IStakeManager sm = sys.stakeManager;
        uint256 wealthBefore = _attackerWealth();
        uint256 walletBefore = evil.balanceOf(address(attacker));
        uint256 vaultBefore = evil.balanceOf(address(sm));
        uint256 honestFreeBefore = sm.stakeOf(honest).free;
        uint256 disputesBefore = sys.ledger.disputeCount();
        uint256 escrowBefore = sm.escrowed();

        (address reTarget, bytes memory reData) = _reentryCall(r, outer);
        attacker.arm(reTarget, reData);
        evil.setHook(address(attacker), hookAfterMove);
        (address target, bytes memory data) = _outerCall(outer);
        attacker.act(target, data);
        evil.setHook(address(0), false);

        assertTrue(attacker.attempted(), "the transfer called back");
        assertFalse(attacker.reentrySucceeded(), "a re-entry succeeded");
        assertEq(attacker.reentryResult(), _expectedError(r, outer), "re-entry failed for another reason");

        // The outer call did exactly its own job, once.
        uint256 paid = _outerPayment(outer); // what the outer call pulls from the attacker into escrow
        uint256 walletAfter = evil.balanceOf(address(attacker));
        if (outer == Outer.Claim) {
            assertEq(walletAfter, walletBefore + attackerCredit, "claim paid once");
            assertEq(sm.creditOf(address(attacker)), 0, "credit spent");
        } else if (outer == Outer.CompleteWithdrawal) {
            assertEq(walletAfter, walletBefore + ATTACKER_WITHDRAWAL, "withdrawal paid once");
            assertEq(sm.withdrawalOf(address(attacker)).amount, 0, "withdrawal spent");
            assertEq(sm.stakeOf(address(attacker)).free, ATTACKER_STAKE - ATTACKER_WITHDRAWAL, "free untouched");
        } else if (outer == Outer.Deposit) {
            assertEq(walletAfter + OUTER_DEPOSIT, walletBefore, "deposit pulled once");
            assertEq(
                sm.stakeOf(address(attacker)).free,
                ATTACKER_STAKE - ATTACKER_WITHDRAWAL + OUTER_DEPOSIT,
                "deposit credited once"
            );
        } else if (outer == Outer.CommitChallenge) {
            assertEq(walletAfter + DEPOSIT, walletBefore, "deposit pulled once");
            assertEq(sm.escrowed(), escrowBefore + DEPOSIT, "one more deposit in escrow");
            assertEq(sys.ledger.disputeCount(), disputesBefore + 1, "one commit made");
            bytes32 fresh =
                sys.ledger.computeChallengeCommit(address(attacker), openId, 1, _claimOf(openId, 1), FRESH_SALT);
            assertEq(sys.ledger.getChallengeCommit(fresh).id, disputesBefore + 1, "the commit's id");
        } else {
            assertEq(walletAfter + (CHALLENGER_BOND_A - DEPOSIT), walletBefore, "top-up pulled once");
            assertEq(sm.escrowed(), escrowBefore + CHALLENGER_BOND_A - DEPOSIT, "the deposit topped up to the bond");
            assertEq(sys.ledger.disputeCount(), disputesBefore, "a reveal makes no new id");
            assertTrue(
                sys.ledger.getDispute(openDisputeId).status == IInferenceLedger.DisputeStatus.Open, "one dispute opened"
            );
            assertEq(sys.ledger.getDisputeTally(openId).open, 1, "only the outer reveal counts");
        }
        assertEq(_attackerWealth() + paid, wealthBefore, "attacker gained value");
        assertEq(sm.stakeOf(honest).free, honestFreeBefore, "the honest operator's stake is untouched");
        int256 vaultDelta = int256(evil.balanceOf(address(sm))) - int256(vaultBefore);
        int256 expectedDelta = outer == Outer.Claim
            ? -int256(attackerCredit)
            : outer == Outer.CompleteWithdrawal ? -int256(ATTACKER_WITHDRAWAL) : int256(outer == Outer.Deposit ? OUTER_DEPOSIT : paid);
        assertTrue(vaultDelta == expectedDelta, "vault moved by more than the outer call");
        _checkConservation();
    }

    function _outerPayment(Outer outer) private pure returns (uint256) {
        if (outer == Outer.CommitChallenge) return DEPOSIT;
        if (outer == Outer.Challenge) return CHALLENGER_BOND_A - DEPOSIT;
        return 0;
    }

    function _snapshot() private returns (uint256) {
        return vm.snapshotState();
    }

    function _restore(uint256 id) private {
        require(vm.revertToState(id), "revertToState");
    }
}
