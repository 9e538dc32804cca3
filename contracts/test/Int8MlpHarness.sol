// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Int8Mlp} from "../libraries/Int8Mlp.sol";

/// @title Int8MlpHarness
/// @notice Exposes {Int8Mlp} to differential tests. Test-only.
contract Int8MlpHarness {
    /// @notice One neuron's inputs, for batched evaluation.
    struct NeuronCase {
        bytes weights;
        bytes input;
        int32 bias;
        uint32 multiplier;
        uint8 shift;
        bool relu;
    }

    /// @notice Evaluates many neurons in one call.
    function neurons(NeuronCase[] calldata cases) external pure returns (int8[] memory ys) {
        ys = new int8[](cases.length);
        for (uint256 i; i < cases.length; ++i) {
            NeuronCase calldata c = cases[i];
            ys[i] = Int8Mlp.neuron(c.weights, c.input, c.bias, c.multiplier, c.shift, c.relu);
        }
    }

    /// @notice Σ w·x.
    function dot(bytes calldata w, bytes calldata x) external pure returns (int256) {
        return Int8Mlp.dot(w, x);
    }

    /// @notice Many dot products in one call.
    function dots(bytes[] calldata ws, bytes[] calldata xs) external pure returns (int256[] memory out) {
        out = new int256[](ws.length);
        for (uint256 i; i < ws.length; ++i) {
            out[i] = Int8Mlp.dot(ws[i], xs[i]);
        }
    }

    /// @notice Requantization alone.
    function requantize(int256 acc, uint32 multiplier, uint8 shift, bool relu) external pure returns (int8) {
        return Int8Mlp.requantize(acc, multiplier, shift, relu);
    }

    /// @notice H(v).
    function vectorHash(bytes calldata v) external pure returns (bytes32) {
        return Int8Mlp.vectorHash(v);
    }

    /// @notice s_t.
    function stateHash(uint256 t, bytes32 layerInputHash, bytes32 partialOutputsHash) external pure returns (bytes32) {
        return Int8Mlp.stateHash(t, layerInputHash, partialOutputsHash);
    }

    /// @notice A neuron's leaf.
    function neuronLeaf(Int8Mlp.NeuronLeaf calldata leaf) external pure returns (bytes32) {
        return Int8Mlp.neuronLeaf(leaf);
    }

    /// @notice The one-step verification.
    function verifyStep(
        Int8Mlp.StepWitness calldata witness,
        uint256 t,
        uint256 traceLength,
        bytes32 weightsRoot,
        bytes32 stateBefore
    ) external pure returns (bytes32 stateAfter, int8 y) {
        return Int8Mlp.verifyStep(witness, t, traceLength, weightsRoot, stateBefore);
    }

    /// @notice Runs many consecutive steps; each witness must start where the previous one ended.
    function verifySteps(
        Int8Mlp.StepWitness[] calldata witnesses,
        uint256 firstStep,
        uint256 traceLength,
        bytes32 weightsRoot,
        bytes32 stateBefore
    ) external pure returns (bytes32[] memory states) {
        states = new bytes32[](witnesses.length);
        for (uint256 i; i < witnesses.length; ++i) {
            (stateBefore,) = Int8Mlp.verifyStep(witnesses[i], firstStep + i, traceLength, weightsRoot, stateBefore);
            states[i] = stateBefore;
        }
    }
}
