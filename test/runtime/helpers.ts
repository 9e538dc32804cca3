// Shared fixtures of the runtime tests. The hashing here is written with ethers, not viem,
// so the runtime's encodings are checked against an independent implementation.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { AbiCoder, concat, keccak256, solidityPacked } from "ethers";
import { buildModel, forward, parseModel } from "@vinfer/runtime";
import type { Hex, Int8Layer, Int8Model } from "@vinfer/runtime";
import type { MnistDigits } from "@vinfer/runtime/training";

const root = new URL("../../", import.meta.url);

export const readRepoFile = (path: string) => readFileSync(new URL(path, root), "utf8");

let shipped: Int8Model | undefined;
export function shippedModel(): Int8Model {
  shipped ??= parseModel(readRepoFile("models/mnist-mlp.json"));
  return shipped;
}

export const mnistDigits = () => createRequire(import.meta.url)("mnist") as MnistDigits;

export const bytesHash = (bytes: Uint8Array): Hex => keccak256(bytes) as Hex;
export const int8Hash = (vector: ArrayLike<number>): Hex => bytesHash(Uint8Array.from(vector, (v) => v & 0xff));

export const expectedState = (step: number, layerInputHash: string, partialHash: string): Hex =>
  keccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "bytes32", "bytes32"], [step, layerInputHash, partialHash])) as Hex;

export const pairHash = (left: string, right: string): Hex => keccak256(concat([left, right])) as Hex;

export type LeafFields = {
  layer: number; neuron: number; layerWidth: number; bias: number;
  multiplier: number; shift: number; relu: boolean; weights: ArrayLike<number>;
};
export const expectedNeuronLeaf = (f: LeafFields): Hex =>
  keccak256(keccak256(solidityPacked(
    ["uint16", "uint16", "uint16", "int32", "uint32", "uint8", "bool", "bytes"],
    [f.layer, f.neuron, f.layerWidth, f.bias, f.multiplier, f.shift, f.relu, Uint8Array.from(f.weights, (w) => w & 0xff)],
  ))) as Hex;

/** Runs one layer through the fast kernel. A ReLU layer cannot be last, so it gets a follower. */
export function runLayer(layer: Int8Layer, input: Int8Array): Int8Array {
  const layers = [layer];
  if (layer.relu) {
    layers.push({
      inWidth: layer.outWidth, outWidth: 1, weights: new Int8Array(layer.outWidth),
      biases: new Int32Array(1), multiplier: 1, shift: 0, relu: false,
    });
  }
  return forward(buildModel({ inputWidth: layer.inWidth, layers }), input)[1];
}

/** The tree of docs/int8-mlp-profile.md written recursively from the definition, as a yardstick. */
export function naiveMerkleRoot(nodes: readonly string[]): Hex {
  if (nodes.length === 1) return nodes[0] as Hex;
  const next: string[] = [];
  for (let i = 0; 2 * i < nodes.length; i++) {
    next.push(2 * i + 1 < nodes.length ? pairHash(nodes[2 * i], nodes[2 * i + 1]) : nodes[2 * i]);
  }
  return naiveMerkleRoot(next);
}
