// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Int8Mlp} from "../libraries/Int8Mlp.sol";
import {Int8MlpHarness} from "./Int8MlpHarness.sol";

/// @notice The lane-packed assembly of {Int8Mlp} against plain Solidity written straight from the profile.
contract Int8MlpTest {
    Int8MlpHarness private harness;

    function setUp() public {
        harness = new Int8MlpHarness();
    }

    // ------------------------------------------------------------- plain references

    function _naiveDot(bytes memory w, bytes memory x) private pure returns (int256 acc) {
        for (uint256 i; i < x.length; ++i) {
            acc += int256(int8(uint8(w[i]))) * int256(int8(uint8(x[i])));
        }
    }

    /// Round half up written with truncating division and an explicit floor correction.
    function _naiveRequantize(int256 acc, uint32 m, uint8 s, bool relu) private pure returns (int8) {
        int256 q = acc * int256(uint256(m));
        if (s != 0) {
            int256 num = q + int256(2 ** (uint256(s) - 1));
            int256 den = int256(2 ** uint256(s));
            q = num / den;
            if (num % den != 0 && num < 0) q -= 1;
        }
        if (q > 127) q = 127;
        if (q < -128) q = -128;
        if (relu && q < 0) q = 0;
        return int8(q);
    }

    function _filled(uint256 n, bytes1 value) private pure returns (bytes memory v) {
        v = new bytes(n);
        for (uint256 i; i < n; ++i) v[i] = value;
    }

    // ------------------------------------------------------------- dot product

    function testFuzz_dotMatchesNaive(bytes memory w, bytes memory x) public view {
        uint256 n = w.length < x.length ? w.length : x.length;
        assembly {
            mstore(w, n)
            mstore(x, n)
        }
        require(harness.dot(w, x) == _naiveDot(w, x), "dot differs");
    }

    function testFuzz_dotEveryTailLength(uint8 seed) public view {
        for (uint256 n; n <= 97; ++n) {
            bytes memory w = new bytes(n);
            bytes memory x = new bytes(n);
            for (uint256 i; i < n; ++i) {
                w[i] = bytes1(uint8(uint256(keccak256(abi.encode(seed, i, 0)))));
                x[i] = bytes1(uint8(uint256(keccak256(abi.encode(seed, i, 1)))));
            }
            require(harness.dot(w, x) == _naiveDot(w, x), "dot differs");
        }
    }

    function test_dotExtremesAtMaxWidth() public view {
        uint256 n = Int8Mlp.MAX_WIDTH;
        bytes memory lo = _filled(n, 0x80); // -128
        bytes memory hi = _filled(n, 0x7f); // 127
        require(harness.dot(lo, lo) == int256(n) * 16384, "-128 * -128");
        require(harness.dot(hi, hi) == int256(n) * 16129, "127 * 127");
        require(harness.dot(lo, hi) == -int256(n) * 16256, "-128 * 127");
        require(harness.dot(new bytes(0), new bytes(0)) == 0, "empty");
    }

    function test_dotDoesNotReadPastTheVector() public view {
        // The words after a short vector are full of -128s; the tail mask must ignore them.
        bytes[] memory ws = new bytes[](1);
        bytes[] memory xs = new bytes[](1);
        ws[0] = hex"7f";
        xs[0] = hex"80";
        int256[] memory out = harness.dots(ws, xs);
        require(out[0] == -16256, "tail");
    }

    // ------------------------------------------------------------- requantization

    function testFuzz_requantizeMatchesNaive(int40 acc, uint32 m, uint8 s, bool relu) public view {
        uint32 multiplier = uint32(bound(m, 1, 2 ** 31 - 1));
        uint8 shift = uint8(bound(s, 0, 63));
        require(
            harness.requantize(acc, multiplier, shift, relu) == _naiveRequantize(acc, multiplier, shift, relu),
            "requantize differs"
        );
    }

    function test_requantizeRoundsHalfUp() public view {
        // 5/2, -5/2, -7/2 with M = 1, S = 1.
        require(harness.requantize(5, 1, 1, false) == 3, "2.5");
        require(harness.requantize(-5, 1, 1, false) == -2, "-2.5");
        require(harness.requantize(-7, 1, 1, false) == -3, "-3.5");
        require(harness.requantize(-7, 1, 1, true) == 0, "relu");
        require(harness.requantize(1000, 1, 0, false) == 127, "clamp high");
        require(harness.requantize(-1000, 1, 0, false) == -128, "clamp low");
        int256 extreme = int256(type(int32).max) + int256(Int8Mlp.MAX_WIDTH) * 16384;
        // ±(2^31 − 1 + 2^26)·(2^31 − 1) / 2^63 ≈ ±0.52.
        require(harness.requantize(extreme, 2 ** 31 - 1, 63, false) == 1, "extreme / 2^63");
        require(harness.requantize(-extreme, 2 ** 31 - 1, 63, false) == -1, "extreme negative / 2^63");
        require(harness.requantize(-extreme, 2 ** 31 - 1, 0, false) == -128, "extreme, no shift");
    }

    function testFuzz_neuronMatchesNaive(bytes memory w, bytes memory x, int32 bias, uint32 m, uint8 s, bool relu)
        public
        view
    {
        uint256 n = w.length < x.length ? w.length : x.length;
        assembly {
            mstore(w, n)
            mstore(x, n)
        }
        uint32 multiplier = uint32(bound(m, 1, 2 ** 31 - 1));
        uint8 shift = uint8(bound(s, 0, 63));
        Int8MlpHarness.NeuronCase[] memory cases = new Int8MlpHarness.NeuronCase[](1);
        cases[0] = Int8MlpHarness.NeuronCase(w, x, bias, multiplier, shift, relu);
        int8 expected = _naiveRequantize(int256(bias) + _naiveDot(w, x), multiplier, shift, relu);
        require(harness.neurons(cases)[0] == expected, "neuron differs");
    }

    // ------------------------------------------------------------- one step

    /// A one-layer, one-neuron model: its leaf is the root and its proof is empty.
    function _singleNeuron() private pure returns (Int8Mlp.StepWitness memory witness, bytes32 root) {
        witness.layerInput = hex"0102fd";
        witness.leaf = Int8Mlp.NeuronLeaf({
            layer: 0,
            neuron: 0,
            layerWidth: 1,
            bias: -3,
            multiplier: 3,
            shift: 1,
            relu: false,
            weights: hex"0405ff"
        });
        root = keccak256(bytes.concat(keccak256(abi.encodePacked(uint16(0), uint16(0), uint16(1), int32(-3), uint32(3), uint8(1), false, hex"0405ff"))));
    }

    function test_verifyStepSingleNeuron() public view {
        (Int8Mlp.StepWitness memory witness, bytes32 root) = _singleNeuron();
        bytes32 before = Int8Mlp.initialState(keccak256(witness.layerInput));
        require(harness.neuronLeaf(witness.leaf) == root, "leaf");
        (bytes32 afterState, int8 y) = harness.verifyStep(witness, 0, 1, root, before);
        // acc = -3 + 4 + 10 + 3 = 14; 14 * 3 = 42; (42 + 1) >> 1 = 21.
        require(y == 21, "y");
        require(afterState == Int8Mlp.finalState(1, keccak256(hex"15")), "s_1");
    }

    function _expectRevert(bytes memory call, bytes memory reason) private view {
        (bool ok, bytes memory got) = address(harness).staticcall(call);
        require(!ok, "did not revert");
        require(keccak256(got) == keccak256(reason), "wrong revert reason");
    }

    function test_verifyStepRejectsForgedWitnesses() public view {
        (Int8Mlp.StepWitness memory witness, bytes32 root) = _singleNeuron();
        bytes32 before = Int8Mlp.initialState(keccak256(witness.layerInput));
        bytes4 sel = Int8MlpHarness.verifyStep.selector;

        Int8Mlp.StepWitness memory forged = witness;
        forged.layerInput = hex"0102fc";
        bytes32 computed = Int8Mlp.initialState(keccak256(forged.layerInput));
        _expectRevert(
            abi.encodeWithSelector(sel, forged, 0, 1, root, before),
            abi.encodeWithSelector(Int8Mlp.Int8MlpStateMismatch.selector, before, computed)
        );

        (forged,) = _singleNeuron();
        forged.leaf.bias = -2;
        bytes32 leaf = harness.neuronLeaf(forged.leaf);
        _expectRevert(
            abi.encodeWithSelector(sel, forged, 0, 1, root, before),
            abi.encodeWithSelector(Int8Mlp.Int8MlpInvalidLeafProof.selector, 0, leaf)
        );

        (forged,) = _singleNeuron();
        forged.proof = new bytes32[](1);
        _expectRevert(
            abi.encodeWithSelector(sel, forged, 0, 1, root, before),
            abi.encodeWithSelector(Int8Mlp.Int8MlpInvalidLeafProof.selector, 0, root)
        );

        (forged,) = _singleNeuron();
        forged.partialOutputs = hex"00";
        _expectRevert(
            abi.encodeWithSelector(sel, forged, 0, 1, root, before),
            abi.encodeWithSelector(Int8Mlp.Int8MlpNeuronMismatch.selector, 0, 1)
        );

        (forged,) = _singleNeuron();
        forged.leaf.weights = hex"0405";
        _expectRevert(
            abi.encodeWithSelector(sel, forged, 0, 1, root, before),
            abi.encodeWithSelector(Int8Mlp.Int8MlpWidthMismatch.selector, 2, 3)
        );

        (forged,) = _singleNeuron();
        forged.leaf.layerWidth = 0;
        _expectRevert(
            abi.encodeWithSelector(sel, forged, 0, 1, root, before),
            abi.encodeWithSelector(Int8Mlp.Int8MlpNeuronOutOfLayer.selector, 0, 0)
        );
    }

    function bound(uint256 x, uint256 min, uint256 max) private pure returns (uint256) {
        return min + x % (max - min + 1);
    }
}
