// In-memory model of the vinfer-int8-mlp/1 profile: its types, the checks every model must
// pass whatever it was read from, and the neuron leaves that commit to it (weightsRoot).
import type { Hex } from "viem";
import { neuronLeaf } from "./hash.ts";
import type { NeuronLeafFields } from "./hash.ts";
import { merkleLevels } from "./merkle.ts";

export const MAX_WIDTH = 4096;
export const MAX_MULTIPLIER = 2 ** 31 - 1;
export const MAX_SHIFT = 63;

export type Int8Layer = {
  inWidth: number;
  outWidth: number;
  /** Row-major outWidth × inWidth: weights[j * inWidth + i] is W[j][i]. */
  weights: Int8Array;
  biases: Int32Array;
  multiplier: number;
  shift: number;
  relu: boolean;
};

export type Int8Model = {
  inputWidth: number;
  layers: readonly Int8Layer[];
  weightsRoot: Hex;
  /** T = Σ outWidth: one trace step per neuron. */
  traceLength: number;
  metadata: Record<string, unknown>;
};

export type Int8ModelSpec = {
  inputWidth: number;
  layers: readonly Int8Layer[];
  metadata?: Record<string, unknown>;
};

/** A model (or model file) that breaks the profile; `field` names the offending field. */
export class ModelFormatError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "ModelFormatError";
    this.field = field;
  }
}

export function requireInteger(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new ModelFormatError(field, `expected an integer, got ${JSON.stringify(value)}`);
  }
  if (value < min || value > max) throw new ModelFormatError(field, `${value} is outside ${min}..${max}`);
  return value;
}

function checkLayer(layer: Int8Layer, index: number, expectedInWidth: number, last: boolean): void {
  const at = `layers[${index}]`;
  requireInteger(`${at}.inWidth`, layer.inWidth, 1, MAX_WIDTH);
  requireInteger(`${at}.outWidth`, layer.outWidth, 1, MAX_WIDTH);
  if (layer.inWidth !== expectedInWidth) {
    const source = index === 0 ? "inputWidth" : `layers[${index - 1}].outWidth`;
    throw new ModelFormatError(`${at}.inWidth`, `${layer.inWidth} does not chain with ${source} = ${expectedInWidth}`);
  }
  if (!(layer.weights instanceof Int8Array)) throw new ModelFormatError(`${at}.weights`, "expected an Int8Array");
  if (layer.weights.length !== layer.outWidth * layer.inWidth) {
    throw new ModelFormatError(
      `${at}.weights`,
      `has ${layer.weights.length} values, expected outWidth × inWidth = ${layer.outWidth * layer.inWidth}`,
    );
  }
  if (!(layer.biases instanceof Int32Array)) throw new ModelFormatError(`${at}.biases`, "expected an Int32Array");
  if (layer.biases.length !== layer.outWidth) {
    throw new ModelFormatError(`${at}.biases`, `has ${layer.biases.length} values, expected outWidth = ${layer.outWidth}`);
  }
  requireInteger(`${at}.multiplier`, layer.multiplier, 1, MAX_MULTIPLIER);
  requireInteger(`${at}.shift`, layer.shift, 0, MAX_SHIFT);
  if (typeof layer.relu !== "boolean") throw new ModelFormatError(`${at}.relu`, "expected a boolean");
  if (layer.relu === last) {
    throw new ModelFormatError(`${at}.relu`, last ? "the last layer must not apply ReLU" : "every hidden layer must apply ReLU");
  }
}

/** The fields of leaf `neuron` of layer `layer`; `weights` is a view into the model. */
export function neuronLeafFields(model: Pick<Int8Model, "layers">, layer: number, neuron: number): NeuronLeafFields {
  const l = model.layers[layer];
  return {
    layer,
    neuron,
    layerWidth: l.outWidth,
    bias: l.biases[neuron],
    multiplier: l.multiplier,
    shift: l.shift,
    relu: l.relu,
    weights: l.weights.subarray(neuron * l.inWidth, (neuron + 1) * l.inWidth),
  };
}

const weightsTrees = new WeakMap<Int8Model, Hex[][]>();

function neuronLeaves(layers: readonly Int8Layer[]): Hex[] {
  const leaves: Hex[] = [];
  layers.forEach((layer, l) => {
    for (let j = 0; j < layer.outWidth; j++) leaves.push(neuronLeaf(neuronLeafFields({ layers }, l, j)));
  });
  return leaves;
}

/** Checks a model against the profile and commits to it: computes weightsRoot and traceLength. */
export function buildModel(spec: Int8ModelSpec): Int8Model {
  requireInteger("inputWidth", spec.inputWidth, 1, MAX_WIDTH);
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) {
    throw new ModelFormatError("layers", "expected at least one layer");
  }
  let width = spec.inputWidth;
  spec.layers.forEach((layer, l) => {
    checkLayer(layer, l, width, l === spec.layers.length - 1);
    width = layer.outWidth;
  });
  const levels = merkleLevels(neuronLeaves(spec.layers));
  const model: Int8Model = {
    inputWidth: spec.inputWidth,
    layers: spec.layers.slice(),
    weightsRoot: levels[levels.length - 1][0],
    traceLength: levels[0].length,
    metadata: spec.metadata ?? {},
  };
  weightsTrees.set(model, levels);
  return model;
}

/** Levels of the weights tree (leaf_0 … leaf_{T−1} first, the root last). */
export function weightsTree(model: Int8Model): Hex[][] {
  let levels = weightsTrees.get(model);
  if (levels === undefined) {
    levels = merkleLevels(neuronLeaves(model.layers));
    weightsTrees.set(model, levels);
  }
  return levels;
}

/** `make(model)` computed once per model object and dropped with it: the compiled forms infer and inferBatch keep. */
export function perModel<T>(make: (model: Int8Model) => T): (model: Int8Model) => T {
  const cache = new WeakMap<Int8Model, T>();
  return (model) => {
    let found = cache.get(model);
    if (found === undefined) cache.set(model, (found = make(model)));
    return found;
  };
}
