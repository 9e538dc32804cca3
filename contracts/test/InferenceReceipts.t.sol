// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {InferenceReceipts} from "../libraries/InferenceReceipts.sol";
import {VinferFixture} from "./utils/VinferFixture.sol";
import {NaiveMerkle} from "./utils/NaiveMerkle.sol";

/// @notice Exposes {InferenceReceipts} on one ledger, with receipts in calldata as a dApp receives them.
contract InferenceReceiptsHarness {
    using InferenceReceipts for IInferenceLedger;

    IInferenceLedger private immutable _ledger;

    constructor(IInferenceLedger ledger_) {
        _ledger = ledger_;
    }

    function status(InferenceReceipts.Receipt calldata r) external view returns (IInferenceLedger.InferenceStatus) {
        return _ledger.status(r);
    }

    function requireSettled(InferenceReceipts.Receipt calldata r) external view {
        _ledger.requireSettled(r);
    }

    function leafOf(IInferenceLedger.Inference calldata inference) external pure returns (bytes32) {
        return InferenceReceipts.leafOf(inference);
    }
}

/// @notice Receipts of random batches: every genuine one is included with the ledger's status, and no receipt with one
/// field changed (a bit of the inference or the proof, the position, the model, the operator) is included.
contract InferenceReceiptsTest is VinferFixture {
    address private operator = _actor("operator");
    address private otherOperator = _actor("other operator");
    address private challenger = _actor("challenger");
    InferenceReceiptsHarness private receipts;

    struct Batch {
        bytes32 id;
        IInferenceLedger.Inference[] items;
        bytes32[] leaves;
    }

    function setUp() public override {
        super.setUp();
        receipts = new InferenceReceiptsHarness(ledger);
    }

    function _commit(address who, bytes32 modelId, bytes32 seed, uint256 n) private returns (Batch memory b) {
        b.items = _items(seed, n);
        b.leaves = _leaves(b.items);
        _depositAndReserve(who, uint256(BOND_A) * n);
        vm.prank(who);
        b.id = ledger.commitBatch(modelId, b.items);
    }

    function _receipt(Batch memory b, uint256 leaf) private view returns (InferenceReceipts.Receipt memory) {
        return InferenceReceipts.Receipt({
            commitmentId: b.id,
            modelId: modelA,
            operator: operator,
            leafIndex: leaf,
            inference: b.items[leaf],
            proof: NaiveMerkle.proof(b.leaves, leaf)
        });
    }

    function _settle(bytes32 id) private {
        vm.warp(block.timestamp + WINDOW_A + 1);
        ledger.settle(id);
    }

    function _expectNotIncluded(InferenceReceipts.Receipt memory r, string memory what) private {
        assertEq(uint256(receipts.status(r)), uint256(IInferenceLedger.InferenceStatus.None), what);
        vm.expectRevert(
            abi.encodeWithSelector(InferenceReceipts.InferenceReceiptNotIncluded.selector, r.commitmentId, r.leafIndex)
        );
        receipts.requireSettled(r);
    }

    function _expectNotSettled(InferenceReceipts.Receipt memory r, IInferenceLedger.InferenceStatus status) private {
        vm.expectRevert(
            abi.encodeWithSelector(
                InferenceReceipts.InferenceReceiptNotSettled.selector, r.commitmentId, r.leafIndex, status
            )
        );
        receipts.requireSettled(r);
    }

    function testFuzz_leafMatchesTheLedgersDefinition(IInferenceLedger.Inference memory inference) public view {
        assertEq(receipts.leafOf(inference), NaiveMerkle.leaf(inference), "leaf differs from the ledger's definition");
    }

    function testFuzz_genuineReceiptFollowsTheLedgersStatus(bytes32 seed, uint256 n, uint256 leaf) public {
        n = _bound(n, 1, 64);
        leaf = _bound(leaf, 0, n - 1);
        Batch memory b = _commit(operator, modelA, seed, n);
        InferenceReceipts.Receipt memory r = _receipt(b, leaf);

        assertEq(uint256(receipts.status(r)), uint256(IInferenceLedger.InferenceStatus.Pending), "pending");
        _expectNotSettled(r, IInferenceLedger.InferenceStatus.Pending);
        _settle(b.id);
        assertEq(uint256(receipts.status(r)), uint256(IInferenceLedger.InferenceStatus.Settled), "settled");
        receipts.requireSettled(r);
    }

    function testFuzz_slashedBatchIsFraudulentAtTheProvenLeafAndVoidedElsewhere(
        bytes32 seed,
        uint256 n,
        uint256 accused,
        uint256 leaf
    ) public {
        n = _bound(n, 1, 32);
        accused = _bound(accused, 0, n - 1);
        leaf = _bound(leaf, 0, n - 1);
        Batch memory b = _commit(operator, modelA, seed, n);
        _fund(challenger, CHALLENGER_BOND_A);
        uint256 disputeId = _accuse(
            challenger, b.id, accused, b.items[accused], NaiveMerkle.proof(b.leaves, accused), keccak256("other output")
        );
        _expectNotSettled(_receipt(b, accused), IInferenceLedger.InferenceStatus.Disputed);
        _decide(disputeId, true);

        IInferenceLedger.InferenceStatus expected =
            leaf == accused ? IInferenceLedger.InferenceStatus.Fraudulent : IInferenceLedger.InferenceStatus.Voided;
        InferenceReceipts.Receipt memory r = _receipt(b, leaf);
        assertEq(uint256(receipts.status(r)), uint256(expected), "slashed status");
        _expectNotSettled(r, expected);
    }

    function testFuzz_receiptWithOneFieldChangedIsNotIncluded(
        bytes32 seed,
        uint256 n,
        uint256 leaf,
        uint256 field,
        uint256 bit,
        uint256 otherLeaf
    ) public {
        n = _bound(n, 1, 64);
        leaf = _bound(leaf, 0, n - 1);
        field = _bound(field, 0, 6);
        bytes32 flip = bytes32(uint256(1) << _bound(bit, 0, 255));
        Batch memory b = _commit(operator, modelA, seed, n);
        // The same items committed by another operator and for another model: genuine commitments to aim a forgery at.
        _commit(otherOperator, modelA, seed, n);
        _commit(operator, modelB, seed, n);
        _settle(b.id);

        InferenceReceipts.Receipt memory r = _receipt(b, leaf);
        if (field == 5 && r.proof.length == 0) field = 0; // a single leaf has no proof to tamper with
        if (field == 0) r.inference.requestId ^= flip;
        else if (field == 1) r.inference.inputHash ^= flip;
        else if (field == 2) r.inference.outputHash ^= flip;
        else if (field == 3) r.modelId = modelB;
        else if (field == 4) r.operator = otherOperator;
        else if (field == 5) r.proof[_bound(bit, 0, r.proof.length - 1)] ^= flip;
        else {
            otherLeaf = _bound(otherLeaf, 0, n + 4);
            if (otherLeaf == leaf) otherLeaf = n + 5; // out of range
            r.leafIndex = otherLeaf;
        }
        _expectNotIncluded(r, "a changed receipt is included");
    }

    function testFuzz_proofOfAnotherBatchIsNotIncluded(bytes32 seed, bytes32 otherSeed, uint256 n, uint256 leaf)
        public
    {
        vm.assume(seed != otherSeed);
        n = _bound(n, 2, 64);
        leaf = _bound(leaf, 0, n - 1);
        Batch memory b = _commit(operator, modelA, seed, n);
        Batch memory other = _commit(operator, modelA, otherSeed, n);
        _settle(b.id);
        ledger.settle(other.id);

        InferenceReceipts.Receipt memory r = _receipt(b, leaf);
        r.proof = NaiveMerkle.proof(other.leaves, leaf);
        _expectNotIncluded(r, "another batch's proof is included");
        r = _receipt(other, leaf);
        r.commitmentId = b.id;
        _expectNotIncluded(r, "another batch's inference is included");
    }
}
