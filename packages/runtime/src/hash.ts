// Hashes of the vinfer-int8-mlp/1 profile (docs/int8-mlp-profile.md, "Vectors and hashes",
// "Trace", "Neuron leaves"). The Solidity verifier recomputes these bit for bit.
import { encodeAbiParameters, encodePacked, keccak256, toBytes, toHex } from "viem";
import type { Hex } from "viem";

export const PROFILE = "vinfer-int8-mlp/1";
export const profileHash: Hex = keccak256(toBytes(PROFILE));

/** keccak256 of an int8 vector's two's-complement bytes. */
export function vectorHash(vector: Int8Array): Hex {
  return keccak256(new Uint8Array(vector.buffer, vector.byteOffset, vector.length));
}

/** H([]): the hash of the empty vector, used for "no outputs yet". */
export const EMPTY_VECTOR_HASH: Hex = vectorHash(new Int8Array(0));

const stateParameters = [{ type: "uint256" }, { type: "bytes32" }, { type: "bytes32" }] as const;

/** s_t = keccak256(abi.encode(uint256 t, bytes32 H(layer input), bytes32 H(outputs so far))). */
export function stateHash(step: number | bigint, layerInputHash: Hex, partialOutputsHash: Hex): Hex {
  return keccak256(encodeAbiParameters(stateParameters, [BigInt(step), layerInputHash, partialOutputsHash]));
}

/** The fields a step's neuron leaf commits to. `weights` is the neuron's row. */
export type NeuronLeafFields = {
  layer: number;
  neuron: number;
  layerWidth: number;
  bias: number;
  multiplier: number;
  shift: number;
  relu: boolean;
  weights: Int8Array;
};

const leafTypes = ["uint16", "uint16", "uint16", "int32", "uint32", "uint8", "bool", "bytes"] as const;

/** abi.encodePacked(uint16 layer, uint16 neuron, uint16 layerWidth, int32 bias, uint32 M, uint8 S, bool relu, bytes weights). */
export function neuronLeafData(fields: NeuronLeafFields): Hex {
  const weightBytes = new Uint8Array(fields.weights.buffer, fields.weights.byteOffset, fields.weights.length);
  return encodePacked(leafTypes, [
    fields.layer,
    fields.neuron,
    fields.layerWidth,
    fields.bias,
    fields.multiplier,
    fields.shift,
    fields.relu,
    toHex(weightBytes),
  ]);
}

/** Double hashing keeps a leaf from passing for an inner node of the tree. */
export function doubleHash(data: Hex): Hex {
  return keccak256(keccak256(data));
}

export function neuronLeaf(fields: NeuronLeafFields): Hex {
  return doubleHash(neuronLeafData(fields));
}
