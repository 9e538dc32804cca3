import { expect } from "chai";
import {
  buildModel, EMPTY_VECTOR_HASH, infer, neuronStep, stepPosition, stepWitness, trace, verifyMerkleProof,
} from "@vinfer/runtime";
import { heldOutInputs } from "@vinfer/runtime/training";
import type { Int8Model, StepWitness } from "@vinfer/runtime";
import { expectedNeuronLeaf, expectedState, int8Hash, mnistDigits, shippedModel } from "./helpers.ts";

/**
 * What the one-step verifier does (docs/int8-mlp-profile.md, "One-step witness"), written
 * independently of the runtime's trace code: returns s_{t+1}, or throws.
 */
function verifyStep(model: Int8Model, w: StepWitness): string {
  const { neuron: leaf } = w;
  expect(w.stateBefore, "s_t").to.equal(expectedState(w.step, int8Hash(w.layerInput), int8Hash(w.partialOutputs)));
  expect(leaf.neuron, "neuron = len(p)").to.equal(w.partialOutputs.length);
  expect(leaf.neuron).to.be.lessThan(leaf.layerWidth);
  expect(leaf.weights.length, "len(weights) = len(x)").to.equal(w.layerInput.length);
  expect(verifyMerkleProof(expectedNeuronLeaf(leaf), w.step, model.traceLength, w.proof, model.weightsRoot), "leaf proof").to.equal(true);
  const y = neuronStep(leaf.weights, w.layerInput, leaf.bias, leaf.multiplier, leaf.shift, leaf.relu);
  const outputs = [...w.partialOutputs, y];
  return leaf.neuron === leaf.layerWidth - 1
    ? expectedState(w.step + 1, int8Hash(outputs), EMPTY_VECTOR_HASH)
    : expectedState(w.step + 1, int8Hash(w.layerInput), int8Hash(outputs));
}

describe("runtime: trace and one-step witnesses", () => {
  const model = shippedModel();
  const { inputs } = heldOutInputs(mnistDigits());

  it("has T + 1 states, s_0 from the input hash and s_T from the output hash alone", () => {
    for (const input of inputs.slice(0, 5)) {
      const t = trace(model, input);
      const output = infer(model, input);
      expect(t.states).to.have.length(model.traceLength + 1);
      expect(model.traceLength).to.equal(model.layers.reduce((sum, layer) => sum + layer.outWidth, 0));
      expect(Array.from(t.output)).to.deep.equal(Array.from(output));
      expect(t.inputHash).to.equal(int8Hash(input));
      expect(t.outputHash).to.equal(int8Hash(output));
      expect(t.states[0]).to.equal(expectedState(0, t.inputHash, EMPTY_VECTOR_HASH));
      expect(t.states[model.traceLength]).to.equal(expectedState(model.traceLength, t.outputHash, EMPTY_VECTOR_HASH));
      expect(new Set(t.states).size).to.equal(t.states.length);
    }
  });

  it("proves every step of a real MNIST inference", function () {
    this.timeout(20_000);
    const input = inputs[0];
    const { states } = trace(model, input);
    for (let step = 0; step < model.traceLength; step++) {
      const witness = stepWitness(model, input, step);
      expect(witness.step).to.equal(step);
      expect(witness.stateBefore).to.equal(states[step]);
      expect(witness.stateAfter).to.equal(states[step + 1]);
      expect(verifyStep(model, witness), `step ${step}`).to.equal(witness.stateAfter);
    }
  });

  it("maps steps to neurons layer by layer and rejects steps outside the trace", () => {
    expect(stepPosition(model, 0)).to.deep.equal({ layer: 0, neuron: 0 });
    expect(stepPosition(model, 63)).to.deep.equal({ layer: 0, neuron: 63 });
    expect(stepPosition(model, 64)).to.deep.equal({ layer: 1, neuron: 0 });
    expect(stepPosition(model, 73)).to.deep.equal({ layer: 1, neuron: 9 });
    expect(() => stepWitness(model, inputs[0], model.traceLength)).to.throw(RangeError);
    expect(() => stepWitness(model, inputs[0], -1)).to.throw(RangeError);
    expect(() => stepWitness(model, inputs[0], 1.5)).to.throw(RangeError);
  });

  it("gives witnesses a verifier rejects once tampered with", () => {
    const witness = stepWitness(model, inputs[1], 70);
    const weights = witness.neuron.weights.slice();
    weights[0] ^= 1;
    expect(() => verifyStep(model, { ...witness, neuron: { ...witness.neuron, weights } })).to.throw(/leaf proof/);
    expect(() => verifyStep(model, { ...witness, neuron: { ...witness.neuron, bias: witness.neuron.bias + 1 } })).to.throw(/leaf proof/);
    const layerInput = witness.layerInput.slice();
    layerInput[3] ^= 1;
    expect(() => verifyStep(model, { ...witness, layerInput })).to.throw(/s_t/);
    // The witness's weights are a copy: editing them leaves the model alone.
    witness.neuron.weights[0] ^= 1;
    expect(verifyStep(model, stepWitness(model, inputs[1], 70))).to.equal(trace(model, inputs[1]).states[71]);
  });

  it("traces a small model by hand", () => {
    // 2 → 2 → 1, M = 1, S = 0: layer 0 computes relu(x0 + x1), relu(x0 − x1); layer 1 their sum.
    const small = buildModel({
      inputWidth: 2,
      layers: [
        { inWidth: 2, outWidth: 2, weights: Int8Array.of(1, 1, 1, -1), biases: Int32Array.of(0, 0), multiplier: 1, shift: 0, relu: true },
        { inWidth: 2, outWidth: 1, weights: Int8Array.of(1, 1), biases: Int32Array.of(0), multiplier: 1, shift: 0, relu: false },
      ],
    });
    const x = Int8Array.of(3, 5); // hidden [8, 0], output [8]
    const { states } = trace(small, x);
    expect(states).to.deep.equal([
      expectedState(0, int8Hash([3, 5]), EMPTY_VECTOR_HASH),
      expectedState(1, int8Hash([3, 5]), int8Hash([8])),
      expectedState(2, int8Hash([8, 0]), EMPTY_VECTOR_HASH),
      expectedState(3, int8Hash([8]), EMPTY_VECTOR_HASH),
    ]);
    for (let step = 0; step < 3; step++) expect(verifyStep(small, stepWitness(small, x, step))).to.equal(states[step + 1]);
  });
});
