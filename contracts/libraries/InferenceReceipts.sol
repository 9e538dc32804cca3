// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {MerkleTree} from "./MerkleTree.sol";

/// @title InferenceReceipts
/// @notice Lets a contract check, against the ledger alone, that an inference of a given model and operator was
/// committed and what has become of it: a receipt names the commitment, the inference's position in it and the
/// Merkle proof of its leaf; the ledger supplies everything else.
/// @dev A receipt is included in its commitment when the inference's leaf, at `leafIndex`, with `proof`, recomputes
/// over the commitment's recorded leaf count a root `root` such that
/// `ledger.computeCommitmentId(modelId, operator, root) == commitmentId`, and the commitment's recorded operator is
/// `operator`. Nothing a receipt carries can be bent without breaking that equation (short of a keccak256
/// collision):
///
/// - the inference: any changed bit of its request id, input hash or output hash changes the leaf, hence the root;
/// - the position: the leaf count is read from the ledger, never from the receipt, and in a tree of a fixed size every
///   position has its own path of left and right turns, so a proof lands on the root from its own position only;
/// - the proof: a proof taken from another commitment leads to that commitment's root, not to this one's;
/// - the model and the operator: both are hashed into the commitment id with the root, and the ledger files every
///   commitment under the id of its own model and committing operator, so a receipt that names another model or
///   operator than the commitment's never recomputes its id;
/// - the commitment: an unknown id has no record, hence a leaf count of zero, and nothing is included in it;
/// - an inner node of the tree passed off as a leaf: leaves are hashed twice and from the inference only, so a
///   receipt cannot present a node of the tree as an inference.
///
/// Only {IInferenceLedger.InferenceStatus.Settled} is final and good: the commitment's challenge window closed and no
/// accusation proved it wrong. A pending or disputed inference may still be proven wrong; a fraudulent one was; a
/// voided one sits in a batch another inference of which was proven wrong, so no bond stands behind it.
library InferenceReceipts {
    /// @notice Where one committed inference sits: enough to find it in the ledger and prove it is there.
    /// @param commitmentId The commitment that holds the inference.
    /// @param modelId The model the operator says it ran.
    /// @param operator The operator that committed it.
    /// @param leafIndex The inference's position in the commitment (0 for a single commitment).
    /// @param inference The inference: request id, input hash and output hash.
    /// @param proof The Merkle proof of its leaf, bottom-up (empty for a single commitment).
    struct Receipt {
        bytes32 commitmentId;
        bytes32 modelId;
        address operator;
        uint256 leafIndex;
        IInferenceLedger.Inference inference;
        bytes32[] proof;
    }

    /// @notice The receipt does not prove its inference is in its commitment: the inference, position, proof, model
    /// or operator does not lead to the commitment id, or no such commitment exists.
    /// @param commitmentId The commitment the receipt names.
    /// @param leafIndex The position the receipt names.
    error InferenceReceiptNotIncluded(bytes32 commitmentId, uint256 leafIndex);

    /// @notice The inference is in its commitment but not settled.
    /// @param commitmentId The commitment.
    /// @param leafIndex The inference's position.
    /// @param status Its status: pending, disputed, fraudulent or voided.
    error InferenceReceiptNotSettled(bytes32 commitmentId, uint256 leafIndex, IInferenceLedger.InferenceStatus status);

    /// @notice The leaf of an inference, as the ledger computes it:
    /// `keccak256(bytes.concat(keccak256(abi.encode(requestId, inputHash, outputHash))))`.
    /// @param inference The inference.
    /// @return leaf Its leaf.
    function leafOf(IInferenceLedger.Inference calldata inference) internal pure returns (bytes32 leaf) {
        bytes32 preimage = keccak256(abi.encode(inference.requestId, inference.inputHash, inference.outputHash));
        return keccak256(bytes.concat(preimage));
    }

    /// @notice Whether the receipt proves its inference is in its commitment, for its model and operator.
    /// @param ledger The ledger the commitment was made at.
    /// @param r The receipt.
    /// @return included True when the inference, position and proof recompute the commitment's id.
    function isIncluded(IInferenceLedger ledger, Receipt calldata r) internal view returns (bool included) {
        IInferenceLedger.Commitment memory c = ledger.getCommitment(r.commitmentId);
        if (c.operator != r.operator) return false;
        (bytes32 root, bool valid) = MerkleTree.processProof(leafOf(r.inference), r.leafIndex, c.count, r.proof);
        return valid && ledger.computeCommitmentId(r.modelId, r.operator, root) == r.commitmentId;
    }

    /// @notice The status of the receipt's inference.
    /// @param ledger The ledger the commitment was made at.
    /// @param r The receipt.
    /// @return status {IInferenceLedger.InferenceStatus.None} when the receipt is not included ({isIncluded}), the
    /// ledger's {IInferenceLedger.inferenceStatus} of the inference otherwise (never None then).
    function status(IInferenceLedger ledger, Receipt calldata r)
        internal
        view
        returns (IInferenceLedger.InferenceStatus)
    {
        if (!isIncluded(ledger, r)) return IInferenceLedger.InferenceStatus.None;
        return ledger.inferenceStatus(r.commitmentId, r.leafIndex);
    }

    /// @notice Reverts unless the receipt's inference is in its commitment and settled: the result stands for good.
    /// @dev Reverts with {InferenceReceiptNotIncluded} or {InferenceReceiptNotSettled}.
    /// @param ledger The ledger the commitment was made at.
    /// @param r The receipt.
    function requireSettled(IInferenceLedger ledger, Receipt calldata r) internal view {
        IInferenceLedger.InferenceStatus s = status(ledger, r);
        if (s == IInferenceLedger.InferenceStatus.None) revert InferenceReceiptNotIncluded(r.commitmentId, r.leafIndex);
        if (s != IInferenceLedger.InferenceStatus.Settled) {
            revert InferenceReceiptNotSettled(r.commitmentId, r.leafIndex, s);
        }
    }
}
