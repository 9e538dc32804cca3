// Differential tests: the Solidity step semantics (contracts/libraries/Int8Mlp.sol, through
// contracts/test/Int8MlpHarness.sol) against the TypeScript runtime, bit for bit.
import { expect } from "chai";
import { neuronLeaf, neuronStep, stateHash, stepWitness, trace, vectorHash } from "@vinfer/runtime";
import { seededRandom } from "@vinfer/runtime/training";
import type { Hex, NeuronLeafFields } from "@vinfer/runtime";
import { toHex } from "viem";
import { networkHelpers, viem } from "../helpers/system.ts";
import { mnistInputs, mnistModel } from "./fixtures.ts";
import { encodeWitness } from "@vinfer/sdk";

const INT32_MAX = 2 ** 31 - 1;
const INT32_MIN = -(2 ** 31);
const MAX_M = 2 ** 31 - 1;
const MAX_WIDTH = 4096;

const bytes = (v: Int8Array): Hex => toHex(new Uint8Array(v.buffer, v.byteOffset, v.length));

type NeuronCase = { weights: Int8Array; input: Int8Array; bias: number; multiplier: number; shift: number; relu: boolean };

/** Random neurons with every extreme the profile allows, in a fixed order so failures reproduce. */
function neuronCases(count: number, seed: number): NeuronCase[] {
  const rand = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const vector = (n: number, mode: number): Int8Array => {
    if (mode === 0) return new Int8Array(n).fill(-128);
    if (mode === 1) return new Int8Array(n).fill(127);
    if (mode === 2) return Int8Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -128 : 127));
    if (mode === 3) return Int8Array.from({ length: n }, () => (rand() < 0.5 ? -128 : 127));
    return Int8Array.from({ length: n }, () => int(-128, 127));
  };
  const cases: NeuronCase[] = [];
  for (let i = 0; i < count; i++) {
    const width = i % 40 === 0 ? 0 : i % 40 === 1 ? MAX_WIDTH : i % 40 === 2 ? 1 : i % 3 === 0 ? int(1, 64) : int(1, 800);
    const weights = vector(width, i % 9 < 4 ? i % 9 : 4);
    const input = vector(width, i % 13 < 4 ? (i + 1) % 4 : 4);
    const bias = [INT32_MAX, -INT32_MAX, INT32_MIN, 0][i % 11] ?? (i % 2 === 0 ? int(-(2 ** 20), 2 ** 20) : int(INT32_MIN, INT32_MAX));
    const relu = i % 2 === 1;
    const multiplier = i % 5 === 0 ? 1 : i % 5 === 1 ? MAX_M : int(1, MAX_M);
    let shift = i % 64;
    if (Math.floor(i / 64) % 2 === 1) {
      // Calibrated: a shift that lands the result near the int8 range, so rounding and ReLU matter.
      let acc = BigInt(bias);
      for (let k = 0; k < width; k++) acc += BigInt(weights[k]) * BigInt(input[k]);
      const magnitude = (acc < 0n ? -acc : acc) * BigInt(multiplier);
      shift = Math.min(63, Math.max(0, magnitude.toString(2).length - int(5, 9)));
    }
    cases.push({ weights, input, bias, multiplier, shift, relu });
  }
  return cases;
}

async function deployHarness() {
  return viem.deployContract("Int8MlpHarness");
}

describe("Int8Mlp against the runtime", function () {
  it("computes the same output on 1,200 random and extreme neurons", async function () {
    const harness = await networkHelpers.loadFixture(deployHarness);
    const cases = neuronCases(1200, 0x5eed);
    // Every shift 0..63, both extreme multipliers and biases, zero and maximal widths, ReLU on and off.
    expect(new Set(cases.map((c) => c.shift)).size).to.equal(64);
    for (const m of [1, MAX_M]) expect(cases.some((c) => c.multiplier === m)).to.equal(true);
    for (const b of [INT32_MAX, -INT32_MAX, INT32_MIN]) expect(cases.some((c) => c.bias === b)).to.equal(true);
    for (const w of [0, 1, MAX_WIDTH]) expect(cases.some((c) => c.weights.length === w)).to.equal(true);

    const expected = cases.map((c) => neuronStep(c.weights, c.input, c.bias, c.multiplier, c.shift, c.relu));
    // Outputs must not all be clamped, or rounding would go untested.
    const interior = expected.filter((y) => y > -128 && y < 127 && y !== 0).length;
    expect(interior).to.be.greaterThan(200);

    const actual: number[] = [];
    for (let first = 0; first < cases.length; first += 100) {
      const batch = cases.slice(first, first + 100).map((c) => ({
        weights: bytes(c.weights),
        input: bytes(c.input),
        bias: c.bias,
        multiplier: c.multiplier,
        shift: c.shift,
        relu: c.relu,
      }));
      actual.push(...(await harness.read.neurons([batch])));
    }
    const mismatches = expected.flatMap((y, i) => (actual[i] === y ? [] : [{ i, expected: y, actual: actual[i], case: cases[i] }]));
    expect(mismatches.slice(0, 3)).to.deep.equal([]);
  });

  it("rounds half up on exact halves, negative ones included", async function () {
    const harness = await networkHelpers.loadFixture(deployHarness);
    for (const acc of [-7n, -5n, -3n, -1n, 1n, 3n, 5n, 7n, -255n, 255n, -257n, 257n]) {
      const expected = neuronStep([], [], Number(acc), 1, 1, false);
      expect(await harness.read.requantize([acc, 1, 1, false])).to.equal(expected, `acc ${acc}`);
    }
  });

  it("hashes vectors, states and neuron leaves the same way", async function () {
    const harness = await networkHelpers.loadFixture(deployHarness);
    const rand = seededRandom(7);
    const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
    for (const n of [0, 1, 31, 32, 33, 784, MAX_WIDTH]) {
      const v = Int8Array.from({ length: n }, () => int(-128, 127));
      expect(await harness.read.vectorHash([bytes(v)])).to.equal(vectorHash(v));
    }
    const a = vectorHash(Int8Array.of(1, -1));
    const b = vectorHash(new Int8Array(0));
    for (const t of [0, 1, 73, 74, 2 ** 20]) {
      expect(await harness.read.stateHash([BigInt(t), a, b])).to.equal(stateHash(t, a, b));
    }
    const leaves: NeuronLeafFields[] = [
      { layer: 0, neuron: 0, layerWidth: 1, bias: 0, multiplier: 1, shift: 0, relu: false, weights: Int8Array.of(-128) },
      { layer: 65535, neuron: 65534, layerWidth: 65535, bias: INT32_MIN, multiplier: 2 ** 32 - 1, shift: 255, relu: true, weights: new Int8Array(MAX_WIDTH).fill(127) },
      { layer: 1, neuron: 9, layerWidth: 10, bias: INT32_MAX, multiplier: MAX_M, shift: 63, relu: false, weights: Int8Array.from({ length: 64 }, () => int(-128, 127)) },
    ];
    for (const leaf of leaves) {
      expect(await harness.read.neuronLeaf([{ ...leaf, weights: bytes(leaf.weights) }])).to.equal(neuronLeaf(leaf));
    }
  });

  it("reproduces every step of real MNIST inferences", async function () {
    const harness = await networkHelpers.loadFixture(deployHarness);
    const model = mnistModel();
    const T = model.traceLength;
    expect(T).to.equal(74);
    const inputs = mnistInputs();
    for (const input of [inputs[0], inputs[501], inputs[1999 % inputs.length]]) {
      const { states } = trace(model, input);
      const witnesses = Array.from({ length: T }, (_, t) => encodeWitness(stepWitness(model, input, t)));
      const computed = await harness.read.verifySteps([witnesses, 0n, BigInt(T), model.weightsRoot, states[0]]);
      expect(computed).to.deep.equal(states.slice(1));
    }
  });
});
