// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {ICommitteeResolver} from "../interfaces/ICommitteeResolver.sol";
import {IDisputeResolver} from "../interfaces/IDisputeResolver.sol";
import {VinferFixture} from "./utils/VinferFixture.sol";
import {NaiveMerkle} from "./utils/NaiveMerkle.sol";

/// @notice Commitments, challenge windows, disputes and settlement with random batch sizes and timestamps.
contract InferenceLedgerTest is VinferFixture {
    address private operator = _actor("operator");
    address private challenger = _actor("challenger");
    address private challenger2 = _actor("challenger 2");

    struct Batch {
        bytes32 id;
        bytes32 modelId;
        IInferenceLedger.Inference[] items;
        bytes32[] leaves;
        uint256 bond;
        uint40 deadline;
    }

    /// Commits `size` inferences at time `t` with exactly the bond deposited.
    function _commitBatchAt(uint256 t, bool useB, uint256 size, bytes32 salt) private returns (Batch memory b) {
        vm.warp(t);
        b.modelId = useB ? modelB : modelA;
        b.items = _items(salt, size);
        b.leaves = _leaves(b.items);
        b.bond = uint256(useB ? BOND_B : BOND_A) * size;
        b.deadline = uint40(t + (useB ? WINDOW_B : WINDOW_A));
        _depositAndReserve(operator, b.bond);
        vm.prank(operator);
        b.id = ledger.commitBatch(b.modelId, b.items);
    }

    /// Commits and reveals `who`'s dispute of inference `leaf`, funding exactly the model's challenger bond.
    function _challenge(address who, Batch memory b, uint256 leaf) private returns (uint256 disputeId) {
        _fund(who, ledger.challengeBond(b.id));
        disputeId = _accuse(who, b.id, leaf, b.items[leaf], NaiveMerkle.proof(b.leaves, leaf), _claim(leaf));
    }

    function _claim(uint256 leaf) private pure returns (bytes32) {
        return keccak256(abi.encode("other output", leaf));
    }

    function _challengerBond(Batch memory b) private view returns (uint256) {
        return b.modelId == modelB ? CHALLENGER_BOND_B : CHALLENGER_BOND_A;
    }

    // ------------------------------------------------------------------ commit and settle

    function testFuzz_commitBatchSettlesOnlyAfterDeadline(uint256 size, uint256 start, uint256 late, bool useB, bytes32 salt)
        public
    {
        size = _bound(size, 1, 64);
        start = T0 + _bound(start, 0, 3650 days);
        late = _bound(late, 1, 30 days);
        Batch memory b = _commitBatchAt(start, useB, size, salt);

        assertEq(b.id, ledger.computeCommitmentId(b.modelId, operator, NaiveMerkle.root(b.leaves)), "id from root");
        IInferenceLedger.Commitment memory c = ledger.getCommitment(b.id);
        assertEq(c.operator, operator, "operator");
        assertEq(c.challengeDeadline, b.deadline, "deadline");
        assertTrue(c.status == IInferenceLedger.CommitmentStatus.Pending, "pending");
        assertEq(c.count, size, "count");
        assertEq(ledger.bondOf(b.id), b.bond, "bondOf");
        assertEq(stakeManager.stakeOf(operator).locked, b.bond, "bond locked");
        assertEq(ledger.bondReserveOf(operator), 0, "bond taken from the reserve");
        assertEq(stakeManager.stakeOf(operator).free, 0, "nothing free");

        // The same batch cannot be committed twice.
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerCommitmentExists.selector, b.id));
        ledger.commitBatch(b.modelId, b.items);

        // Up to and including the deadline: too early.
        vm.warp(start + 1 > b.deadline ? b.deadline : start + 1);
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerChallengeWindowOpen.selector, b.id, b.deadline));
        ledger.settle(b.id);
        vm.warp(b.deadline);
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerChallengeWindowOpen.selector, b.id, b.deadline));
        ledger.settle(b.id);
        bytes32[] memory ids = new bytes32[](1);
        ids[0] = b.id;
        assertEq(ledger.settleMany(ids), 0, "settleMany skips an open window");
        assertTrue(_status(b.id) == IInferenceLedger.CommitmentStatus.Pending, "still pending");

        // Any time after it: settles once.
        vm.warp(uint256(b.deadline) + late);
        ledger.settle(b.id);
        assertTrue(_status(b.id) == IInferenceLedger.CommitmentStatus.Settled, "settled");
        assertEq(ledger.bondReserveOf(operator), b.bond, "bond back to the reserve");
        assertEq(stakeManager.stakeOf(operator).locked, b.bond, "the reserve stays locked");
        assertTrue(
            ledger.inferenceStatus(b.id, uint256(salt) % size) == IInferenceLedger.InferenceStatus.Settled,
            "inference settled"
        );
        vm.expectRevert(
            abi.encodeWithSelector(
                IInferenceLedger.LedgerCommitmentStatusInvalid.selector, b.id, IInferenceLedger.CommitmentStatus.Settled
            )
        );
        ledger.settle(b.id);
        assertEq(ledger.settleMany(ids), 0, "settleMany skips a settled commitment");
        assertEq(ledger.bondReserveOf(operator), b.bond, "no double return");

        // The operator can now take the stake out of the reserve, and no more.
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(
                IInferenceLedger.LedgerInsufficientBondReserve.selector, operator, b.bond, b.bond + 1
            )
        );
        ledger.releaseBondReserve(b.bond + 1);
        vm.prank(operator);
        ledger.releaseBondReserve(b.bond);
        assertEq(stakeManager.stakeOf(operator).locked, 0, "unlocked");
        assertEq(stakeManager.stakeOf(operator).free, b.bond, "bond back to free");
    }

    function testFuzz_commitNeedsTheWholeBondInReserve(uint256 size, uint256 reserve, bool useB) public {
        size = _bound(size, 1, 64);
        uint256 bond = uint256(useB ? BOND_B : BOND_A) * size;
        reserve = _bound(reserve, 0, bond - 1);
        _deposit(operator, bond);
        vm.prank(operator);
        ledger.fundBondReserve(reserve);
        bytes32 model = useB ? modelB : modelA;
        IInferenceLedger.Inference[] memory items = _items(bytes32(reserve), size);
        vm.prank(operator);
        vm.expectRevert(
            abi.encodeWithSelector(IInferenceLedger.LedgerInsufficientBondReserve.selector, operator, reserve, bond)
        );
        ledger.commitBatch(model, items);
        vm.prank(operator);
        ledger.fundBondReserve(bond - reserve);
        vm.prank(operator);
        ledger.commitBatch(model, items);
        assertEq(ledger.bondReserveOf(operator), 0, "reserve used up");
        assertEq(stakeManager.stakeOf(operator).locked, bond, "all locked");
    }

    function testFuzz_settleManySettlesExactlyTheExpired(uint256 n, uint256 seed, uint256 at) public {
        n = _bound(n, 1, 8);
        bytes32[] memory ids = new bytes32[](n + 1);
        uint40[] memory deadlines = new uint40[](n);
        uint256 t = T0;
        for (uint256 i; i < n; ++i) {
            t += _bound(uint256(keccak256(abi.encode(seed, i))), 0, 12 hours);
            Batch memory b = _commitBatchAt(t, i % 2 == 1, 1 + i % 3, keccak256(abi.encode(seed, i, "batch")));
            ids[i] = b.id;
            deadlines[i] = b.deadline;
        }
        ids[n] = ids[0]; // a duplicate is settled at most once
        uint256 when = _bound(at, t, t + 2 days);
        vm.warp(when);
        uint256 expected;
        for (uint256 i; i < n; ++i) if (when > deadlines[i]) ++expected;
        uint256 lockedBefore = stakeManager.stakeOf(operator).locked;
        uint256 reserve = ledger.bondReserveOf(operator);
        assertEq(ledger.settleMany(ids), expected, "settled count");
        for (uint256 i; i < n; ++i) {
            bool due = when > deadlines[i];
            assertTrue(
                _status(ids[i])
                    == (due ? IInferenceLedger.CommitmentStatus.Settled : IInferenceLedger.CommitmentStatus.Pending),
                "status after settleMany"
            );
            if (due) reserve += ledger.bondOf(ids[i]);
        }
        assertEq(ledger.bondReserveOf(operator), reserve, "reserve regained exactly the settled bonds");
        assertEq(stakeManager.stakeOf(operator).locked, lockedBefore, "locked stake unchanged");
    }

    // ------------------------------------------------------------------ challenge window

    function testFuzz_challengeAcceptedUpToDeadlineRejectedAfter(
        uint256 size,
        uint256 start,
        uint256 leaf,
        uint256 early,
        uint256 late,
        bool useB
    ) public {
        size = _bound(size, 1, 64);
        start = T0 + _bound(start, 0, 3650 days);
        leaf = _bound(leaf, 0, size - 1);
        late = _bound(late, 1, 10 days);
        Batch memory b = _commitBatchAt(start, useB, size, keccak256(abi.encode(size, start, leaf)));
        early = _bound(early, 0, b.deadline - start);
        uint256 challengedAt = b.deadline - early; // between the commit and the deadline, inclusive

        vm.warp(challengedAt);
        uint256 disputeId = _challenge(challenger, b, leaf);
        uint256 cb = _challengerBond(b);
        assertEq(disputeId, 1, "first dispute");
        IInferenceLedger.Dispute memory d = ledger.getDispute(disputeId);
        assertEq(d.commitmentId, b.id, "dispute commitment");
        assertEq(d.challenger, challenger, "dispute challenger");
        assertEq(d.leafIndex, leaf, "dispute leaf");
        assertEq(d.openedAt, challengedAt, "opened at");
        assertEq(d.bond, cb, "dispute bond");
        assertTrue(d.status == IInferenceLedger.DisputeStatus.Open, "dispute open");
        assertEq(stakeManager.escrowed(), cb, "bond escrowed");
        assertTrue(_status(b.id) == IInferenceLedger.CommitmentStatus.Disputed, "commitment disputed");
        assertTrue(ledger.inferenceStatus(b.id, leaf) == IInferenceLedger.InferenceStatus.Disputed, "leaf disputed");
        if (size > 1) {
            assertTrue(
                ledger.inferenceStatus(b.id, (leaf + 1) % size) == IInferenceLedger.InferenceStatus.Pending,
                "other leaves pending"
            );
        }
        ICommitteeResolver.Ballot memory ballot = committee.getBallot(disputeId);
        assertEq(ballot.deadline, challengedAt + VOTING_PERIOD, "ballot deadline");

        // After the deadline: no more challenges, and no settlement while the dispute is open.
        uint256 after_ = uint256(b.deadline) + late;
        _fund(challenger2, cb);
        bytes32 salt = _commitAccusation(challenger2, b.id, leaf, bytes32("x"));
        vm.warp(after_);
        bytes32[] memory proof = NaiveMerkle.proof(b.leaves, leaf);
        vm.prank(challenger2);
        vm.expectRevert(
            abi.encodeWithSelector(IInferenceLedger.LedgerChallengeWindowClosed.selector, b.id, b.deadline)
        );
        ledger.challenge(b.id, leaf, b.items[leaf], proof, bytes32("x"), salt);
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerDisputesOpen.selector, b.id, uint24(1)));
        ledger.settle(b.id);

        // No quorum: no fault, the bond is refunded less the burned share and the commitment can settle.
        uint256 closeAt = after_ > ballot.deadline ? after_ : uint256(ballot.deadline) + 1;
        vm.warp(closeAt);
        committee.closeWithoutQuorum(disputeId);
        assertTrue(ledger.getDispute(disputeId).status == IInferenceLedger.DisputeStatus.NoFault, "no fault");
        assertEq(stakeManager.creditOf(challenger), cb - cb * BURN_BPS / BPS, "bond refunded less the burn");
        // challenger2's commit was never revealed: its deposit waits to be forfeited.
        ledger.forfeitChallengeCommit(ledger.computeChallengeCommit(challenger2, b.id, leaf, bytes32("x"), salt));
        assertEq(stakeManager.escrowed(), 0, "escrow empty");
        assertTrue(_status(b.id) == IInferenceLedger.CommitmentStatus.Pending, "back to pending");
        ledger.settle(b.id);
        assertEq(ledger.bondReserveOf(operator), b.bond, "bond back to the reserve");
    }

    function testFuzz_challengeExactlyAtDeadlineThenOneSecondLate(uint256 size, uint256 leaf) public {
        size = _bound(size, 1, 32);
        leaf = _bound(leaf, 0, size - 1);
        Batch memory b = _commitBatchAt(T0, false, size, bytes32(size));
        vm.warp(b.deadline);
        _challenge(challenger, b, leaf);
        _fund(challenger2, CHALLENGER_BOND_A);
        bytes32 salt = _commitAccusation(challenger2, b.id, leaf, bytes32("x"));
        vm.warp(uint256(b.deadline) + 1);
        bytes32[] memory proof = NaiveMerkle.proof(b.leaves, leaf);
        vm.prank(challenger2);
        vm.expectRevert(
            abi.encodeWithSelector(IInferenceLedger.LedgerChallengeWindowClosed.selector, b.id, b.deadline)
        );
        ledger.challenge(b.id, leaf, b.items[leaf], proof, bytes32("x"), salt);
    }

    // ------------------------------------------------------------------ proofs at the ledger

    function testFuzz_singleCommitNeedsEmptyProof(bytes32 requestId, bytes32 input, bytes32 output, bytes32 junk)
        public
    {
        _depositAndReserve(operator, BOND_A);
        vm.prank(operator);
        bytes32 id = ledger.commit(modelA, requestId, input, output);
        IInferenceLedger.Inference memory inf = IInferenceLedger.Inference(requestId, input, output);
        assertEq(id, ledger.computeCommitmentId(modelA, operator, NaiveMerkle.leaf(inf)), "id from leaf");
        vm.assume(output != bytes32("claimed"));

        _fund(challenger, CHALLENGER_BOND_A + DEPOSIT);
        bytes32 salt0 = _commitAccusation(challenger, id, 0, bytes32("claimed"));
        bytes32 salt1 = _commitAccusation(challenger, id, 1, bytes32("claimed"));
        bytes32[] memory extra = new bytes32[](1);
        extra[0] = junk;
        vm.prank(challenger);
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerInvalidProof.selector, id, 0));
        ledger.challenge(id, 0, inf, extra, bytes32("claimed"), salt0);
        vm.prank(challenger);
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerLeafIndexOutOfRange.selector, id, 1, uint24(1)));
        ledger.challenge(id, 1, inf, new bytes32[](0), bytes32("claimed"), salt1);
        vm.prank(challenger);
        ledger.challenge(id, 0, inf, new bytes32[](0), bytes32("claimed"), salt0);
        assertEq(stakeManager.escrowed(), CHALLENGER_BOND_A + DEPOSIT, "one bond and one unrevealed deposit");
    }

    /// A forged inference, a tampered sibling, another index or a claim equal to the commitment is refused.
    function testFuzz_forgedChallengesRejected(uint256 size, uint256 leaf, uint256 other, bytes32 delta, uint8 mode)
        public
    {
        size = _bound(size, 2, 64);
        leaf = _bound(leaf, 0, size - 1);
        other = _bound(other, 0, size - 1);
        vm.assume(delta != bytes32(0) && other != leaf);
        Batch memory b = _commitBatchAt(T0, false, size, delta);
        _fund(challenger, 2 * DEPOSIT);
        IInferenceLedger.Inference memory inf = b.items[leaf];
        bytes32[] memory proof = NaiveMerkle.proof(b.leaves, leaf);
        uint256 index = leaf;
        mode = mode % 4;
        if (mode == 0) {
            inf.outputHash ^= delta; // the challenger misquotes the committed output
        } else if (mode == 1) {
            proof[uint256(delta) % proof.length] ^= delta;
        } else if (mode == 2) {
            index = other;
        } else {
            inf.requestId ^= delta;
        }
        bytes32 salt = _commitAccusation(challenger, b.id, index, keccak256("claimed"));
        vm.prank(challenger);
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerInvalidProof.selector, b.id, index));
        ledger.challenge(b.id, index, inf, proof, keccak256("claimed"), salt);

        bytes32 same = b.items[leaf].outputHash;
        salt = _commitAccusation(challenger, b.id, leaf, same);
        vm.prank(challenger);
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerClaimMatchesCommitment.selector, b.id, same));
        ledger.challenge(b.id, leaf, b.items[leaf], NaiveMerkle.proof(b.leaves, leaf), same, salt);
        assertEq(stakeManager.escrowed(), 2 * DEPOSIT, "only the two commits' deposits");
        assertEq(ledger.disputeCount(), 2, "two commits");
        assertTrue(ledger.getDispute(1).status == IInferenceLedger.DisputeStatus.None, "no dispute opened");
        assertTrue(ledger.getDispute(2).status == IInferenceLedger.DisputeStatus.None, "no dispute opened");
    }

    // ------------------------------------------------------------------ outcomes

    function testFuzz_operatorFaultSlashesTheWholeBond(uint256 size, uint256 leaf, bool useB) public {
        size = _bound(size, 1, 32);
        leaf = _bound(leaf, 0, size - 1);
        Batch memory b = _commitBatchAt(T0, useB, size, bytes32(leaf));
        uint256 disputeId = _challenge(challenger, b, leaf);
        uint256 cb = _challengerBond(b);
        _decide(disputeId, true);

        uint256 reward = b.bond * REWARD_BPS / BPS;
        assertTrue(ledger.getDispute(disputeId).status == IInferenceLedger.DisputeStatus.OperatorFault, "fault");
        assertTrue(_status(b.id) == IInferenceLedger.CommitmentStatus.Slashed, "slashed");
        assertEq(stakeManager.stakeOf(operator).locked, 0, "bond gone");
        assertEq(ledger.bondReserveOf(operator), 0, "nothing returns to the reserve");
        assertEq(stakeManager.stakeOf(operator).free, 0, "nothing free");
        assertEq(stakeManager.creditOf(challenger), cb, "bond back; the reward waits for the window to close");
        assertEq(stakeManager.creditOf(treasury), b.bond - reward, "treasury share");
        assertEq(stakeManager.escrowed(), reward, "reward in escrow");
        assertEq(ledger.getDisputeTally(b.id).fraudulentLeaf, leaf, "fraudulent leaf");
        assertTrue(ledger.inferenceStatus(b.id, leaf) == IInferenceLedger.InferenceStatus.Fraudulent, "fraudulent");
        if (size > 1) {
            assertTrue(
                ledger.inferenceStatus(b.id, (leaf + 1) % size) == IInferenceLedger.InferenceStatus.Voided, "voided"
            );
        }

        vm.expectRevert(
            abi.encodeWithSelector(IInferenceLedger.LedgerRewardNotFinal.selector, b.id, uint24(0), b.deadline)
        );
        ledger.payChallengerReward(b.id);
        vm.warp(uint256(b.deadline) + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IInferenceLedger.LedgerCommitmentStatusInvalid.selector, b.id, IInferenceLedger.CommitmentStatus.Slashed
            )
        );
        ledger.settle(b.id);
        ledger.payChallengerReward(b.id);
        assertEq(stakeManager.creditOf(challenger), cb + reward, "bond back plus reward");
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerNoReward.selector, b.id));
        ledger.payChallengerReward(b.id);

        vm.prank(challenger);
        stakeManager.claim();
        vm.prank(treasury);
        stakeManager.claim();
        assertEq(token.balanceOf(challenger), cb + reward, "challenger paid");
        assertEq(token.balanceOf(treasury), b.bond - reward, "treasury paid");
        assertEq(token.balanceOf(address(stakeManager)), 0, "vault empty");
    }

    function testFuzz_challengerFaultPaysTheOperator(uint256 size, uint256 leaf, bool useB) public {
        size = _bound(size, 1, 32);
        leaf = _bound(leaf, 0, size - 1);
        Batch memory b = _commitBatchAt(T0, useB, size, bytes32(size));
        uint256 disputeId = _challenge(challenger, b, leaf);
        uint256 cb = _challengerBond(b);
        _decide(disputeId, false);

        uint256 burned = cb * BURN_BPS / BPS;
        assertTrue(ledger.getDispute(disputeId).status == IInferenceLedger.DisputeStatus.ChallengerFault, "fault");
        assertTrue(_status(b.id) == IInferenceLedger.CommitmentStatus.Pending, "pending again");
        assertEq(stakeManager.creditOf(operator), cb - burned, "operator gets the bond less the burn");
        assertEq(stakeManager.creditOf(treasury), burned, "treasury gets the burn");
        assertEq(stakeManager.creditOf(challenger), 0, "challenger loses");
        assertEq(stakeManager.stakeOf(operator).locked, b.bond, "bond still locked");

        vm.warp(uint256(b.deadline) + 1);
        ledger.settle(b.id);
        assertEq(ledger.bondReserveOf(operator), b.bond, "settled into the reserve");
    }

    /// Two disputes on one commitment: only the first proven fault slashes; the other moves only its own bond. The
    /// reward goes to the earlier-committed dispute proven right, whichever resolves first.
    function testFuzz_twoDisputesSlashOnce(uint256 size, uint256 l1, uint256 l2, uint8 second, bool laterFirst)
        public
    {
        size = _bound(size, 1, 16);
        l1 = _bound(l1, 0, size - 1);
        l2 = _bound(l2, 0, size - 1);
        Batch memory b = _commitBatchAt(T0, false, size, bytes32(l1 ^ l2));
        uint256 d1 = _challenge(challenger, b, l1);
        uint256 d2 = _challenge(challenger2, b, l2);
        assertEq(ledger.getDisputeTally(b.id).open, 2, "two open");
        second = second % 3;
        // A silent committee can only be closed after the period, when the earlier ballot is closed too.
        if (second == 2) laterFirst = false;
        // The later dispute may be decided first; when it proves a fault it slashes, but the reward still waits.
        if (laterFirst) _settleSecond(d2, second);
        _decide(d1, true);
        if (!laterFirst) _settleSecond(d2, second);
        assertTrue(_status(b.id) == IInferenceLedger.CommitmentStatus.Slashed, "slashed");
        if (!ledger.getDisputeTally(b.id).rewardPaid) {
            vm.warp(uint256(b.deadline) + 1);
            ledger.payChallengerReward(b.id);
        }
        uint256 reward = b.bond * REWARD_BPS / BPS;
        uint256 burned = second == 0 ? 0 : CHALLENGER_BOND_A * BURN_BPS / BPS;
        assertTrue(_status(b.id) == IInferenceLedger.CommitmentStatus.Slashed, "still slashed");
        assertEq(
            ledger.getDisputeTally(b.id).fraudulentLeaf, laterFirst && second == 0 ? l2 : l1, "first fault recorded"
        );
        assertEq(ledger.getDisputeTally(b.id).rewardAccusation, d1, "the earlier commit takes the reward");
        assertEq(stakeManager.creditOf(challenger), CHALLENGER_BOND_A + reward, "first challenger");
        assertEq(
            stakeManager.creditOf(challenger2),
            second == 1 ? 0 : CHALLENGER_BOND_A - burned,
            "second challenger: its bond only"
        );
        assertEq(stakeManager.creditOf(operator), second == 1 ? CHALLENGER_BOND_A - burned : 0, "operator");
        assertEq(stakeManager.creditOf(treasury), b.bond - reward + burned, "treasury");
        assertEq(stakeManager.escrowed(), 0, "escrow empty");
        assertEq(token.balanceOf(address(stakeManager)), b.bond + 2 * CHALLENGER_BOND_A, "vault unchanged");
    }

    /// Closes the second dispute: 0 operator at fault, 1 challenger at fault, 2 no quorum.
    function _settleSecond(uint256 disputeId, uint8 how) private {
        if (how == 2) {
            vm.warp(T0 + VOTING_PERIOD + 1);
            committee.closeWithoutQuorum(disputeId);
        } else {
            _decide(disputeId, how == 0);
        }
    }

    /// A dispute nobody closes expires after the registry's bound, as no fault; the late committee cannot
    /// change the outcome afterwards.
    function testFuzz_expireDisputeAfterBound(uint256 wait) public {
        Batch memory b = _commitBatchAt(T0, false, 3, "expire");
        uint256 disputeId = _challenge(challenger, b, 1);
        uint256 expiresAt = T0 + MAX_DISPUTE;
        wait = _bound(wait, 0, MAX_DISPUTE);
        vm.warp(T0 + wait);
        vm.expectRevert(
            abi.encodeWithSelector(IInferenceLedger.LedgerDisputeNotExpired.selector, disputeId, expiresAt)
        );
        ledger.expireDispute(disputeId);
        vm.warp(expiresAt + 1);
        ledger.expireDispute(disputeId);
        uint256 refund = CHALLENGER_BOND_A - CHALLENGER_BOND_A * BURN_BPS / BPS;
        assertTrue(ledger.getDispute(disputeId).status == IInferenceLedger.DisputeStatus.NoFault, "expired: no fault");
        assertEq(stakeManager.creditOf(challenger), refund, "refund less the burn");

        // The committee's own period is over too: its ballot still closes, without moving the ledger or any balance.
        uint256 vault = token.balanceOf(address(stakeManager));
        (bool closed,) = address(committee).call(abi.encodeCall(committee.closeWithoutQuorum, (disputeId)));
        assertTrue(closed, "the ballot still closes after the ledger expired its dispute");
        assertTrue(committee.getBallot(disputeId).status == ICommitteeResolver.BallotStatus.NoQuorum, "ballot closed");
        assertTrue(ledger.getDispute(disputeId).status == IInferenceLedger.DisputeStatus.NoFault, "still no fault");
        assertEq(stakeManager.creditOf(challenger), refund, "refunded once");
        assertEq(stakeManager.escrowed(), 0, "escrow empty");
        assertEq(token.balanceOf(address(stakeManager)), vault, "vault unchanged");
        vm.expectRevert(
            abi.encodeWithSelector(
                IInferenceLedger.LedgerDisputeClosed.selector, disputeId, IInferenceLedger.DisputeStatus.NoFault
            )
        );
        ledger.expireDispute(disputeId);
        assertTrue(ledger.getDispute(disputeId).status == IInferenceLedger.DisputeStatus.NoFault, "unchanged");
    }

    function testFuzz_onlyTheResolverReports(address caller) public {
        Batch memory b = _commitBatchAt(T0, false, 1, "resolver");
        uint256 disputeId = _challenge(challenger, b, 0);
        vm.assume(caller != address(committee));
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerNotResolver.selector, disputeId, caller));
        ledger.resolveDispute(disputeId, IDisputeResolver.Outcome.OperatorFault);
    }

    // ------------------------------------------------------------------ commit-reveal and data availability

    /// A commit is revealed up to and including `revealWindow` seconds later (and never past the challenge
    /// deadline); after that it can only be forfeited, by anyone, to the treasury.
    function testFuzz_revealWindowBoundary(uint256 wait, address stranger) public {
        vm.assume(stranger != address(0));
        Batch memory b = _commitBatchAt(T0, true, 3, "reveal window"); // model B: a 6-hour window
        _fund(challenger, CHALLENGER_BOND_B);
        bytes32 claim = _claim(1);
        bytes32 salt = _commitAccusation(challenger, b.id, 1, claim);
        bytes32 commitHash = ledger.computeChallengeCommit(challenger, b.id, 1, claim, salt);
        wait = _bound(wait, 0, 2 * REVEAL_WINDOW);
        vm.warp(T0 + wait);
        bytes32[] memory proof = NaiveMerkle.proof(b.leaves, 1);
        if (wait <= REVEAL_WINDOW) {
            vm.prank(stranger);
            vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerRevealWindowOpen.selector, commitHash, T0 + REVEAL_WINDOW));
            ledger.forfeitChallengeCommit(commitHash);
            vm.prank(challenger);
            ledger.challenge(b.id, 1, b.items[1], proof, claim, salt);
            assertTrue(ledger.getChallengeCommit(commitHash).status == IInferenceLedger.ChallengeCommitStatus.Revealed, "revealed");
            assertEq(stakeManager.escrowed(), CHALLENGER_BOND_B, "deposit topped up to the bond");
        } else {
            vm.prank(challenger);
            vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerRevealWindowClosed.selector, commitHash, T0 + REVEAL_WINDOW));
            ledger.challenge(b.id, 1, b.items[1], proof, claim, salt);
            vm.prank(stranger);
            ledger.forfeitChallengeCommit(commitHash);
            assertTrue(ledger.getChallengeCommit(commitHash).status == IInferenceLedger.ChallengeCommitStatus.Forfeited, "forfeited");
            assertEq(stakeManager.creditOf(treasury), DEPOSIT, "deposit to the treasury");
            assertEq(stakeManager.escrowed(), 0, "escrow empty");
            assertTrue(_status(b.id) == IInferenceLedger.CommitmentStatus.Pending, "commitment untouched");
        }
    }

    /// A demanded input is accepted up to and including the answer deadline; after it the demand expires and the
    /// commitment is slashed as if at fault, the demanded leaf fraudulent.
    function testFuzz_dataDemandAnswerBoundary(uint256 size, uint256 leaf, uint256 wait) public {
        size = _bound(size, 1, 16);
        leaf = _bound(leaf, 0, size - 1);
        Batch memory b = _commitBatchAt(T0, true, size, bytes32(size));
        _fund(challenger, DEPOSIT);
        bytes32 salt = _commitAccusation(challenger, b.id, leaf, bytes32(0));
        bytes32[] memory proof = NaiveMerkle.proof(b.leaves, leaf);
        vm.prank(challenger);
        uint256 demandId = ledger.demandData(b.id, leaf, b.items[leaf], proof, salt);
        bytes32 key = ledger.computeDemandKey(demandId, b.id, leaf, b.items[leaf].inputHash);
        uint40 deadline = uint40(T0 + DATA_ANSWER_WINDOW);
        assertEq(ledger.getDataDemand(key).deadline, deadline, "deadline");
        assertTrue(ledger.inferenceStatus(b.id, leaf) == IInferenceLedger.InferenceStatus.Disputed, "leaf held");

        wait = _bound(wait, 0, 2 * DATA_ANSWER_WINDOW);
        vm.warp(T0 + wait);
        bytes memory input = abi.encode(bytes32(size), leaf, "input"); // what _items hashed into the input hash
        if (wait <= DATA_ANSWER_WINDOW) {
            vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerDataAnswerWindowOpen.selector, key, deadline));
            ledger.expireDataDemand(demandId, b.id, leaf, b.items[leaf].inputHash);
            vm.prank(operator);
            ledger.publishInput(demandId, b.id, leaf, input);
            assertTrue(ledger.getDataDemand(key).status == IInferenceLedger.DataDemandStatus.Answered, "answered");
            assertTrue(_status(b.id) == IInferenceLedger.CommitmentStatus.Pending, "pending again");
            ledger.collectDataDemand(demandId, b.id, leaf, b.items[leaf].inputHash);
            assertEq(stakeManager.creditOf(operator), DEPOSIT, "the deposit pays the operator's answer");
        } else {
            vm.prank(operator);
            vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerDataAnswerWindowClosed.selector, key, deadline));
            ledger.publishInput(demandId, b.id, leaf, input);
            ledger.expireDataDemand(demandId, b.id, leaf, b.items[leaf].inputHash);
            assertTrue(_status(b.id) == IInferenceLedger.CommitmentStatus.Slashed, "slashed as if at fault");
            assertTrue(ledger.inferenceStatus(b.id, leaf) == IInferenceLedger.InferenceStatus.Fraudulent, "fraudulent");
            assertEq(stakeManager.creditOf(challenger), DEPOSIT, "deposit refunded; the reward waits for the window");
            vm.warp(uint256(b.deadline) + 1);
            ledger.payChallengerReward(b.id);
            assertEq(stakeManager.creditOf(challenger), DEPOSIT + b.bond * REWARD_BPS / BPS, "reward paid");
        }
        assertEq(stakeManager.escrowed(), 0, "escrow empty");
    }
}
