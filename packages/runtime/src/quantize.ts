// Input quantization: how a client turns values in [0, 1] (e.g. pixels) into a model's int8
// input. Turning a trained float model into int8 is offline work, in training/quantize.ts.

/** Real value of one input step: pixel p ∈ [0, 1] becomes round(p · 127). */
export const INPUT_SCALE = 1 / 127;

export function quantizeInput(pixels: ArrayLike<number>): Int8Array {
  const quantized = new Int8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    const p = pixels[i];
    if (!(p >= 0 && p <= 1)) throw new RangeError(`pixel ${i} is ${p}, expected a value in [0, 1]`);
    quantized[i] = Math.round(p * 127);
  }
  return quantized;
}
