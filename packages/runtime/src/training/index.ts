// @vinfer/runtime/training: making and evaluating models, not running or verifying them.
// Float-to-int8 quantization of a trained MLP, the one definition of the MNIST split, and the
// seeded PRNG that training runs and tests use for reproducible data.
export { requantization, quantizeMlp } from "./quantize.ts";
export type { FloatLayer } from "./quantize.ts";
export { MNIST_PIXELS, HELD_OUT_FRACTION, mnistSplit, heldOutInputs, int8Accuracy } from "./mnist.ts";
export type { MnistDigits, MnistSample } from "./mnist.ts";
export { seededRandom } from "./random.ts";
