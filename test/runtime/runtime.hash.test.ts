import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { EMPTY_VECTOR_HASH, neuronLeaf, PROFILE, profileHash, stateHash, vectorHash } from "@vinfer/runtime";
import type { Hex } from "@vinfer/runtime";
import { expectedNeuronLeaf, expectedState, int8Hash } from "./helpers.ts";

describe("runtime: profile hashes", () => {
  it("names the profile and hashes its name", () => {
    expect(PROFILE).to.equal("vinfer-int8-mlp/1");
    expect(profileHash).to.equal(keccak256(toUtf8Bytes("vinfer-int8-mlp/1")));
  });

  it("hashes int8 vectors as their two's-complement bytes", () => {
    expect(EMPTY_VECTOR_HASH).to.equal(keccak256("0x"));
    expect(vectorHash(new Int8Array(0))).to.equal(EMPTY_VECTOR_HASH);
    expect(vectorHash(Int8Array.of(-1, 0, 127, -128))).to.equal(keccak256("0xff007f80"));
    // A view hashes only its own bytes.
    const backing = Int8Array.of(9, 9, -1, 0, 127, -128, 9);
    expect(vectorHash(backing.subarray(2, 6))).to.equal(int8Hash([-1, 0, 127, -128]));
  });

  it("hashes states as keccak256(abi.encode(uint256, bytes32, bytes32))", () => {
    const input = int8Hash([1, 2, 3]);
    const partial = int8Hash([-4]);
    for (const step of [0, 1, 73, 2 ** 40]) {
      expect(stateHash(step, input, partial)).to.equal(expectedState(step, input, partial));
    }
    expect(stateHash(5n, input, partial)).to.equal(stateHash(5, input, partial));
  });

  it("hashes neuron leaves as keccak256(keccak256(abi.encodePacked(...)))", () => {
    const cases = [
      { layer: 0, neuron: 0, layerWidth: 1, bias: 0, multiplier: 1, shift: 0, relu: false, weights: Int8Array.of(0) },
      { layer: 1, neuron: 63, layerWidth: 64, bias: -(2 ** 31), multiplier: 2 ** 31 - 1, shift: 63, relu: true, weights: Int8Array.of(-128, 127, -1, 5) },
      { layer: 65535, neuron: 4095, layerWidth: 4096, bias: 2 ** 31 - 1, multiplier: 12345, shift: 17, relu: false, weights: Int8Array.from({ length: 300 }, (_, i) => (i * 37) % 256 - 128) },
    ];
    for (const fields of cases) expect(neuronLeaf(fields)).to.equal(expectedNeuronLeaf(fields));
    // The packed layout, spelled out byte by byte for the second case.
    const packed = "0x0001" + "003f" + "0040" + "80000000" + "7fffffff" + "3f" + "01" + "807fff05";
    expect(neuronLeaf(cases[1])).to.equal(keccak256(keccak256(packed)) as Hex);
  });
});
