// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MerkleTree} from "./MerkleTree.sol";

/// @title Int8Mlp
/// @notice Step semantics of the `vinfer-int8-mlp/1` profile (docs/int8-mlp-profile.md) and the verification
/// of one step of a trace: one neuron, its vector and state hashes, its leaf under the model's `weightsRoot`.
/// @dev Everything here must agree bit for bit with `packages/runtime`; differential tests hold them together.
library Int8Mlp {
    /// @notice The widest layer input the profile allows.
    uint256 internal constant MAX_WIDTH = 4096;

    /// @notice The fields of a neuron's leaf: `abi.encodePacked` of them, in this order, is the leaf's data.
    struct NeuronLeaf {
        uint16 layer; // the layer the neuron belongs to
        uint16 neuron; // its index inside the layer
        uint16 layerWidth; // outputs of the layer; the last neuron ends the layer
        int32 bias; // b[j]
        uint32 multiplier; // the layer's requantization multiplier M
        uint8 shift; // the layer's requantization shift S
        bool relu; // ReLU after requantization
        bytes weights; // the neuron's row W[j][0..n) as int8 bytes; its length is the input width
    }

    /// @notice What it takes to execute step `t` from the state before it.
    struct StepWitness {
        bytes layerInput; // x: the input of the neuron's layer, int8 bytes
        bytes partialOutputs; // p = y[0..j): the outputs of the layer computed before this neuron
        NeuronLeaf leaf; // the neuron computed at step t
        bytes32[] proof; // Merkle proof of the leaf at index t of the model's traceLength leaves
    }

    /// @notice The layer input and partial outputs do not hash to the state before the step.
    error Int8MlpStateMismatch(bytes32 expected, bytes32 computed);

    /// @notice The leaf's neuron index is not the number of outputs computed so far in its layer.
    error Int8MlpNeuronMismatch(uint16 neuron, uint256 partialOutputs);

    /// @notice The neuron index is not inside its layer.
    error Int8MlpNeuronOutOfLayer(uint16 neuron, uint16 layerWidth);

    /// @notice The neuron's row and the layer input differ in length, or exceed the profile's width.
    error Int8MlpWidthMismatch(uint256 weights, uint256 layerInput);

    /// @notice The leaf and proof do not lead to the model's `weightsRoot` at index `step`.
    error Int8MlpInvalidLeafProof(uint256 step, bytes32 leaf);

    // 32 lanes of 0x80: xor turns int8 v into the unsigned byte v + 128.
    uint256 private constant _FLIP = 0x8080808080808080808080808080808080808080808080808080808080808080;
    // The low byte of each of the 8 32-bit lanes.
    uint256 private constant _LANE = 0x000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff;
    // Selects the low 64-bit half of each 128-bit half, and the low 32 bits of each 64-bit quarter.
    uint256 private constant _M64 = 0x0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff;
    uint256 private constant _M32 = 0x00000000ffffffff00000000ffffffff00000000ffffffff00000000ffffffff;
    // One in every 32-bit lane: multiplying by it sums all lanes into the top one.
    uint256 private constant _ONES = 0x0000000100000001000000010000000100000001000000010000000100000001;

    /// @notice Σ w[i]·x[i] over two int8 vectors of the same length `n ≤ 65535`.
    /// @dev Lane-packed: 32 elements per iteration, four 256-bit multiplications. Each byte is first offset
    /// to v + 128 ∈ [0, 255], then spread into 32-bit lanes. With one operand's lanes reversed, the top lane of
    /// a product is the dot product of the lanes (schoolbook polynomial product: lanes whose indices sum to 7)
    /// while every lower lane stays below 2^32, so nothing carries into it and what spills above bit 255 is
    /// discarded by the modular multiplication. The offsets are removed at the end:
    /// Σ w·x = Σ w'·x' − 128·(Σ w' + Σ x') + 2^14·n.
    function dot(bytes calldata w, bytes calldata x) internal pure returns (int256 result) {
        assembly ("memory-safe") {
            // Folds one 32-byte chunk (already offset and tail-masked) into the two accumulators.
            function fold(acc, sums, wv, xv) -> acc2, sums2 {
                // Reverse the order of the eight 32-bit lanes of x (bytes inside a lane keep their order).
                xv := or(shr(128, xv), shl(128, xv))
                xv := or(and(shr(64, xv), _M64), shl(64, and(xv, _M64)))
                xv := or(and(shr(32, xv), _M32), shl(32, and(xv, _M32)))
                // Byte k of every lane: w's lane L holds w[31-4L-k], reversed x's lane L holds x[3+4L-k], so the
                // top lane of the product collects w[3+4L-k]·x[3+4L-k] for L = 0..7.
                let w0 := and(wv, _LANE)
                let x0 := and(xv, _LANE)
                let w1 := and(shr(8, wv), _LANE)
                let x1 := and(shr(8, xv), _LANE)
                let w2 := and(shr(16, wv), _LANE)
                let x2 := and(shr(16, xv), _LANE)
                let w3 := shr(24, and(wv, 0xff000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000))
                let x3 := shr(24, and(xv, 0xff000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000))
                acc2 := add(acc, add(add(mul(w0, x0), mul(w1, x1)), add(mul(w2, x2), mul(w3, x3))))
                sums2 := add(sums, add(add(add(w0, w1), add(w2, w3)), add(add(x0, x1), add(x2, x3))))
            }

            let n := x.length
            let wp := w.offset
            let xp := x.offset
            let fullEnd := add(xp, and(n, not(31)))
            let acc := 0 // top lane: Σ w'·x'
            let sums := 0 // each lane: a share of Σ w' + Σ x'
            for {} lt(xp, fullEnd) {
                xp := add(xp, 32)
                wp := add(wp, 32)
            } {
                acc, sums := fold(acc, sums, xor(calldataload(wp), _FLIP), xor(calldataload(xp), _FLIP))
            }
            let rest := and(n, 31)
            if rest {
                // calldataload reads past the vector: keep only its first `rest` bytes, zero (not 0x80) the others.
                let mask := not(shr(shl(3, rest), not(0)))
                acc, sums :=
                    fold(
                        acc,
                        sums,
                        and(xor(calldataload(wp), _FLIP), mask),
                        and(xor(calldataload(xp), _FLIP), mask)
                    )
            }
            let prodSum := shr(224, acc)
            let offsetSum := shr(224, mul(sums, _ONES))
            result := add(sub(prodSum, shl(7, offsetSum)), shl(14, n))
        }
    }

    /// @notice Requantizes an accumulator: clamp(round_half_up(acc·M / 2^S), −128, 127), then ReLU.
    function requantize(int256 acc, uint32 multiplier, uint8 shift, bool relu) internal pure returns (int8) {
        int256 q = acc * int256(uint256(multiplier));
        // ">>" on a signed integer is the arithmetic shift, floor(q / 2^S), as the profile requires.
        if (shift != 0) q = (q + (int256(1) << (shift - 1))) >> shift;
        if (q > 127) q = 127;
        else if (q < -128) q = -128;
        if (relu && q < 0) q = 0;
        return int8(q);
    }

    /// @notice One neuron: requantize(b + Σ W·x). `weights` and `input` must have the same length `≤ 65535`.
    function neuron(bytes calldata weights, bytes calldata input, int32 bias, uint32 multiplier, uint8 shift, bool relu)
        internal
        pure
        returns (int8)
    {
        return requantize(int256(bias) + dot(weights, input), multiplier, shift, relu);
    }

    /// @notice H(v) = keccak256 of the vector's bytes.
    function vectorHash(bytes calldata v) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, v.offset, v.length)
            h := keccak256(ptr, v.length)
        }
    }

    /// @notice H(v ‖ y): the hash of a vector with one more element appended.
    function vectorHashAppend(bytes calldata v, int8 y) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, v.offset, v.length)
            mstore8(add(ptr, v.length), y)
            h := keccak256(ptr, add(v.length, 1))
        }
    }

    /// @notice s_t = keccak256(abi.encode(t, H(layer input), H(outputs of the layer so far))).
    function stateHash(uint256 t, bytes32 layerInputHash, bytes32 partialOutputsHash) internal pure returns (bytes32) {
        return keccak256(abi.encode(t, layerInputHash, partialOutputsHash));
    }

    /// @notice s_0 of an inference on the input with hash `inputHash`.
    function initialState(bytes32 inputHash) internal pure returns (bytes32) {
        return stateHash(0, inputHash, keccak256(""));
    }

    /// @notice s_T of an inference of `traceLength` steps with output hash `outputHash`.
    function finalState(uint256 traceLength, bytes32 outputHash) internal pure returns (bytes32) {
        return stateHash(traceLength, outputHash, keccak256(""));
    }

    /// @notice The leaf of a neuron: keccak256(keccak256(abi.encodePacked(fields))).
    function neuronLeaf(NeuronLeaf calldata leaf) internal pure returns (bytes32) {
        return keccak256(
            bytes.concat(
                keccak256(
                    abi.encodePacked(
                        leaf.layer,
                        leaf.neuron,
                        leaf.layerWidth,
                        leaf.bias,
                        leaf.multiplier,
                        leaf.shift,
                        leaf.relu,
                        leaf.weights
                    )
                )
            )
        );
    }

    /// @notice Executes step `t` of a model with `traceLength` steps under `weightsRoot` from the agreed state
    /// `stateBefore`, and returns the state after it and the neuron's output.
    /// @dev Reverts with an `Int8Mlp…` error unless the witness is the true one for `stateBefore`: the layer input
    /// and partial outputs hash to it, the leaf sits at index `t` of the model, and the leaf's neuron index, row
    /// length and layer width fit the witness. The cheap shape checks run first.
    function verifyStep(
        StepWitness calldata witness,
        uint256 t,
        uint256 traceLength,
        bytes32 weightsRoot,
        bytes32 stateBefore
    ) internal pure returns (bytes32 stateAfter, int8 y) {
        NeuronLeaf calldata leaf = witness.leaf;
        bytes calldata x = witness.layerInput;
        bytes calldata p = witness.partialOutputs;
        if (leaf.neuron != p.length) revert Int8MlpNeuronMismatch(leaf.neuron, p.length);
        if (leaf.neuron >= leaf.layerWidth) revert Int8MlpNeuronOutOfLayer(leaf.neuron, leaf.layerWidth);
        if (leaf.weights.length != x.length || x.length > MAX_WIDTH) {
            revert Int8MlpWidthMismatch(leaf.weights.length, x.length);
        }

        bytes32 inputHash = vectorHash(x);
        bytes32 computed = stateHash(t, inputHash, vectorHash(p));
        if (computed != stateBefore) revert Int8MlpStateMismatch(stateBefore, computed);

        bytes32 leafHash = neuronLeaf(leaf);
        (bytes32 root, bool valid) = MerkleTree.processProof(leafHash, t, traceLength, witness.proof);
        if (!valid || root != weightsRoot) revert Int8MlpInvalidLeafProof(t, leafHash);

        y = neuron(leaf.weights, x, leaf.bias, leaf.multiplier, leaf.shift, leaf.relu);
        bytes32 outputsHash = vectorHashAppend(p, y);
        // At the layer's last neuron its outputs become the next layer's input.
        stateAfter = leaf.neuron + 1 == leaf.layerWidth
            ? stateHash(t + 1, outputsHash, keccak256(""))
            : stateHash(t + 1, inputHash, outputsHash);
    }
}
