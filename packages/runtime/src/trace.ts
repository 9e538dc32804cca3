// The trace of one inference (docs/int8-mlp-profile.md, "Trace") and the witness that proves
// one of its steps ("One-step witness"). Step t computes neuron j of layer l.
import type { Hex } from "viem";
import { EMPTY_VECTOR_HASH, stateHash, vectorHash } from "./hash.ts";
import type { NeuronLeafFields } from "./hash.ts";
import { forward } from "./infer.ts";
import { merkleProofFromLevels } from "./merkle.ts";
import { neuronLeafFields, weightsTree } from "./model.ts";
import type { Int8Model } from "./model.ts";

export type Trace = {
  inputHash: Hex;
  outputHash: Hex;
  output: Int8Array;
  /** s_0 … s_T: T + 1 state hashes. */
  states: Hex[];
};

export type StepWitness = {
  step: number;
  layerInput: Int8Array;
  /** The outputs of this layer before the step: y[0..neuron). */
  partialOutputs: Int8Array;
  neuron: NeuronLeafFields;
  /** Proof of the neuron's leaf under the model's weightsRoot. */
  proof: Hex[];
  stateBefore: Hex;
  stateAfter: Hex;
};

/** The layer and neuron that step `step` computes. */
export function stepPosition(model: Int8Model, step: number): { layer: number; neuron: number } {
  if (!Number.isInteger(step) || step < 0 || step >= model.traceLength) {
    throw new RangeError(`step ${step} is outside 0..${model.traceLength - 1}`);
  }
  let first = 0;
  for (let layer = 0; ; layer++) {
    const width = model.layers[layer].outWidth;
    if (step < first + width) return { layer, neuron: step - first };
    first += width;
  }
}

export function trace(model: Int8Model, input: Int8Array): Trace {
  const activations = forward(model, input);
  const states: Hex[] = [];
  let step = 0;
  const inputHash = vectorHash(activations[0]);
  let layerInputHash = inputHash;
  model.layers.forEach((layer, l) => {
    const outputs = activations[l + 1];
    for (let j = 0; j < layer.outWidth; j++) {
      states.push(stateHash(step++, layerInputHash, vectorHash(outputs.subarray(0, j))));
    }
    layerInputHash = vectorHash(outputs);
  });
  const output = activations[activations.length - 1];
  states.push(stateHash(step, layerInputHash, EMPTY_VECTOR_HASH));
  return { inputHash, outputHash: layerInputHash, output, states };
}

/** Everything a verifier needs to re-check step `step` of the inference of `input`. */
export function stepWitness(model: Int8Model, input: Int8Array, step: number): StepWitness {
  const { layer, neuron } = stepPosition(model, step);
  const activations = forward(model, input);
  const layerInput = activations[layer];
  const outputs = activations[layer + 1];
  const layerInputHash = vectorHash(layerInput);
  const last = neuron === outputs.length - 1;
  const leaf = neuronLeafFields(model, layer, neuron);
  return {
    step,
    layerInput,
    partialOutputs: outputs.slice(0, neuron),
    neuron: { ...leaf, weights: leaf.weights.slice() },
    proof: merkleProofFromLevels(weightsTree(model), step),
    stateBefore: stateHash(step, layerInputHash, vectorHash(outputs.subarray(0, neuron))),
    stateAfter: last
      ? stateHash(step + 1, vectorHash(outputs), EMPTY_VECTOR_HASH)
      : stateHash(step + 1, layerInputHash, vectorHash(outputs.subarray(0, neuron + 1))),
  };
}
