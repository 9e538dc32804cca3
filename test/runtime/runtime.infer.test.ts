import { expect } from "chai";
import { buildModel, forward, infer, neuronStep } from "@vinfer/runtime";
import { seededRandom } from "@vinfer/runtime/training";
import type { Int8Layer } from "@vinfer/runtime";
import { runLayer } from "./helpers.ts";

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);
const M_MAX = 2 ** 31 - 1;

const random = seededRandom(0x5eed);
const integer = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];

type Fill = "random" | "min" | "max" | "extremes";
function int8Vector(length: number, fill: Fill): Int8Array {
  return Int8Array.from({ length }, () =>
    fill === "min" ? -128 : fill === "max" ? 127 : fill === "extremes" ? pick([-128, 127]) : integer(-128, 127),
  );
}

function layer(fields: Omit<Int8Layer, "inWidth" | "outWidth"> & { inWidth: number }): Int8Layer {
  return { ...fields, outWidth: fields.biases.length };
}

/** Compares every neuron of `spec` on `input` with the reference; returns the outputs. */
function expectLayerMatchesReference(spec: Int8Layer, input: Int8Array): Int8Array {
  const output = runLayer(spec, input);
  for (let j = 0; j < spec.outWidth; j++) {
    const row = spec.weights.subarray(j * spec.inWidth, (j + 1) * spec.inWidth);
    const expected = neuronStep(row, input, spec.biases[j], spec.multiplier, spec.shift, spec.relu);
    if (output[j] !== expected) {
      expect.fail(`neuron ${j}: kernel ${output[j]} ≠ reference ${expected} (width ${spec.inWidth}, bias ${spec.biases[j]}, M ${spec.multiplier}, S ${spec.shift}, relu ${spec.relu})`);
    }
  }
  return output;
}

/** The exact accumulator of neuron j, to aim S where outputs are not all saturated. */
function accumulator(spec: Int8Layer, input: Int8Array, j: number): bigint {
  let acc = BigInt(spec.biases[j]);
  for (let i = 0; i < spec.inWidth; i++) acc += BigInt(spec.weights[j * spec.inWidth + i] * input[i]);
  return acc;
}

describe("runtime: fast int8 inference against the reference neuron", () => {
  it("matches on thousands of random neurons, extremes included", function () {
    this.timeout(20_000);
    let neurons = 0;
    let unsaturated = 0;
    for (let trial = 0; trial < 240; trial++) {
      const inWidth = pick([1, 2, 7, 8, 9, 15, 16, 17, 64, 784, integer(1, 300), integer(1, 300)]);
      const outWidth = integer(1, 24);
      const weightFill = pick<Fill>(["random", "random", "random", "min", "max", "extremes"]);
      const inputFill = pick<Fill>(["random", "random", "random", "min", "max", "extremes"]);
      const biases = Int32Array.from({ length: outWidth }, () =>
        pick([integer(INT32_MIN, INT32_MAX), integer(-5000, 5000), INT32_MAX, -INT32_MAX, INT32_MIN, 0]),
      );
      const spec = layer({
        inWidth,
        weights: int8Vector(inWidth * outWidth, weightFill),
        biases,
        multiplier: pick([1, M_MAX, integer(1, M_MAX), integer(1, 1 << 16)]),
        shift: 0,
        relu: random() < 0.5,
      });
      const input = int8Vector(inWidth, inputFill);
      // Aim S so that neuron 0 lands inside the int8 range, or anywhere at random.
      const magnitude = accumulator(spec, input, 0) * BigInt(spec.multiplier);
      const bits = (magnitude < 0n ? -magnitude : magnitude).toString(2).length;
      spec.shift = random() < 0.3 ? integer(0, 63) : Math.min(63, Math.max(0, bits - integer(0, 7)));

      const output = expectLayerMatchesReference(spec, input);
      neurons += outWidth;
      unsaturated += output.filter((y) => y > -128 && y < 127 && y !== 0).length;
    }
    expect(neurons).to.be.greaterThan(2000);
    // Guards against a vacuous comparison where everything clamps.
    expect(unsaturated / neurons).to.be.greaterThan(0.2);
  });

  it("matches for every shift 0..63 with M = 1 and M = 2^31 − 1, with and without ReLU", () => {
    for (const multiplier of [1, M_MAX]) {
      for (let shift = 0; shift <= 63; shift++) {
        for (const relu of [false, true]) {
          const inWidth = 5;
          // Biases spread the accumulators over ±130 output steps, half-way points included.
          const biases = Int32Array.from({ length: 32 }, (_, j) => {
            const target = ((j - 16) * 8.5 * 2 ** shift) / multiplier;
            return Math.abs(target) < INT32_MAX ? Math.round(target) : pick([INT32_MAX, INT32_MIN]);
          });
          const spec = layer({ inWidth, weights: int8Vector(inWidth * 32, "random"), biases, multiplier, shift, relu });
          expectLayerMatchesReference(spec, int8Vector(inWidth, "random"));
        }
      }
    }
  });

  it("matches at widths 1 and 4096", function () {
    this.timeout(20_000);
    for (const fill of ["random", "min", "max", "extremes"] as const) {
      const wide = layer({
        inWidth: 4096, weights: int8Vector(4096 * 3, fill),
        biases: Int32Array.of(INT32_MAX, INT32_MIN, 12345), multiplier: M_MAX, shift: 63, relu: false,
      });
      expectLayerMatchesReference(wide, int8Vector(4096, fill));
      expectLayerMatchesReference({ ...wide, multiplier: integer(1, 1000), shift: 20 }, int8Vector(4096, fill));
    }
    const tall = layer({
      inWidth: 1, weights: int8Vector(4096, "random"),
      biases: Int32Array.from({ length: 4096 }, () => integer(-40_000, 40_000)), multiplier: 3, shift: 10, relu: true,
    });
    expectLayerMatchesReference(tall, Int8Array.of(-77));
    const single = layer({ inWidth: 1, weights: Int8Array.of(-128), biases: Int32Array.of(0), multiplier: 1, shift: 0, relu: false });
    expect(Array.from(runLayer(single, Int8Array.of(-128)))).to.deep.equal([127]); // 16384 clamps to 127
  });

  it("keeps the largest accumulators exact: (2^31 − 1 + 2^26)·(2^31 − 1) and its negative twin", () => {
    const largest = layer({
      inWidth: 4096, weights: int8Vector(4096, "min"), biases: Int32Array.of(INT32_MAX), multiplier: M_MAX, shift: 63, relu: false,
    });
    // acc·M ≈ 2^62 + 2^57, so (acc·M + 2^62) >> 63 = 1.
    expect(Array.from(expectLayerMatchesReference(largest, int8Vector(4096, "min")))).to.deep.equal([1]);
    const smallest = { ...largest, biases: Int32Array.of(INT32_MIN) };
    // acc = −2^31 − 4096·16256, acc·M ≈ −1.03·2^62, so the result is −1.
    expect(Array.from(expectLayerMatchesReference(smallest, int8Vector(4096, "max")))).to.deep.equal([-1]);
  });

  it("rounds products above 2^53 exactly where float64 would round them wrong", () => {
    // Each acc·M sits one unit beside a rounding boundary and is not a float64 value:
    // (2^31 + 1)(2^31 − 1) = 2^62 − 1 → 0 (float64 gives 1)
    // (2^27 + 1)(2^27 − 1) = 2^54 − 1 → 0 (float64 gives 1)
    // (2^31 + 2^16 + 1)(2^31 − 2^16 + 1) = 2^62 + 1, negated → −1 (float64 gives 0)
    const cases = [
      { weights: [2], input: [1], bias: INT32_MAX, multiplier: M_MAX, shift: 63, expected: 0 },
      { weights: [2], input: [1], bias: 2 ** 27 - 1, multiplier: 2 ** 27 - 1, shift: 55, expected: 0 },
      {
        weights: [-128, -128, -128, -128, -128, -1], input: [127, 127, 127, 127, 4, 1], // Σ = −65537
        bias: INT32_MIN, multiplier: 2 ** 31 - 2 ** 16 + 1, shift: 63, expected: -1,
      },
    ];
    for (const c of cases) {
      const spec = layer({
        inWidth: c.weights.length, weights: Int8Array.from(c.weights), biases: Int32Array.of(c.bias),
        multiplier: c.multiplier, shift: c.shift, relu: false,
      });
      expect(neuronStep(c.weights, c.input, c.bias, c.multiplier, c.shift, false)).to.equal(c.expected);
      expect(Array.from(runLayer(spec, Int8Array.from(c.input)))).to.deep.equal([c.expected]);
    }
  });

  it("rounds halves up, negative ones included (−0.5 → 0, −2.5 → −2, −3.5 → −3, 2.5 → 3)", () => {
    // M = 1, S = 1: y = round_half_up(acc / 2); acc = bias + 1·1.
    const accumulators = [-1, -3, -5, -7, 1, 3, 5];
    const halves = layer({
      inWidth: 1, weights: Int8Array.from(accumulators, () => 1), biases: Int32Array.from(accumulators, (acc) => acc - 1),
      multiplier: 1, shift: 1, relu: false,
    });
    expect(Array.from(runLayer(halves, Int8Array.of(1)))).to.deep.equal([0, -1, -2, -3, 1, 2, 3]);
    // M = 5, S = 1, acc = −1: −5 / 2 = −2.5 → −2; with ReLU → 0.
    const scaled = layer({ inWidth: 1, weights: Int8Array.of(1), biases: Int32Array.of(-2), multiplier: 5, shift: 1, relu: false });
    expect(Array.from(runLayer(scaled, Int8Array.of(1)))).to.deep.equal([-2]);
    expect(Array.from(runLayer({ ...scaled, relu: true }, Int8Array.of(1)))).to.deep.equal([0]);
  });

  it("keeps each model's kernel separate and checks its input", () => {
    const make = (weight: number) =>
      buildModel({
        inputWidth: 3,
        layers: [{ inWidth: 3, outWidth: 1, weights: Int8Array.of(weight, weight, weight), biases: Int32Array.of(0), multiplier: 1, shift: 0, relu: false }],
      });
    const [a, b] = [make(1), make(-1)];
    const x = Int8Array.of(1, 2, 3);
    for (let round = 0; round < 3; round++) {
      expect(Array.from(infer(a, x))).to.deep.equal([6]);
      expect(Array.from(infer(b, x))).to.deep.equal([-6]);
    }
    expect(forward(a, x).map((v) => Array.from(v))).to.deep.equal([[1, 2, 3], [6]]);
    expect(() => infer(a, Int8Array.of(1, 2))).to.throw(RangeError, /3 values/);
    expect(() => infer(a, Uint8Array.of(1, 2, 3) as unknown as Int8Array)).to.throw(RangeError);
  });
});
