// The test vectors of docs/int8-mlp-profile.md (docs/int8-mlp-profile.vectors.json), checked
// three ways: against the page's rules written out here from first principles (integers in
// BigInt, bytes concatenated by hand, viem's keccak256 and nothing else of the runtime),
// against @vinfer/runtime, and against scripts/profile-vectors.ts, whose output the committed
// file must be byte for byte.
import { expect } from "chai";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { bytesToHex, concat, hexToBytes, keccak256, stringToBytes } from "viem";
import type { Hex } from "viem";
import {
  argmax,
  buildModel,
  EMPTY_VECTOR_HASH,
  forward,
  inferenceLeaf,
  infer,
  merkleLevels,
  neuronLeaf,
  neuronLeafData,
  neuronStep,
  parseModel,
  profileHash,
  quantizeInput,
  stateHash,
  trace,
  vectorHash,
  verifyMerkleProof,
} from "@vinfer/runtime";
import type { Int8Layer, Int8Model } from "@vinfer/runtime";
import { VECTORS_PATH, vectorsText } from "../../scripts/profile-vectors.ts";

// ---------------------------------------------------------------------------------------------
// The file's shape (docs/int8-mlp-profile.md, "Test vectors").

type NeuronCase = {
  name: string; weights: number[]; input: number[]; bias: number; multiplier: number; shift: number; relu: boolean;
  acc: string; product: string; rounded: string; y: number;
};
type LayerSpec = { inWidth: number; outWidth: number; weights: number[][]; biases: number[]; multiplier: number; shift: number; relu: boolean };
type LeafVector = {
  t: number; layer: number; neuron: number; layerWidth: number; bias: number; multiplier: number; shift: number; relu: boolean;
  weights: number[]; data: Hex; dataHash: Hex; leaf: Hex;
};
type Step = { t: number; layer: number; neuron: number; acc: string; product: string; rounded: string; y: number };
type Inference = {
  name: string; pixels?: number[]; greyLevels?: number[]; input: number[]; inputBytes: Hex; inputHash: Hex;
  layerOutputs: number[][]; steps: Step[]; output: number[]; outputBytes: Hex; outputHash: Hex; prediction: number;
  states: Hex[]; requestId: Hex; inferenceLeaf: Hex;
};
type Tree = { levels: Hex[][]; proofs: Hex[][] };
type Vectors = {
  profile: string;
  profileHash: Hex;
  generator: string;
  keccak256: { empty: Hex; abc: Hex; sha3_256EmptyNotThis: Hex; emptyVectorHash: Hex };
  inputQuantization: {
    pixels: { pixel: number; product: number; int8: number }[];
    rejected: number[];
    greyLevels: number[];
    mnistPackageDifferences: { grey: number; pixel: number; int8: number; int8FromGrey: number }[];
  };
  requantization: NeuronCase[];
  model: { inputWidth: number; traceLength: number; layers: LayerSpec[]; weightsRoot: Hex; file: unknown };
  neuronLeaves: LeafVector[];
  weightsTree: Tree;
  inferences: Inference[];
  batch: Tree & { leaves: Hex[]; root: Hex };
};

const repoFile = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const vectorsFileText = repoFile(VECTORS_PATH);
const vectors = JSON.parse(vectorsFileText) as Vectors;
const page = repoFile("docs/int8-mlp-profile.md");

// ---------------------------------------------------------------------------------------------
// The page's rules, from first principles.

/** An integer as `width` big-endian bytes; negative values in two's complement. */
function bigEndian(value: number | bigint, width: number): Uint8Array {
  let v = BigInt.asUintN(width * 8, BigInt(value));
  const out = new Uint8Array(width);
  for (let k = width - 1; k >= 0; k--) {
    out[k] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** An int8 vector: one two's-complement byte per element. */
const int8Bytes = (v: readonly number[]) => Uint8Array.from(v, (x) => {
  if (!Number.isInteger(x) || x < -128 || x > 127) throw new RangeError(`${x} is not an int8`);
  return x & 0xff;
});
const H = (v: readonly number[]): Hex => keccak256(int8Bytes(v));
const bytes32 = (hex: Hex) => {
  const b = hexToBytes(hex);
  if (b.length !== 32) throw new RangeError(`${hex} is not 32 bytes`);
  return b;
};

/** s_t: 32-byte big-endian t, then the two 32-byte hashes (96 bytes). */
const state = (t: number, layerInputHash: Hex, partialHash: Hex): Hex =>
  keccak256(concat([bigEndian(t, 32), bytes32(layerInputHash), bytes32(partialHash)]));

/** The 16-byte header of a neuron leaf (2+2+2+4+4+1+1 bytes), then the row's n bytes. */
const leafData = (f: Omit<LeafVector, "t" | "data" | "dataHash" | "leaf">): Uint8Array =>
  concat([
    bigEndian(f.layer, 2), bigEndian(f.neuron, 2), bigEndian(f.layerWidth, 2), bigEndian(f.bias, 4),
    bigEndian(f.multiplier, 4), bigEndian(f.shift, 1), Uint8Array.of(f.relu ? 1 : 0), int8Bytes(f.weights),
  ]);

/** Leaves are keccak256 of the 32-byte keccak256 of their data. */
const doubleHash = (data: Uint8Array): Hex => keccak256(hexToBytes(keccak256(data)));
const pair = (left: Hex, right: Hex): Hex => keccak256(concat([bytes32(left), bytes32(right)]));

function treeLevels(leaves: readonly Hex[]): Hex[][] {
  const levels = [leaves.slice()];
  while (levels[levels.length - 1].length > 1) {
    const a = levels[levels.length - 1];
    levels.push(Array.from({ length: Math.ceil(a.length / 2) }, (_, i) => (2 * i + 1 < a.length ? pair(a[2 * i], a[2 * i + 1]) : a[2 * i])));
  }
  return levels;
}

/** Siblings bottom-up, none where the node is the promoted last node of an odd level. */
function treeProof(levels: readonly Hex[][], index: number): Hex[] {
  const proof: Hex[] = [];
  for (let depth = 0, i = index; depth < levels.length - 1; depth++, i >>= 1) {
    if ((i ^ 1) < levels[depth].length) proof.push(levels[depth][i ^ 1]);
  }
  return proof;
}

function proofRoot(leaf: Hex, index: number, count: number, proof: readonly Hex[]): Hex | undefined {
  let node = leaf;
  let used = 0;
  for (let i = index, k = count; k > 1; i >>= 1, k = Math.ceil(k / 2)) {
    if (i === k - 1 && i % 2 === 0) continue; // promoted
    if (used === proof.length) return undefined;
    node = i % 2 === 0 ? pair(node, proof[used++]) : pair(proof[used++], node);
  }
  return used === proof.length ? node : undefined;
}

/** The neuron: exact acc and acc·M, round half up by floor division, clamp, then ReLU. */
function neuron(weights: readonly number[], input: readonly number[], bias: number, multiplier: number, shift: number, relu: boolean) {
  expect(weights.length).to.equal(input.length);
  let acc = BigInt(bias);
  weights.forEach((w, i) => (acc += BigInt(w) * BigInt(input[i])));
  const product = acc * BigInt(multiplier);
  // BigInt division truncates; floor it by hand so the rule is spelled out, not borrowed from ">>".
  const floorDiv = (a: bigint, d: bigint) => (a >= 0n || a % d === 0n ? a / d : a / d - 1n);
  const rounded = shift === 0 ? product : floorDiv(product + 2n ** BigInt(shift - 1), 2n ** BigInt(shift));
  let y = rounded > 127n ? 127 : rounded < -128n ? -128 : Number(rounded);
  if (relu && y < 0) y = 0;
  return { acc, product, rounded, y };
}

/** The overflow-free int64 form of the rounding: (prod >> S) + bit S−1 of prod. */
function roundedInt64(product: bigint, shift: number): bigint {
  expect(BigInt.asIntN(64, product), "acc · M fits int64").to.equal(product);
  if (shift === 0) return product;
  const s = BigInt(shift);
  return BigInt.asIntN(64, (product >> s) + ((product >> (s - 1n)) & 1n));
}

/** A pixel p ∈ [0, 1]: the binary64 product p · 127, rounded to the nearest integer, ties up. */
function pixelToInt8(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`pixel ${p}`);
  const x = p * 127;
  const floor = Math.floor(x);
  return x - floor >= 0.5 ? floor + 1 : floor;
}

const greyToInt8 = (g: number) => Math.floor((127 * g + 127) / 255);

/** The first index of the largest value. */
const prediction = (v: readonly number[]) => v.reduce((best, x, i) => (x > v[best] ? i : best), 0);

const rows = (layer: LayerSpec) => layer.weights;

/** Every layer's output, neuron by neuron, by the page's rules. */
function runModel(input: readonly number[]) {
  const steps: { acc: bigint; product: bigint; rounded: bigint; y: number }[] = [];
  const outputs: number[][] = [];
  let x = input.slice();
  for (const layer of vectors.model.layers) {
    const y = rows(layer).map((row, j) => {
      const n = neuron(row, x, layer.biases[j], layer.multiplier, layer.shift, layer.relu);
      steps.push(n);
      return n.y;
    });
    outputs.push(y);
    x = y;
  }
  return { steps, outputs };
}

// ---------------------------------------------------------------------------------------------
// The runtime's view of the same model.

function toLayer(spec: LayerSpec): Int8Layer {
  return {
    inWidth: spec.inWidth, outWidth: spec.outWidth, weights: Int8Array.from(spec.weights.flat()),
    biases: Int32Array.from(spec.biases), multiplier: spec.multiplier, shift: spec.shift, relu: spec.relu,
  };
}

const runtimeModel = (): Int8Model =>
  buildModel({ inputWidth: vectors.model.inputWidth, layers: vectors.model.layers.map(toLayer) });

/** One neuron through the runtime's fast kernel (a ReLU layer cannot be last, so it gets a follower). */
function kernelNeuron(c: NeuronCase): number {
  const layers: Int8Layer[] = [{
    inWidth: c.weights.length, outWidth: 1, weights: Int8Array.from(c.weights), biases: Int32Array.of(c.bias),
    multiplier: c.multiplier, shift: c.shift, relu: c.relu,
  }];
  if (c.relu) layers.push({ inWidth: 1, outWidth: 1, weights: Int8Array.of(0), biases: Int32Array.of(0), multiplier: 1, shift: 0, relu: false });
  return forward(buildModel({ inputWidth: c.weights.length, layers }), Int8Array.from(c.input))[1][0];
}

/** What the page must keep saying for the checks above to be checks of the page. */
const RULES = [
  "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
  "x[i] = round_half_up(p · 127)",
  "(127·g + 127) div 255",
  "q = (prod >> S) + ((prod >> (S − 1)) & 1)",
  "the first index of the largest output",
  "`data_t` is a 16-byte header followed by the row, `16 + n_l` bytes in all",
  "= keccak256(t as 32 bytes big-endian ‖ H(layer input) ‖ H(outputs of this layer so far))",
  "`requestId ‖ inputHash ‖ outputHash`",
  "**Nothing is clamped.**",
  "**one binary64 multiplication**",
  "**ties towards +∞**",
  "**Multi-byte integers are big-endian**",
  "**Indices are 0-based**",
  "[int8-mlp-profile.vectors.json](int8-mlp-profile.vectors.json)",
];

// ---------------------------------------------------------------------------------------------

describe("runtime: the profile's test vectors", () => {
  it("are what scripts/profile-vectors.ts writes", () => {
    expect(vectorsFileText === vectorsText(), `${VECTORS_PATH} is stale: run node scripts/profile-vectors.ts`).to.equal(true);
    expect(vectors.profile).to.equal("vinfer-int8-mlp/1");
    expect(vectors.generator).to.equal("node scripts/profile-vectors.ts");
  });

  it("use Ethereum's Keccak-256, not FIPS-202 SHA3-256", () => {
    const empty = "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";
    expect(vectors.keccak256.empty).to.equal(empty);
    expect(keccak256(new Uint8Array(0))).to.equal(empty);
    expect(vectors.keccak256.abc).to.equal("0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    expect(keccak256(stringToBytes("abc"))).to.equal(vectors.keccak256.abc);
    const sha3 = `0x${createHash("sha3-256").update(new Uint8Array(0)).digest("hex")}`;
    expect(vectors.keccak256.sha3_256EmptyNotThis).to.equal(sha3);
    expect(sha3).to.not.equal(empty);
    expect(vectors.keccak256.emptyVectorHash).to.equal(empty);
    expect(H([])).to.equal(empty);
    expect(EMPTY_VECTOR_HASH).to.equal(empty);
    expect(vectors.profileHash).to.equal(keccak256(stringToBytes("vinfer-int8-mlp/1")));
    expect(profileHash).to.equal(vectors.profileHash);
  });

  it("quantize pixels as round-half-up of the binary64 product p · 127", () => {
    const cases = vectors.inputQuantization.pixels;
    for (const { pixel, product, int8 } of cases) {
      expect(pixel * 127, `product of ${pixel}`).to.equal(product);
      expect(pixelToInt8(pixel), `pixel ${pixel}`).to.equal(int8);
      expect(quantizeInput([pixel])[0], `runtime, pixel ${pixel}`).to.equal(int8);
    }
    // The cases cover ties, and a product that only the binary64 rounding makes a tie.
    expect(cases.filter((c) => c.product % 1 === 0.5).length).to.be.greaterThanOrEqual(3);
    const tie = cases.find((c) => c.pixel === 1 / 254);
    expect(tie).to.deep.equal({ pixel: 1 / 254, product: 0.5, int8: 1 });
    expect(cases.some((c) => c.int8 === 0 && c.product > 0.49)).to.equal(true);

    for (const pixel of [...vectors.inputQuantization.rejected, Number.NaN, -1, Infinity]) {
      expect(() => quantizeInput([pixel]), `pixel ${pixel}`).to.throw(RangeError);
    }
    // The whole vector is rejected, not clamped.
    expect(() => quantizeInput([0.5, 1.5])).to.throw(RangeError);
  });

  it("quantize grey levels g as (127·g + 127) div 255, the pixel g / 255", () => {
    const table = vectors.inputQuantization.greyLevels;
    expect(table).to.have.length(256);
    table.forEach((int8, g) => {
      expect(greyToInt8(g), `grey ${g}`).to.equal(int8);
      expect(pixelToInt8(g / 255), `grey ${g} as a pixel`).to.equal(int8);
      expect(quantizeInput([g / 255])[0], `runtime, grey ${g}`).to.equal(int8);
      // 127·g / 255 = k + 1/2 would need 254·g ≡ 255 (mod 510): never, so no grey level is a tie.
      expect((254 * g) % 510).to.not.equal(255);
    });
  });

  it("list the grey levels where the mnist package's three-decimal pixels quantize differently", function () {
    this.timeout(30_000);
    const expected = [];
    for (let g = 0; g <= 255; g++) {
      const pixel = Math.round((g * 1000) / 255) / 1000;
      if (pixelToInt8(pixel) !== greyToInt8(g)) {
        expected.push({ grey: g, pixel, int8: pixelToInt8(pixel), int8FromGrey: greyToInt8(g) });
      }
    }
    expect(vectors.inputQuantization.mnistPackageDifferences).to.deep.equal(expected);
    for (const row of expected) expect(quantizeInput([row.pixel])[0]).to.equal(row.int8);
    // The package's pixel values are exactly those three-decimal values of g / 255.
    const digits = createRequire(import.meta.url)("mnist") as ArrayLike<{ raw: ArrayLike<number> }>;
    const values = new Set<number>();
    for (let d = 0; d < 10; d++) for (const v of Array.from(digits[d].raw)) values.add(v);
    const threeDecimals = new Set(Array.from({ length: 256 }, (_, g) => Math.round((g * 1000) / 255) / 1000));
    expect([...values].sort((a, b) => a - b)).to.deep.equal([...threeDecimals].sort((a, b) => a - b));
  });

  it("requantize with exact 64-bit products, floor-division rounding and saturation", () => {
    const cases = vectors.requantization;
    for (const c of cases) {
      const n = neuron(c.weights, c.input, c.bias, c.multiplier, c.shift, c.relu);
      expect([n.acc.toString(), n.product.toString(), n.rounded.toString(), n.y], c.name).to.deep.equal([c.acc, c.product, c.rounded, c.y]);
      expect(roundedInt64(n.product, c.shift), `${c.name}: int64 form`).to.equal(n.rounded);
      expect(neuronStep(c.weights, c.input, c.bias, c.multiplier, c.shift, c.relu), `${c.name}: reference neuron`).to.equal(c.y);
      expect(kernelNeuron(c), `${c.name}: fast kernel`).to.equal(c.y);
    }
    const overflow = cases.find((c) => c.shift === 63 && BigInt(c.product) + 2n ** 62n > 2n ** 63n - 1n);
    expect(overflow, "a case where prod + 2^(S−1) leaves int64").to.not.equal(undefined);
    expect(cases.some((c) => BigInt(c.acc) > 2n ** 31n - 1n), "an accumulator above int32").to.equal(true);
    expect(cases.some((c) => c.name.includes("floor") && BigInt(c.rounded) < 0n)).to.equal(true);
  });

  it("give the model in full, its neuron leaves and weightsRoot", () => {
    const { model } = vectors;
    let t = 0;
    model.layers.forEach((layer, l) => {
      expect(layer.inWidth).to.equal(l === 0 ? model.inputWidth : model.layers[l - 1].outWidth);
      expect(layer.weights).to.have.length(layer.outWidth);
      expect(layer.relu).to.equal(l < model.layers.length - 1);
      layer.weights.forEach((row, j) => {
        const leaf = vectors.neuronLeaves[t];
        // Step t is neuron j of layer l, both 0-based, layers in order then neurons in order.
        expect(leaf).to.include({ t, layer: l, neuron: j, layerWidth: layer.outWidth, bias: layer.biases[j] });
        expect(leaf).to.include({ multiplier: layer.multiplier, shift: layer.shift, relu: layer.relu });
        expect(leaf.weights).to.deep.equal(row);
        const data = leafData(leaf);
        expect(data.length).to.equal(16 + row.length);
        expect(bytesToHex(data)).to.equal(leaf.data);
        expect(keccak256(data)).to.equal(leaf.dataHash);
        expect(doubleHash(data)).to.equal(leaf.leaf);
        const fields = { ...leaf, weights: Int8Array.from(leaf.weights) };
        expect(neuronLeafData(fields)).to.equal(leaf.data);
        expect(neuronLeaf(fields)).to.equal(leaf.leaf);
        t++;
      });
    });
    expect(vectors.neuronLeaves).to.have.length(t);
    expect(model.traceLength).to.equal(t);

    const levels = treeLevels(vectors.neuronLeaves.map((leaf) => leaf.leaf));
    expect(vectors.weightsTree.levels).to.deep.equal(levels);
    expect(model.weightsRoot).to.equal(levels[levels.length - 1][0]);
    vectors.weightsTree.proofs.forEach((proof, index) => {
      expect(proof).to.deep.equal(treeProof(levels, index));
      expect(proofRoot(levels[0][index], index, t, proof)).to.equal(model.weightsRoot);
      expect(verifyMerkleProof(levels[0][index], index, t, proof, model.weightsRoot)).to.equal(true);
    });

    const built = runtimeModel();
    expect([built.weightsRoot, built.traceLength]).to.deep.equal([model.weightsRoot, model.traceLength]);
    expect(merkleLevels(levels[0])).to.deep.equal(levels);
    // The model file holds the same model.
    const parsed = parseModel(model.file);
    expect([parsed.weightsRoot, parsed.traceLength]).to.deep.equal([model.weightsRoot, model.traceLength]);
    parsed.layers.forEach((layer, l) => expect(Array.from(layer.weights)).to.deep.equal(model.layers[l].weights.flat()));
  });

  it("give every inference's output, prediction, hashes, states and leaf", () => {
    const model = runtimeModel();
    const T = vectors.model.traceLength;
    for (const inference of vectors.inferences) {
      const at = inference.name;
      let input = inference.input;
      if (inference.pixels !== undefined) input = inference.pixels.map(pixelToInt8);
      if (inference.greyLevels !== undefined) input = inference.greyLevels.map(greyToInt8);
      expect(inference.input, at).to.deep.equal(input);
      expect(inference.inputBytes, at).to.equal(bytesToHex(int8Bytes(input)));
      expect(inference.inputHash, at).to.equal(H(input));

      const { steps, outputs } = runModel(input);
      expect(inference.layerOutputs, at).to.deep.equal(outputs);
      expect(inference.steps, at).to.deep.equal(steps.map((s, t) => ({
        t, layer: vectors.neuronLeaves[t].layer, neuron: vectors.neuronLeaves[t].neuron,
        acc: s.acc.toString(), product: s.product.toString(), rounded: s.rounded.toString(), y: s.y,
      })));
      const output = outputs[outputs.length - 1];
      expect(inference.output, at).to.deep.equal(output);
      expect(inference.outputBytes, at).to.equal(bytesToHex(int8Bytes(output)));
      expect(inference.outputHash, at).to.equal(H(output));
      expect(inference.prediction, at).to.equal(prediction(output));

      // s_t = keccak256(t ‖ H(layer input) ‖ H(outputs of the layer so far)).
      const states: Hex[] = [];
      let layerInput = input;
      outputs.forEach((y) => {
        for (let j = 0; j < y.length; j++) states.push(state(states.length, H(layerInput), H(y.slice(0, j))));
        layerInput = y;
      });
      states.push(state(T, H(output), H([])));
      expect(inference.states, at).to.deep.equal(states);
      expect(states[0]).to.equal(state(0, inference.inputHash, H([])));
      expect(states[T]).to.equal(state(T, inference.outputHash, H([])));
      expect(inference.inferenceLeaf, at).to.equal(
        doubleHash(concat([bytes32(inference.requestId), bytes32(inference.inputHash), bytes32(inference.outputHash)])),
      );

      // The runtime agrees.
      const x = Int8Array.from(input);
      if (inference.pixels !== undefined) expect(Array.from(quantizeInput(inference.pixels))).to.deep.equal(input);
      const run = trace(model, x);
      expect(Array.from(infer(model, x))).to.deep.equal(output);
      expect(forward(model, x).slice(1).map((v) => Array.from(v))).to.deep.equal(outputs);
      expect([run.inputHash, run.outputHash, vectorHash(x)]).to.deep.equal([inference.inputHash, inference.outputHash, inference.inputHash]);
      expect(run.states).to.deep.equal(states);
      expect(stateHash(0, run.inputHash, EMPTY_VECTOR_HASH)).to.equal(states[0]);
      expect(argmax(run.output)).to.equal(inference.prediction);
      expect(inferenceLeaf(inference.requestId, run.inputHash, run.outputHash)).to.equal(inference.inferenceLeaf);
    }
  });

  it("cover negative values, rounding ties, saturation, ReLU and a tie for the prediction", () => {
    const neurons = vectors.inferences.flatMap((inference) => inference.steps.map((step) => ({ ...step, ...vectors.neuronLeaves[step.t] })));
    const tie = (s: (typeof neurons)[number]) => BigInt.asUintN(s.shift, BigInt(s.product)) === 2n ** BigInt(s.shift - 1);
    expect(neurons.some((s) => tie(s) && BigInt(s.rounded) > 0n), "a positive tie").to.equal(true);
    expect(neurons.some((s) => tie(s) && BigInt(s.rounded) < 0n && s.y < 0), "a negative tie").to.equal(true);
    expect(neurons.some((s) => BigInt(s.rounded) > 127n), "saturation at 127").to.equal(true);
    expect(neurons.some((s) => BigInt(s.rounded) < -128n && !s.relu), "saturation at −128").to.equal(true);
    expect(neurons.some((s) => BigInt(s.rounded) < 0n && s.relu && s.y === 0), "ReLU").to.equal(true);
    expect(neurons.some((s) => BigInt(s.product) > 2n ** 32n), "products beyond 32 bits").to.equal(true);
    expect(vectors.neuronLeaves.some((leaf) => leaf.bias < 0 && leaf.weights.some((w) => w === -128))).to.equal(true);
    expect(vectors.inferences.some((inference) => inference.input.some((v) => v < 0))).to.equal(true);
    expect(
      vectors.inferences.some(({ output, prediction: p }) => output.indexOf(Math.max(...output)) === p && output.lastIndexOf(output[p]) !== p),
      "a prediction with a tie for the largest output",
    ).to.equal(true);
  });

  it("give a batch tree over the inference leaves", () => {
    const leaves = vectors.inferences.map((inference) => inference.inferenceLeaf);
    expect(vectors.batch.leaves).to.deep.equal(leaves);
    const levels = treeLevels(leaves);
    expect(vectors.batch.levels).to.deep.equal(levels);
    expect(vectors.batch.root).to.equal(levels[levels.length - 1][0]);
    expect(merkleLevels(leaves)).to.deep.equal(levels);
    vectors.batch.proofs.forEach((proof, index) => {
      expect(proof).to.deep.equal(treeProof(levels, index));
      expect(proofRoot(leaves[index], index, leaves.length, proof)).to.equal(vectors.batch.root);
      expect(verifyMerkleProof(leaves[index], index, leaves.length, proof, vectors.batch.root)).to.equal(true);
      // A proof is accepted only at its exact length.
      expect(proofRoot(leaves[index], index, leaves.length, proof.slice(0, -1))).to.equal(undefined);
      expect(proofRoot(leaves[index], index, leaves.length, [...proof, proof[0]])).to.equal(undefined);
    });
  });

  it("are described by the page with the rules this test checks", () => {
    for (const rule of RULES) expect(page.includes(rule), `docs/int8-mlp-profile.md no longer says: ${rule}`).to.equal(true);
  });
});
