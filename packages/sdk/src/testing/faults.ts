// Operators that lie, for tests, benchmarks and the demo's cheater: not part of the public API.
import { forward, neuronLeafFields, neuronStep, stateHash, vectorHash } from "@vinfer/runtime";
import type { Hex, Int8Model } from "@vinfer/runtime";
import { finalState } from "../bisection/player.ts";

/** The true states, but claiming `outputHash` at the end: an operator that committed a wrong output. */
export function statesClaimingOutput(states: readonly Hex[], outputHash: Hex): Hex[] {
  const forged = states.slice();
  forged[forged.length - 1] = finalState(forged.length - 1, outputHash);
  return forged;
}

/**
 * A real computation of `model` on `input` in which step `faultStep` outputs `value` instead of its
 * true output, and every later step computes from that. Returns its states and output.
 */
export function faultyTrace(
  model: Int8Model,
  input: Int8Array,
  faultStep: number,
  value: number,
): { states: Hex[]; output: Int8Array; outputHash: Hex } {
  const truth = forward(model, input);
  const states: Hex[] = [];
  let x = input;
  let step = 0;
  model.layers.forEach((layer, l) => {
    const first = step;
    let y = truth[l + 1];
    // Layers wholly before the fault keep their true outputs; the faulty layer and those after it are recomputed.
    if (faultStep < first + layer.outWidth) {
      y = new Int8Array(layer.outWidth);
      for (let j = 0; j < layer.outWidth; j++) {
        const f = neuronLeafFields(model, l, j);
        y[j] = first + j === faultStep ? value : neuronStep(f.weights, x, f.bias, f.multiplier, f.shift, f.relu);
      }
    }
    const inputHash = vectorHash(x);
    for (let j = 0; j < layer.outWidth; j++) states.push(stateHash(step++, inputHash, vectorHash(y.subarray(0, j))));
    x = y;
  });
  const outputHash = vectorHash(x);
  states.push(finalState(step, outputHash));
  return { states, output: x, outputHash };
}
