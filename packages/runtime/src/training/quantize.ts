// Turning a trained float MLP into a model of the profile. Offline work: floating point is
// fine here, the int8 model that comes out is what gets run and committed to.
import { buildModel, MAX_MULTIPLIER, MAX_SHIFT } from "../model.ts";
import type { Int8Layer, Int8Model } from "../model.ts";
import { INPUT_SCALE } from "../quantize.ts";

/** M and S with M / 2^S as close to `ratio` as a uint32 M ≤ 2^31 − 1 and S ≤ 63 allow. */
export function requantization(ratio: number): { multiplier: number; shift: number } {
  if (!(ratio > 0) || !Number.isFinite(ratio)) throw new RangeError(`requantization ratio ${ratio} must be positive`);
  for (let shift = MAX_SHIFT; shift >= 0; shift--) {
    const multiplier = Math.round(ratio * 2 ** shift);
    if (multiplier <= MAX_MULTIPLIER) {
      if (multiplier < 1) break;
      return { multiplier, shift };
    }
  }
  throw new RangeError(`requantization ratio ${ratio} is outside what M / 2^S can express`);
}

export type FloatLayer = {
  inWidth: number;
  outWidth: number;
  /** Row-major outWidth × inWidth. */
  weights: ArrayLike<number>;
  biases: ArrayLike<number>;
};

/**
 * Symmetric per-layer quantization. `outputScales[l]` is the real value of one int8 step of
 * layer l's output (e.g. the calibrated activation maximum / 127); the input is in steps of
 * INPUT_SCALE. Hidden layers get ReLU, the last does not.
 */
export function quantizeMlp(layers: readonly FloatLayer[], outputScales: readonly number[], metadata: Record<string, unknown> = {}): Int8Model {
  let inputScale = INPUT_SCALE;
  const quantized = layers.map((layer, l): Int8Layer => {
    let largest = 0;
    for (let k = 0; k < layer.weights.length; k++) largest = Math.max(largest, Math.abs(layer.weights[k]));
    const weightScale = largest > 0 ? largest / 127 : 1;
    const accScale = inputScale * weightScale;
    const weights = Int8Array.from(layer.weights, (w) => Math.round(w / weightScale));
    const biases = Int32Array.from(layer.biases, (b, j) => {
      const q = Math.round(b / accScale);
      if (q < -(2 ** 31) || q > 2 ** 31 - 1) throw new RangeError(`layer ${l} bias ${j} does not fit int32 at this scale`);
      return q;
    });
    const { multiplier, shift } = requantization(accScale / outputScales[l]);
    inputScale = outputScales[l];
    return { inWidth: layer.inWidth, outWidth: layer.outWidth, weights, biases, multiplier, shift, relu: l < layers.length - 1 };
  });
  return buildModel({ inputWidth: layers[0].inWidth, layers: quantized, metadata });
}
