// Fast, exact int8 inference: each model gets its own kernel instance whose memory holds the
// weights widened to int16 and zero padded to whole SIMD groups, laid out once.
import { perModel, type Int8Model } from "./model.ts";
import { instantiateDense } from "./wasm.ts";
import type { DenseExports } from "./wasm.ts";

const LANES = 8; // int16 values per 128-bit vector

const padToLanes = (width: number) => Math.ceil(width / LANES) * LANES;

type LayerPlan = {
  weights: number;
  biases: number;
  input: number;
  output: number;
  inPadded: number;
  outWidth: number;
  multiplier: number;
  shift: number;
  relu: number;
};

class CompiledModel {
  readonly model: Int8Model;
  readonly kernel: DenseExports;
  readonly plans: LayerPlan[];
  /** activations[0] is the input, activations[l + 1] the output of layer l. */
  readonly activations: Int16Array[];

  constructor(model: Int8Model) {
    this.model = model;
    this.kernel = instantiateDense();
    let end = 0;
    const allocate = (bytes: number) => {
      const start = end;
      end += Math.ceil(bytes / 16) * 16; // keep every region 16-byte aligned
      return start;
    };
    const activationOffsets = [allocate(padToLanes(model.inputWidth) * 2)];
    const layerOffsets = model.layers.map((layer) => {
      const inPadded = padToLanes(layer.inWidth);
      const weights = allocate(layer.outWidth * inPadded * 2);
      const biases = allocate(layer.outWidth * 4);
      activationOffsets.push(allocate(padToLanes(layer.outWidth) * 2));
      return { weights, biases, inPadded };
    });
    const memory = this.kernel.memory;
    const missingPages = Math.ceil(end / 65536) - memory.buffer.byteLength / 65536;
    if (missingPages > 0) memory.grow(missingPages);

    // Fresh wasm memory is zeroed, so padding lanes stay 0 and add nothing to the dot products.
    this.plans = model.layers.map((layer, l) => {
      const { weights, biases, inPadded } = layerOffsets[l];
      const widened = new Int16Array(memory.buffer, weights, layer.outWidth * inPadded);
      for (let j = 0; j < layer.outWidth; j++) {
        const row = layer.weights.subarray(j * layer.inWidth, (j + 1) * layer.inWidth);
        widened.set(row, j * inPadded);
      }
      new Int32Array(memory.buffer, biases, layer.outWidth).set(layer.biases);
      return {
        weights,
        biases,
        input: activationOffsets[l],
        output: activationOffsets[l + 1],
        inPadded,
        outWidth: layer.outWidth,
        multiplier: layer.multiplier,
        shift: layer.shift,
        relu: layer.relu ? 1 : 0,
      };
    });
    const widths = [model.inputWidth, ...model.layers.map((layer) => layer.outWidth)];
    this.activations = activationOffsets.map((offset, k) => new Int16Array(memory.buffer, offset, widths[k]));
  }

  run(input: Int8Array): void {
    if (!(input instanceof Int8Array) || input.length !== this.model.inputWidth) {
      throw new RangeError(`expected an Int8Array of ${this.model.inputWidth} values, got ${describeInput(input)}`);
    }
    this.activations[0].set(input);
    const dense = this.kernel.dense;
    for (const p of this.plans) {
      dense(p.input, p.weights, p.biases, p.output, p.inPadded, p.outWidth, p.multiplier, p.shift, p.relu);
    }
  }
}

/** How a wrong input looks, for error messages. */
export function describeInput(value: unknown): string {
  return value instanceof Int8Array ? `${value.length} values` : Object.prototype.toString.call(value);
}

const compiled = perModel((model) => new CompiledModel(model));

/** The model's output (the last layer's int8 vector) for a quantized input. */
export function infer(model: Int8Model, input: Int8Array): Int8Array {
  const engine = compiled(model);
  engine.run(input);
  return Int8Array.from(engine.activations[engine.activations.length - 1]);
}

/** Every layer's vector: [input, output of layer 0, …, output of the last layer]. */
export function forward(model: Int8Model, input: Int8Array): Int8Array[] {
  const engine = compiled(model);
  engine.run(input);
  return engine.activations.map((activation) => Int8Array.from(activation));
}

/** Index of the largest value; the first one on ties. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
