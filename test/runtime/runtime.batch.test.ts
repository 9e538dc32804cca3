import { expect } from "chai";
import { buildModel, infer, inferBatch, neuronStep } from "@vinfer/runtime";
import type { Int8Layer, Int8Model } from "@vinfer/runtime";
import { heldOutInputs, seededRandom } from "@vinfer/runtime/training";
import { mnistDigits, shippedModel } from "./helpers.ts";

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);
const M_MAX = 2 ** 31 - 1;
const BATCH_SIZES = [1, 7, 256];

const random = seededRandom(0xba7c4);
const integer = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];

type Fill = "random" | "nonNegative" | "min" | "max" | "extremes";
function int8Vector(length: number, fill: Fill): Int8Array {
  return Int8Array.from({ length }, () =>
    fill === "min" ? -128
    : fill === "max" ? 127
    : fill === "extremes" ? pick([-128, 127])
    : fill === "nonNegative" ? integer(0, 127)
    : integer(-128, 127),
  );
}
const anyFill = () => pick<Fill>(["random", "random", "nonNegative", "nonNegative", "min", "max", "extremes"]);

function pack(inputs: readonly Int8Array[], width: number): Int8Array {
  const packed = new Int8Array(inputs.length * width);
  inputs.forEach((input, k) => packed.set(input, k * width));
  return packed;
}

/** Runs `inputs` through inferBatch in batches of `size`, both input shapes, and compares every output with infer. */
function expectBatchesMatchInfer(model: Int8Model, inputs: readonly Int8Array[], size: number): Int8Array[] {
  const outWidth = model.layers[model.layers.length - 1].outWidth;
  const expected = inputs.map((input) => infer(model, input));
  const fromArrays: Int8Array[] = [];
  const fromPacked: Int8Array[] = [];
  for (let start = 0; start < inputs.length; start += size) {
    const batch = inputs.slice(start, start + size);
    const outputs = inferBatch(model, batch);
    expect(outputs).to.have.length(batch.length);
    fromArrays.push(...outputs);
    const packed = inferBatch(model, pack(batch, model.inputWidth));
    expect(packed).to.be.instanceOf(Int8Array);
    expect(packed).to.have.length(batch.length * outWidth);
    for (let k = 0; k < batch.length; k++) fromPacked.push(packed.subarray(k * outWidth, (k + 1) * outWidth));
  }
  expected.forEach((output, k) => {
    for (const [shape, got] of [["array", fromArrays[k]], ["packed", fromPacked[k]]] as const) {
      expect(got).to.be.instanceOf(Int8Array);
      if (got.length !== output.length || got.some((y, j) => y !== output[j])) {
        expect.fail(`input ${k}, batches of ${size} (${shape}): inferBatch [${got}] ≠ infer [${output}]`);
      }
    }
  });
  return expected;
}

/** The neuron's output on `input` through the reference, for aiming shifts. */
function referenceLayer(layer: Int8Layer, input: Int8Array): Int8Array {
  return Int8Array.from({ length: layer.outWidth }, (_, j) =>
    neuronStep(layer.weights.subarray(j * layer.inWidth, (j + 1) * layer.inWidth), input, layer.biases[j], layer.multiplier, layer.shift, layer.relu),
  );
}

/**
 * A random model of 1–3 layers with widths around the kernel's tile and SIMD boundaries,
 * extreme weights, biases and multipliers. Each layer's shift is aimed so that neuron 0
 * lands near the int8 range on `probe` (or set anywhere in 0..63 at random).
 */
function randomModel(probe: Int8Array, widths: readonly number[]): Int8Model {
  const layers: Int8Layer[] = [];
  let x = probe;
  for (let l = 1; l < widths.length; l++) {
    const inWidth = widths[l - 1];
    const outWidth = widths[l];
    const layer: Int8Layer = {
      inWidth,
      outWidth,
      weights: int8Vector(inWidth * outWidth, anyFill()),
      biases: Int32Array.from({ length: outWidth }, () =>
        pick([integer(INT32_MIN, INT32_MAX), integer(-5000, 5000), integer(-5000, 5000), INT32_MAX, INT32_MIN, 0]),
      ),
      multiplier: pick([1, M_MAX, integer(1, M_MAX), integer(1, 1 << 16)]),
      shift: 0,
      relu: l < widths.length - 1,
    };
    let acc = BigInt(layer.biases[0]);
    for (let i = 0; i < inWidth; i++) acc += BigInt(layer.weights[i] * x[i]);
    const magnitude = acc * BigInt(layer.multiplier);
    const bits = (magnitude < 0n ? -magnitude : magnitude).toString(2).length;
    layer.shift = random() < 0.25 ? integer(0, 63) : Math.min(63, Math.max(0, bits - integer(0, 7)));
    layers.push(layer);
    x = referenceLayer(layer, x);
  }
  return buildModel({ inputWidth: widths[0], layers });
}

const WIDTHS = [1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100];

describe("runtime: inferBatch", () => {
  it("is bit-identical to infer on 1,000 held-out MNIST digits, in batches of 1, 7, 256 and all at once", function () {
    this.timeout(60_000);
    const model = shippedModel();
    const { inputs: heldOut } = heldOutInputs(mnistDigits());
    // 1,000 digits spread over the whole held-out set (it is ordered by label).
    const inputs = Array.from({ length: 1000 }, (_, k) => heldOut[Math.floor((k * heldOut.length) / 1000)]);
    for (const size of [...BATCH_SIZES, inputs.length]) expectBatchesMatchInfer(model, inputs, size);
  });

  it("is bit-identical to infer on random models with extreme weights, saturation and negative values", function () {
    this.timeout(120_000);
    const count = BATCH_SIZES.reduce((sum, size) => sum + size, 0);
    let outputs = 0;
    let saturated = 0;
    let inside = 0;
    let negative = 0;
    const shapes: number[][] = [
      [8, 16], // widths already whole SIMD groups: the packed copies take their fast path
      [64, 8, 8],
      [1, 1],
      [4096, 3], // widest input: |Σ w·x| up to 4096 · 2^14
    ];
    for (let trial = 0; trial < 36; trial++) {
      shapes.push(Array.from({ length: integer(2, 4) }, () => (random() < 0.8 ? pick(WIDTHS) : integer(1, 200))));
    }
    for (const widths of shapes) {
      const fill = anyFill();
      const inputs = Array.from({ length: count }, () => int8Vector(widths[0], random() < 0.8 ? fill : anyFill()));
      const model = randomModel(inputs[0], widths);
      // Each batch size runs on its own inputs, and the same inputs again as one batch.
      let start = 0;
      for (const size of BATCH_SIZES) {
        const results = expectBatchesMatchInfer(model, inputs.slice(start, start + size), size);
        start += size;
        for (const output of results) {
          for (const y of output) {
            outputs++;
            if (y === 127 || y === -128) saturated++;
            else inside++;
            if (y < 0) negative++;
          }
        }
      }
      expectBatchesMatchInfer(model, inputs, count);
    }
    // Guards against a vacuous comparison: outputs cover saturation, the inside of the range and negatives.
    expect(saturated / outputs).to.be.greaterThan(0.05);
    expect(inside / outputs).to.be.greaterThan(0.2);
    expect(negative / outputs).to.be.greaterThan(0.05);
  });

  it("is bit-identical to infer when one input of a non-negative batch has a negative value", function () {
    this.timeout(20_000);
    // Batches whose inputs are all in 0..127 (as quantized pixels are) take the 16-wide kernel
    // for the first layer; one negative value anywhere must send the chunk to the exact one.
    const model = shippedModel();
    const { inputs: heldOut } = heldOutInputs(mnistDigits());
    for (const [index, pixel, value] of [[0, 0, -1], [6, 783, -128], [255, 400, -3], [299, 12, -77]]) {
      const inputs = heldOut.slice(0, 300).map((input) => input.slice());
      inputs[index][pixel] = value;
      for (const size of [7, 256, 300]) expectBatchesMatchInfer(model, inputs, size);
    }
  });

  it("accepts a packed batch and an array of inputs, and answers in the same shape", () => {
    const model = shippedModel();
    const { inputs } = heldOutInputs(mnistDigits());
    const batch = inputs.slice(0, 5);
    const outputs = inferBatch(model, batch);
    expect(Array.isArray(outputs)).to.equal(true);
    const packed = inferBatch(model, pack(batch, model.inputWidth));
    expect(packed).to.be.instanceOf(Int8Array);
    expect(Array.from(packed)).to.deep.equal(outputs.flatMap((output) => Array.from(output)));
    // A single input is a packed batch of one.
    expect(Array.from(inferBatch(model, batch[0]))).to.deep.equal(Array.from(infer(model, batch[0])));
  });

  it("rejects inputs of the wrong width with a clear error, before running anything", () => {
    const model = shippedModel();
    const good = new Int8Array(784);
    expect(() => inferBatch(model, [good, good, good, new Int8Array(785)])).to.throw(
      RangeError,
      "input 3: expected an Int8Array of 784 values, got 785 values",
    );
    expect(() => inferBatch(model, [new Int8Array(783)])).to.throw(RangeError, "input 0: expected an Int8Array of 784 values, got 783 values");
    expect(() => inferBatch(model, [good, new Uint8Array(784) as unknown as Int8Array])).to.throw(
      RangeError,
      "input 1: expected an Int8Array of 784 values, got [object Uint8Array]",
    );
    expect(() => inferBatch(model, new Int8Array(784 * 3 + 1))).to.throw(
      RangeError,
      "a packed batch must hold whole inputs of 784 values, got 2353 values",
    );
    expect(() => inferBatch(model, new Int8Array(10))).to.throw(RangeError, "whole inputs of 784 values");
    expect(() => inferBatch(model, new Uint8Array(784) as unknown as Int8Array)).to.throw(TypeError, "expected one packed Int8Array or an array");
  });

  it("gives an empty output for an empty batch", () => {
    const model = shippedModel();
    expect(inferBatch(model, [])).to.deep.equal([]);
    const packed = inferBatch(model, new Int8Array(0));
    expect(packed).to.be.instanceOf(Int8Array);
    expect(packed).to.have.length(0);
  });
});
