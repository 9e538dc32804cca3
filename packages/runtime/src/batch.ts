// Many inputs through the same model at once, bit-identical to calling infer on each. The batch
// goes through the network layer by layer (every input's layer-0 output, then every input's
// layer-1 output, …) in the tiled kernels of wasm-batch.ts, in chunks of CHUNK inputs whose
// activations live in one contiguous int8 region per layer. A layer whose inputs are all in
// 0..127 (every layer after a ReLU layer, and the first one when the chunk's inputs have no
// negative value) runs in the 16-wide kernel where the engine has it. Each model gets its own
// kernel instance whose memory holds the weights (int8, rows zero padded to whole SIMD groups),
// laid out once; a batch allocates nothing but its outputs.
import { describeInput } from "./infer.ts";
import { perModel, type Int8Model } from "./model.ts";
import { GROUP, instantiateDenseBatch, TILE_INPUTS, TILE_ROWS } from "./wasm-batch.ts";
import type { DenseBatchExports } from "./wasm-batch.ts";

/** Inputs run through the kernel together; larger batches are cut into chunks of this many. */
const CHUNK = 256;

const roundUp = (value: number, step: number) => Math.ceil(value / step) * step;

type LayerPlan = {
  weights: number;
  biases: number;
  input: number;
  output: number;
  inPadded: number;
  rows: number;
  outStride: number;
  multiplier: number;
  shift: number;
  relu: number;
  /** The layer's inputs are outputs of a ReLU layer, hence in 0..127. */
  nonNegativeInput: boolean;
};

class BatchEngine {
  readonly kernel: DenseBatchExports;
  readonly plans: LayerPlan[];
  /** Row stride, in bytes, of the input and output regions. */
  readonly inputStride: number;
  readonly outputStride: number;
  /** CHUNK rows of inputs, and CHUNK rows of the last layer's outputs. */
  readonly inputs: Int8Array;
  readonly outputs: Int8Array;

  constructor(model: Int8Model) {
    this.kernel = instantiateDenseBatch();
    let end = 0;
    const allocate = (bytes: number) => {
      const start = end;
      end += roundUp(bytes, 16);
      return start;
    };
    const widths = [model.inputWidth, ...model.layers.map((layer) => layer.outWidth)];
    const strides = widths.map((width) => roundUp(width, GROUP));
    const activations = strides.map((stride) => allocate(CHUNK * stride));
    const layout = model.layers.map((layer) => {
      const inPadded = roundUp(layer.inWidth, GROUP);
      const rows = roundUp(layer.outWidth, TILE_ROWS); // ≤ the output stride: TILE_ROWS divides GROUP
      return { inPadded, rows, weights: allocate(rows * inPadded), biases: allocate(rows * 4) };
    });
    const memory = this.kernel.memory;
    const missingPages = Math.ceil(end / 65536) - memory.buffer.byteLength / 65536;
    if (missingPages > 0) memory.grow(missingPages);

    // Fresh wasm memory is zeroed: padding columns and padding neurons (weights and bias 0) stay 0.
    this.plans = model.layers.map((layer, l) => {
      const { inPadded, rows, weights, biases } = layout[l];
      const padded = new Int8Array(memory.buffer, weights, rows * inPadded);
      if (inPadded === layer.inWidth) padded.set(layer.weights);
      else {
        for (let j = 0; j < layer.outWidth; j++) {
          padded.set(layer.weights.subarray(j * layer.inWidth, (j + 1) * layer.inWidth), j * inPadded);
        }
      }
      new Int32Array(memory.buffer, biases, layer.outWidth).set(layer.biases);
      return {
        weights,
        biases,
        input: activations[l],
        output: activations[l + 1],
        inPadded,
        rows,
        outStride: strides[l + 1],
        multiplier: layer.multiplier,
        shift: layer.shift,
        relu: layer.relu ? 1 : 0,
        nonNegativeInput: l > 0 && model.layers[l - 1].relu,
      };
    });
    const last = widths.length - 1;
    this.inputStride = strides[0];
    this.outputStride = strides[last];
    this.inputs = new Int8Array(memory.buffer, activations[0], CHUNK * strides[0]);
    this.outputs = new Int8Array(memory.buffer, activations[last], CHUNK * strides[last]);
  }

  /** Runs the first `count` (≤ CHUNK) rows of `inputs` through the network into `outputs`. */
  run(count: number): void {
    // Spare rows up to a whole tile hold stale inputs (whatever the kernel makes of them, even
    // negative ones in the 16-wide kernel); their outputs are never read.
    const rows = roundUp(count, TILE_INPUTS);
    const { denseBatch, denseBatchNonNegative, hasNegative } = this.kernel;
    const plans = this.plans;
    for (let l = 0; l < plans.length; l++) {
      const p = plans[l];
      const nonNegative = denseBatchNonNegative !== undefined &&
        (l === 0 ? hasNegative(p.input, count * p.inPadded) === 0 : p.nonNegativeInput);
      (nonNegative ? denseBatchNonNegative : denseBatch)(
        p.input, p.weights, p.biases, p.output, p.inPadded, p.rows, p.multiplier, p.shift, p.relu, rows, p.outStride,
      );
    }
  }
}

const engine = perModel((model) => new BatchEngine(model));


/**
 * The model's outputs for many inputs, bit-identical to `infer` on each, computed together.
 *
 * - `inputs` packed: one Int8Array of n × inputWidth values (input k at k · inputWidth) gives
 *   one Int8Array of n × outputWidth values (output k at k · outputWidth).
 * - `inputs` an array of n Int8Arrays of inputWidth values gives an array of n Int8Arrays of
 *   outputWidth values; they are views into one buffer of n × outputWidth values.
 *
 * An empty batch gives an empty result of the same shape. A wrong input width throws a
 * RangeError before anything runs.
 */
export function inferBatch(model: Int8Model, inputs: Int8Array): Int8Array;
export function inferBatch(model: Int8Model, inputs: readonly Int8Array[]): Int8Array[];
export function inferBatch(model: Int8Model, inputs: Int8Array | readonly Int8Array[]): Int8Array | Int8Array[] {
  const width = model.inputWidth;
  const outWidth = model.layers[model.layers.length - 1].outWidth;
  let count: number;
  if (inputs instanceof Int8Array) {
    if (inputs.length % width !== 0) {
      throw new RangeError(`a packed batch must hold whole inputs of ${width} values, got ${inputs.length} values`);
    }
    count = inputs.length / width;
  } else if (Array.isArray(inputs)) {
    const list: readonly unknown[] = inputs;
    list.forEach((input, k) => {
      if (!(input instanceof Int8Array) || input.length !== width) {
        throw new RangeError(`input ${k}: expected an Int8Array of ${width} values, got ${describeInput(input)}`);
      }
    });
    count = inputs.length;
  } else {
    throw new TypeError(`expected one packed Int8Array or an array of Int8Array inputs, got ${describeInput(inputs)}`);
  }

  const outputs = new Int8Array(count * outWidth);
  if (count > 0) {
    const e = engine(model);
    const { inputStride, outputStride } = e;
    for (let start = 0; start < count; start += CHUNK) {
      const n = Math.min(CHUNK, count - start);
      if (inputs instanceof Int8Array) {
        if (inputStride === width) e.inputs.set(inputs.subarray(start * width, (start + n) * width));
        else for (let k = 0; k < n; k++) e.inputs.set(inputs.subarray((start + k) * width, (start + k + 1) * width), k * inputStride);
      } else {
        for (let k = 0; k < n; k++) e.inputs.set(inputs[start + k], k * inputStride);
      }
      e.run(n);
      if (outputStride === outWidth) outputs.set(e.outputs.subarray(0, n * outWidth), start * outWidth);
      else for (let k = 0; k < n; k++) outputs.set(e.outputs.subarray(k * outputStride, k * outputStride + outWidth), (start + k) * outWidth);
    }
  }
  if (inputs instanceof Int8Array) return outputs;
  return Array.from({ length: count }, (_, k) => outputs.subarray(k * outWidth, (k + 1) * outWidth));
}
