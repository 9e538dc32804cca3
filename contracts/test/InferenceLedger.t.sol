// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {ICommitteeResolver} from "../interfaces/ICommitteeResolver.sol";
import {IDisputeResolver} from "../interfaces/IDisputeResolver.sol";
import {VinferFixture} from "./utils/VinferFixture.sol";
import {NaiveMerkle} from "./utils/NaiveMerkle.sol";

/// @notice Commitments, challenge windows, committed and revealed accusations (disputes and data demands), their
/// outcomes and settlement, with random batch sizes and timestamps.
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
        bytes32 seed; // the items' seed: input i is `_input(seed, i)`
    }

    /// Commits `size` inferences at time `t` with exactly the bond deposited.
    function _commitBatchAt(uint256 t, bool useB, uint256 size, bytes32 salt) private returns (Batch memory b) {
        vm.warp(t);
        b.modelId = useB ? modelB : modelA;
        b.seed = salt;
        b.items = _items(salt, size);
        b.leaves = _leaves(b.items);
        b.bond = uint256(useB ? BOND_B : BOND_A) * size;
        b.deadline = uint40(t + (useB ? WINDOW_B : WINDOW_A));
        _depositAndReserve(operator, b.bond);
        vm.prank(operator);
        b.id = ledger.commitBatch(b.modelId, b.items);
    }

    /// Commits and at once reveals `who`'s dispute of inference `leaf`, funding exactly the model's challenger bond
    /// (the deposit with the commit, the rest with the reveal).
    function _challenge(address who, Batch memory b, uint256 leaf) private returns (uint256 disputeId) {
        _fund(who, ledger.challengeBond(b.id));
        disputeId = _accuse(who, b.id, leaf, b.items[leaf], NaiveMerkle.proof(b.leaves, leaf), _claim(leaf));
    }

    /// Commits and at once reveals `who`'s demand for the input of inference `leaf`, funding exactly the deposit.
    function _demand(address who, Batch memory b, uint256 leaf) private returns (uint256 demandId) {
        _fund(who, DEPOSIT);
        bytes32 salt = _commitAccusation(who, b.id, leaf, bytes32(0));
        bytes32[] memory proof = NaiveMerkle.proof(b.leaves, leaf);
        vm.prank(who);
        demandId = ledger.demandData(b.id, leaf, b.items[leaf], proof, salt);
    }

    function _claim(uint256 leaf) private pure returns (bytes32) {
        return keccak256(abi.encode("other output", leaf));
    }

    /// The input bytes behind `_items(seed, n)[i].inputHash`.
    function _input(bytes32 seed, uint256 i) private pure returns (bytes memory) {
        return abi.encode(seed, i, "input");
    }

    function _demandKey(uint256 demandId, Batch memory b, uint256 leaf) private view returns (bytes32) {
        return ledger.computeDemandKey(demandId, b.id, leaf, b.items[leaf].inputHash);
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
        assertEq(disputeId, 1, "first dispute: the first commit's id");
        assertEq(ledger.disputeCount(), 1, "one commit");
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

        // After the deadline: no more challenges (even one committed in time), and no settlement while the
        // dispute is open.
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
        uint256 burned = cb * BURN_BPS / BPS;
        assertTrue(ledger.getDispute(disputeId).status == IInferenceLedger.DisputeStatus.NoFault, "no fault");
        assertEq(stakeManager.creditOf(challenger), cb - burned, "bond refunded less the burn");
        assertEq(stakeManager.creditOf(treasury), burned, "the burn");
        assertEq(stakeManager.escrowed(), DEPOSIT, "only the unrevealed deposit left");
        // challenger2's commit was never revealed: anyone forfeits its deposit to the treasury.
        ledger.forfeitChallengeCommit(ledger.computeChallengeCommit(challenger2, b.id, leaf, bytes32("x"), salt));
        assertEq(stakeManager.creditOf(treasury), burned + DEPOSIT, "burn and forfeited deposit");
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
        vm.prank(challenger2);
        vm.expectRevert(
            abi.encodeWithSelector(IInferenceLedger.LedgerChallengeWindowClosed.selector, b.id, b.deadline)
        );
        ledger.demandData(b.id, leaf, b.items[leaf], proof, salt);
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
        _fund(challenger, 3 * DEPOSIT);
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
        // The same forgery as a data demand is refused the same way.
        bytes32 demandSalt = _commitAccusation(challenger, b.id, index, bytes32(0));
        vm.prank(challenger);
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerInvalidProof.selector, b.id, index));
        ledger.demandData(b.id, index, inf, proof, demandSalt);

        bytes32 same = b.items[leaf].outputHash;
        bytes32 sameSalt = _commitAccusation(challenger, b.id, leaf, same);
        vm.prank(challenger);
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerClaimMatchesCommitment.selector, b.id, same));
        ledger.challenge(b.id, leaf, b.items[leaf], NaiveMerkle.proof(b.leaves, leaf), same, sameSalt);
        // Refused reveals leave their commits as they were: committed, their deposits in escrow, no dispute.
        assertEq(stakeManager.escrowed(), 3 * DEPOSIT, "only the three commits' deposits");
        assertEq(ledger.disputeCount(), 3, "three commits");
        for (uint256 id = 1; id <= 3; ++id) {
            assertTrue(ledger.getDispute(id).status == IInferenceLedger.DisputeStatus.None, "no dispute opened");
        }
        bytes32 h = ledger.computeChallengeCommit(challenger, b.id, index, keccak256("claimed"), salt);
        assertTrue(
            ledger.getChallengeCommit(h).status == IInferenceLedger.ChallengeCommitStatus.Committed, "still committed"
        );
        assertEq(ledger.getDisputeTally(b.id).open, 0, "nothing open");
        assertTrue(_status(b.id) == IInferenceLedger.CommitmentStatus.Pending, "still pending");
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
        assertEq(stakeManager.escrowed(), reward, "the reward in escrow");
        IInferenceLedger.DisputeTally memory tally = ledger.getDisputeTally(b.id);
        assertEq(tally.fraudulentLeaf, leaf, "fraudulent leaf");
        assertEq(tally.rewardee, challenger, "rewardee");
        assertEq(tally.rewardAccusation, disputeId, "reward accusation");
        assertFalse(tally.rewardPaid, "not paid yet");
        assertEq(tally.open, 0, "nothing open");
        assertTrue(ledger.inferenceStatus(b.id, leaf) == IInferenceLedger.InferenceStatus.Fraudulent, "fraudulent");
        if (size > 1) {
            assertTrue(
                ledger.inferenceStatus(b.id, (leaf + 1) % size) == IInferenceLedger.InferenceStatus.Voided, "voided"
            );
        }

        // Up to and including the deadline an earlier commit could still be revealed: the reward is not final.
        vm.warp(b.deadline);
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
        assertEq(stakeManager.escrowed(), 0, "escrow released");
        assertTrue(ledger.getDisputeTally(b.id).rewardPaid, "paid");
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
    /// reward goes to the earlier-committed dispute proven right, whichever is decided first.
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
        // The later dispute may be decided first: when it proves the fault it slashes, yet the earlier one takes
        // the reward once it too proves the fault. (A ballot closes without quorum only after the voting period,
        // when the first one can no longer be decided.)
        laterFirst = laterFirst && second != 2;
        if (laterFirst) _settleSecond(d2, second);
        _decide(d1, true);
        if (!laterFirst) _settleSecond(d2, second);
        assertTrue(_status(b.id) == IInferenceLedger.CommitmentStatus.Slashed, "slashed");
        uint256 reward = b.bond * REWARD_BPS / BPS;
        if (!ledger.getDisputeTally(b.id).rewardPaid) {
            // Paid by the last close only when it came after the window (the no-quorum close does).
            vm.warp(uint256(b.deadline) + 1);
            ledger.payChallengerReward(b.id);
        }

        uint256 burned = second == 0 ? 0 : CHALLENGER_BOND_A * BURN_BPS / BPS;
        assertTrue(_status(b.id) == IInferenceLedger.CommitmentStatus.Slashed, "still slashed");
        assertEq(
            ledger.getDisputeTally(b.id).fraudulentLeaf, laterFirst && second == 0 ? l2 : l1, "first fault recorded"
        );
        assertEq(ledger.getDisputeTally(b.id).rewardAccusation, d1, "the earlier commit takes the reward");
        assertEq(ledger.getDisputeTally(b.id).rewardee, challenger, "the earlier challenger takes the reward");
        assertEq(stakeManager.creditOf(challenger), CHALLENGER_BOND_A + reward, "first challenger");
        assertEq(
            stakeManager.creditOf(challenger2),
            second == 1 ? 0 : CHALLENGER_BOND_A - burned,
            "second challenger: its bond only, less the burn unless proven right"
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
        assertEq(stakeManager.creditOf(treasury), CHALLENGER_BOND_A - refund, "the burn");

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

    // ------------------------------------------------------------------ commit and reveal

    /// Ids are one global sequence of commits, whoever makes them and whatever they accuse; unrevealed commits
    /// leave gaps in the dispute ids.
    function testFuzz_commitIdsAreOneSequence(uint256 n, uint256 seed) public {
        n = _bound(n, 1, 12);
        Batch memory b = _commitBatchAt(T0, false, 4, bytes32(seed));
        for (uint256 i; i < n; ++i) {
            address who = _actor(string.concat("committer ", _str(uint256(keccak256(abi.encode(seed, i))) % 5)));
            _fund(who, DEPOSIT);
            bytes32 h = keccak256(abi.encode(seed, i, "commit"));
            vm.prank(who);
            assertEq(ledger.commitChallenge(h), i + 1, "next id");
            IInferenceLedger.ChallengeCommit memory record = ledger.getChallengeCommit(h);
            assertEq(record.id, i + 1, "stored id");
            assertEq(record.committedAt, T0, "committed at");
            assertTrue(record.status == IInferenceLedger.ChallengeCommitStatus.Committed, "committed");
        }
        assertEq(ledger.disputeCount(), n, "count");
        assertEq(stakeManager.escrowed(), n * DEPOSIT, "one deposit per commit");
        // A revealed commit takes the next id, after the unrevealed ones.
        uint256 id = _challenge(challenger, b, 1);
        assertEq(id, n + 1, "the reveal's id is its commit's");
        for (uint256 i = 1; i <= n; ++i) {
            assertTrue(ledger.getDispute(i).status == IInferenceLedger.DisputeStatus.None, "gap");
        }
    }

    /// A commit hash is used once: a second commit of it reverts and takes no deposit.
    function test_commitHashIsUsedOnce() public {
        _fund(challenger, 2 * DEPOSIT);
        bytes32 h = keccak256("the accusation");
        vm.prank(challenger);
        ledger.commitChallenge(h);
        vm.prank(challenger);
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerChallengeCommitExists.selector, h));
        ledger.commitChallenge(h);
        // Not even someone else may reuse it.
        _fund(challenger2, DEPOSIT);
        vm.prank(challenger2);
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerChallengeCommitExists.selector, h));
        ledger.commitChallenge(h);
        assertEq(stakeManager.escrowed(), DEPOSIT, "one deposit");
        assertEq(ledger.disputeCount(), 1, "one commit");
    }

    /// A commit needs the deposit: without the allowance nothing is recorded.
    function test_commitWithoutDepositReverts() public {
        token.mint(challenger, DEPOSIT);
        vm.prank(challenger);
        token.approve(address(stakeManager), DEPOSIT - 1);
        vm.prank(challenger);
        vm.expectRevert();
        ledger.commitChallenge(keccak256("unfunded"));
        assertEq(ledger.disputeCount(), 0, "no commit");
        assertTrue(
            ledger.getChallengeCommit(keccak256("unfunded")).status == IInferenceLedger.ChallengeCommitStatus.None,
            "nothing stored"
        );
    }

    /// A reveal must match its commit exactly: another sender, salt, leaf or claim, or a demand revealing a
    /// challenge commit (or the reverse), finds no commit.
    function testFuzz_revealMustMatchTheCommit(uint256 size, uint256 leaf, uint8 mode, bytes32 delta) public {
        size = _bound(size, 2, 16);
        leaf = _bound(leaf, 0, size - 1);
        vm.assume(delta != bytes32(0));
        Batch memory b = _commitBatchAt(T0, false, size, delta);
        _fund(challenger, CHALLENGER_BOND_A + DEPOSIT); // the challenge and a demand commit
        bytes32 claim = _claim(leaf);
        bytes32 salt = _commitAccusation(challenger, b.id, leaf, claim);
        mode = mode % 6;
        address who = challenger;
        uint256 index = leaf;
        bytes32 revealedClaim = claim;
        bytes32 revealedSalt = salt;
        if (mode == 0) {
            who = challenger2; // someone who saw the reveal coming and copies it
        } else if (mode == 1) {
            revealedSalt = salt ^ delta;
        } else if (mode == 2) {
            index = (leaf + 1) % size;
        } else if (mode == 3) {
            revealedClaim = claim ^ delta;
            vm.assume(revealedClaim != b.items[leaf].outputHash);
        } else {
            revealedClaim = bytes32(0); // a demand revealing a challenge commit
        }
        bytes32 expected = ledger.computeChallengeCommit(who, b.id, index, revealedClaim, revealedSalt);
        if (who != challenger) _fund(who, CHALLENGER_BOND_A);
        bytes32[] memory proof = NaiveMerkle.proof(b.leaves, index);
        vm.prank(who);
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerChallengeCommitNotFound.selector, expected));
        if (revealedClaim == bytes32(0)) {
            ledger.demandData(b.id, index, b.items[index], proof, revealedSalt);
        } else {
            ledger.challenge(b.id, index, b.items[index], proof, revealedClaim, revealedSalt);
        }

        // A challenge reveal of a demand commit finds no commit either, and a challenge cannot claim zero.
        bytes32 demandSalt = _commitAccusation(challenger, b.id, leaf, bytes32(0));
        proof = NaiveMerkle.proof(b.leaves, leaf);
        vm.prank(challenger);
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerClaimMissing.selector, b.id));
        ledger.challenge(b.id, leaf, b.items[leaf], proof, bytes32(0), demandSalt);

        // The committer's exact reveal works, once.
        vm.prank(challenger);
        uint256 id = ledger.challenge(b.id, leaf, b.items[leaf], proof, claim, salt);
        assertEq(id, 1, "the first commit's id");
        bytes32 h = ledger.computeChallengeCommit(challenger, b.id, leaf, claim, salt);
        assertTrue(ledger.getChallengeCommit(h).status == IInferenceLedger.ChallengeCommitStatus.Revealed, "revealed");
        vm.prank(challenger);
        vm.expectRevert(
            abi.encodeWithSelector(
                IInferenceLedger.LedgerChallengeCommitClosed.selector, h, IInferenceLedger.ChallengeCommitStatus.Revealed
            )
        );
        ledger.challenge(b.id, leaf, b.items[leaf], proof, claim, salt);
        // A revealed commit cannot be forfeited, even after its window.
        vm.warp(T0 + REVEAL_WINDOW + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IInferenceLedger.LedgerChallengeCommitClosed.selector, h, IInferenceLedger.ChallengeCommitStatus.Revealed
            )
        );
        ledger.forfeitChallengeCommit(h);
    }

    /// A reveal on a commitment that does not exist or has settled is refused before any commit is looked up.
    function test_revealOnAMissingOrSettledCommitment() public {
        Batch memory b = _commitBatchAt(T0, false, 2, "settled");
        _fund(challenger, 2 * DEPOSIT);
        bytes32 missing = keccak256("missing");
        bytes32 s1 = _commitAccusation(challenger, missing, 0, _claim(0));
        vm.prank(challenger);
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerCommitmentNotFound.selector, missing));
        ledger.challenge(missing, 0, b.items[0], new bytes32[](0), _claim(0), s1);

        bytes32 s2 = _commitAccusation(challenger, b.id, 0, _claim(0));
        vm.warp(uint256(b.deadline) + 1);
        ledger.settle(b.id);
        bytes32[] memory proof = NaiveMerkle.proof(b.leaves, 0);
        vm.prank(challenger);
        vm.expectRevert(
            abi.encodeWithSelector(
                IInferenceLedger.LedgerCommitmentStatusInvalid.selector, b.id, IInferenceLedger.CommitmentStatus.Settled
            )
        );
        ledger.challenge(b.id, 0, b.items[0], proof, _claim(0), s2);
    }

    // ------------------------------------------------------------------ data demands

    /// A published input answers the demand: the inference is no longer disputed, the deposit is the
    /// operator's once collected, and the commitment settles as usual.
    function testFuzz_publishedInputAnswersTheDemand(uint256 size, uint256 leaf, uint256 answerAfter, bool useB)
        public
    {
        size = _bound(size, 1, 32);
        leaf = _bound(leaf, 0, size - 1);
        Batch memory b = _commitBatchAt(T0, useB, size, keccak256(abi.encode(size, leaf, "demand")));
        uint256 demandId = _demand(challenger, b, leaf);
        bytes32 key = _demandKey(demandId, b, leaf);
        uint40 due = uint40(T0 + DATA_ANSWER_WINDOW);
        IInferenceLedger.DataDemand memory d = ledger.getDataDemand(key);
        assertEq(d.demander, challenger, "demander");
        assertEq(d.deadline, due, "deadline");
        assertTrue(d.status == IInferenceLedger.DataDemandStatus.Open, "open");
        assertTrue(_status(b.id) == IInferenceLedger.CommitmentStatus.Disputed, "a demand holds the commitment open");
        assertTrue(ledger.inferenceStatus(b.id, leaf) == IInferenceLedger.InferenceStatus.Disputed, "leaf disputed");
        assertEq(ledger.getDisputeTally(b.id).open, 1, "one open accusation");
        assertEq(stakeManager.escrowed(), DEPOSIT, "the deposit is the demand's bond");
        assertTrue(ledger.getDispute(demandId).status == IInferenceLedger.DisputeStatus.None, "a demand is no dispute");

        // Too early to expire; the wrong bytes (or another leaf's) find no demand.
        vm.warp(T0 + _bound(answerAfter, 0, DATA_ANSWER_WINDOW));
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerDataAnswerWindowOpen.selector, key, due));
        ledger.expireDataDemand(demandId, b.id, leaf, b.items[leaf].inputHash);
        bytes memory wrong = _input(b.seed, leaf + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IInferenceLedger.LedgerDataDemandNotFound.selector,
                ledger.computeDemandKey(demandId, b.id, leaf, keccak256(wrong))
            )
        );
        ledger.publishInput(demandId, b.id, leaf, wrong);
        vm.expectRevert(abi.encodeWithSelector(IInferenceLedger.LedgerDataDemandStatusInvalid.selector, key, d.status));
        ledger.collectDataDemand(demandId, b.id, leaf, b.items[leaf].inputHash);

        // Anyone may publish the right bytes, once.
        vm.prank(challenger2);
        ledger.publishInput(demandId, b.id, leaf, _input(b.seed, leaf));
        assertTrue(ledger.getDataDemand(key).status == IInferenceLedger.DataDemandStatus.Answered, "answered");
        assertTrue(_status(b.id) == IInferenceLedger.CommitmentStatus.Pending, "pending again");
        assertTrue(ledger.inferenceStatus(b.id, leaf) == IInferenceLedger.InferenceStatus.Pending, "leaf pending");
        assertEq(ledger.getDisputeTally(b.id).open, 0, "nothing open");
        bytes memory answered = abi.encodeWithSelector(
            IInferenceLedger.LedgerDataDemandStatusInvalid.selector, key, IInferenceLedger.DataDemandStatus.Answered
        );
        vm.expectRevert(answered);
        ledger.publishInput(demandId, b.id, leaf, _input(b.seed, leaf));
        vm.warp(uint256(due) + 1);
        vm.expectRevert(answered);
        ledger.expireDataDemand(demandId, b.id, leaf, b.items[leaf].inputHash);

        // The deposit goes to the operator, whole, once.
        ledger.collectDataDemand(demandId, b.id, leaf, b.items[leaf].inputHash);
        assertEq(stakeManager.creditOf(operator), DEPOSIT, "operator takes the deposit");
        assertEq(stakeManager.creditOf(challenger), 0, "demander loses it");
        assertEq(stakeManager.creditOf(treasury), 0, "no burn on a deposit");
        assertEq(stakeManager.escrowed(), 0, "escrow empty");
        vm.expectRevert(
            abi.encodeWithSelector(
                IInferenceLedger.LedgerDataDemandStatusInvalid.selector, key, IInferenceLedger.DataDemandStatus.Collected
            )
        );
        ledger.collectDataDemand(demandId, b.id, leaf, b.items[leaf].inputHash);

        vm.warp(uint256(b.deadline) + 1 > uint256(due) + 1 ? uint256(b.deadline) + 1 : uint256(due) + 1);
        ledger.settle(b.id);
        assertEq(ledger.bondReserveOf(operator), b.bond, "bond back to the reserve");
    }

    /// A withheld input slashes the commitment as if at fault: the demanded leaf is fraudulent, the demander gets
    /// its deposit back and, once the window has closed, the reward.
    function testFuzz_withheldInputSlashes(uint256 size, uint256 leaf, uint256 demandAt, uint256 late, bool useB)
        public
    {
        size = _bound(size, 1, 32);
        leaf = _bound(leaf, 0, size - 1);
        Batch memory b = _commitBatchAt(T0, useB, size, keccak256(abi.encode(size, leaf, "withheld")));
        vm.warp(T0 + _bound(demandAt, 0, b.deadline - T0));
        uint256 demandId = _demand(challenger, b, leaf);
        bytes32 key = _demandKey(demandId, b, leaf);
        uint256 due = block.timestamp + DATA_ANSWER_WINDOW;
        uint256 expireAt = due + _bound(late, 1, 2 days);
        vm.warp(expireAt);
        vm.expectRevert(
            abi.encodeWithSelector(IInferenceLedger.LedgerDataAnswerWindowClosed.selector, key, uint40(due))
        );
        ledger.publishInput(demandId, b.id, leaf, _input(b.seed, leaf));
        vm.prank(challenger2);
        ledger.expireDataDemand(demandId, b.id, leaf, b.items[leaf].inputHash);

        uint256 reward = b.bond * REWARD_BPS / BPS;
        assertTrue(ledger.getDataDemand(key).status == IInferenceLedger.DataDemandStatus.Withheld, "withheld");
        assertTrue(_status(b.id) == IInferenceLedger.CommitmentStatus.Slashed, "slashed");
        assertTrue(ledger.inferenceStatus(b.id, leaf) == IInferenceLedger.InferenceStatus.Fraudulent, "fraudulent");
        if (size > 1) {
            assertTrue(
                ledger.inferenceStatus(b.id, (leaf + 1) % size) == IInferenceLedger.InferenceStatus.Voided, "voided"
            );
        }
        IInferenceLedger.DisputeTally memory tally = ledger.getDisputeTally(b.id);
        assertEq(tally.rewardee, challenger, "the demander is the rewardee");
        assertEq(tally.rewardAccusation, demandId, "through the demand");
        assertEq(tally.fraudulentLeaf, leaf, "the demanded leaf");
        assertEq(stakeManager.stakeOf(operator).locked, 0, "bond slashed");
        assertEq(stakeManager.creditOf(treasury), b.bond - reward, "treasury share");
        // The expiry came after the challenge window when the demand was revealed late enough: then it paid.
        bool final_ = expireAt > b.deadline;
        assertEq(tally.rewardPaid, final_, "paid at once exactly when the window had closed");
        if (!final_) {
            assertEq(stakeManager.creditOf(challenger), DEPOSIT, "deposit back; the reward waits");
            vm.expectRevert(
                abi.encodeWithSelector(IInferenceLedger.LedgerRewardNotFinal.selector, b.id, uint24(0), b.deadline)
            );
            ledger.payChallengerReward(b.id);
            vm.warp(uint256(b.deadline) + 1);
            ledger.payChallengerReward(b.id);
        }
        assertEq(stakeManager.creditOf(challenger), DEPOSIT + reward, "deposit back plus the reward");
        assertEq(stakeManager.escrowed(), 0, "escrow empty");
        bytes memory withheld = abi.encodeWithSelector(
            IInferenceLedger.LedgerDataDemandStatusInvalid.selector, key, IInferenceLedger.DataDemandStatus.Withheld
        );
        vm.expectRevert(withheld);
        ledger.expireDataDemand(demandId, b.id, leaf, b.items[leaf].inputHash);
        vm.expectRevert(withheld);
        ledger.collectDataDemand(demandId, b.id, leaf, b.items[leaf].inputHash);
        assertEq(token.balanceOf(address(stakeManager)), b.bond + DEPOSIT, "vault holds what came in");
    }

    /// A dispute and a demand on one commitment: it stays disputed until both close, and settles after.
    function testFuzz_demandAndDisputeBothHoldTheCommitment(uint256 size, uint256 l1, uint256 l2, bool answerFirst)
        public
    {
        size = _bound(size, 1, 16);
        l1 = _bound(l1, 0, size - 1);
        l2 = _bound(l2, 0, size - 1);
        Batch memory b = _commitBatchAt(T0, true, size, keccak256(abi.encode(l1, l2, "both")));
        uint256 demandId = _demand(challenger, b, l1);
        uint256 disputeId = _challenge(challenger2, b, l2);
        assertEq(ledger.getDisputeTally(b.id).open, 2, "two open");
        if (answerFirst) {
            ledger.publishInput(demandId, b.id, l1, _input(b.seed, l1));
            assertTrue(_status(b.id) == IInferenceLedger.CommitmentStatus.Disputed, "the dispute still holds it");
            _decide(disputeId, false);
        } else {
            _decide(disputeId, false);
            assertTrue(_status(b.id) == IInferenceLedger.CommitmentStatus.Disputed, "the demand still holds it");
            ledger.publishInput(demandId, b.id, l1, _input(b.seed, l1));
        }
        assertTrue(_status(b.id) == IInferenceLedger.CommitmentStatus.Pending, "pending");
        vm.warp(uint256(b.deadline) + 1);
        ledger.settle(b.id);
        ledger.collectDataDemand(demandId, b.id, l1, b.items[l1].inputHash);
        uint256 burned = CHALLENGER_BOND_B * BURN_BPS / BPS;
        assertEq(stakeManager.creditOf(operator), DEPOSIT + CHALLENGER_BOND_B - burned, "operator: deposit and bond");
        assertEq(stakeManager.creditOf(treasury), burned, "treasury: the burn");
        assertEq(ledger.bondReserveOf(operator), b.bond, "settled");
        assertEq(stakeManager.escrowed(), 0, "escrow empty");
    }

    // ------------------------------------------------------------------ reveal and answer windows

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
