// What the daemon computes for a request: the model's output (or, for a cheating demo operator, the output of
// a real computation with one hidden neuron changed), its hashes, and the request id when the caller gave none.
import { argmax, forward, infer, vectorHash, type Int8Model } from "@vinfer/runtime";
import { faultyTrace } from "@vinfer/sdk/testing";
import { concat, encodeAbiParameters, keccak256, stringToHex, type Address, type Hex } from "viem";
import type { Fault } from "./store.ts";

export type Computed = { output: Int8Array; outputHash: Hex; inputHash: Hex; prediction: number; fault: Fault | undefined };

/** keccak256(abi.encode(operator, modelId, inputHash, seq)): the default id of the operator's `seq`-th request. */
export function defaultRequestId(operator: Address, modelId: Hex, inputHash: Hex, seq: bigint): Hex {
  return keccak256(
    encodeAbiParameters([{ type: "address" }, { type: "bytes32" }, { type: "bytes32" }, { type: "uint256" }], [operator, modelId, inputHash, seq]),
  );
}

/** Whether a cheating operator serves request `requestId` wrong: a fixed pseudo-random choice per request id. */
export function cheatsOn(requestId: Hex, fraction: number): boolean {
  if (fraction <= 0) return false;
  if (fraction >= 1) return true;
  const draw = Number.parseInt(keccak256(concat([requestId, stringToHex("vinfer/operator/cheat")])).slice(2, 10), 16);
  return draw / 2 ** 32 < fraction;
}

/**
 * A wrong value for one hidden neuron (a step of the first layer) that changes the output, chosen from the
 * request id; undefined when no single neuron changes it.
 */
export function chooseFault(model: Int8Model, input: Int8Array, requestId: Hex): (Fault & { output: Int8Array; outputHash: Hex }) | undefined {
  const truth = forward(model, input);
  const trueHash = vectorHash(truth[truth.length - 1]);
  const width = model.layers[0].outWidth;
  const start = Number.parseInt(keccak256(requestId).slice(2, 10), 16) % width;
  for (let k = 0; k < width; k++) {
    const step = (start + k) % width;
    for (const value of [127, -128]) {
      if (truth[1][step] === value) continue;
      const faulty = faultyTrace(model, input, step, value);
      if (faulty.outputHash !== trueHash) return { step, value, output: faulty.output, outputHash: faulty.outputHash };
    }
  }
  return undefined;
}

/** The answer to `input`: honest, or with the fault a cheating operator picks for `requestId`. */
export function compute(model: Int8Model, input: Int8Array, requestId: Hex, cheat: boolean): Computed {
  const inputHash = vectorHash(input);
  if (cheat) {
    const fault = chooseFault(model, input, requestId);
    if (fault !== undefined) {
      return { output: fault.output, outputHash: fault.outputHash, inputHash, prediction: argmax(fault.output), fault: { step: fault.step, value: fault.value } };
    }
  }
  const output = infer(model, input);
  return { output, outputHash: vectorHash(output), inputHash, prediction: argmax(output), fault: undefined };
}

/** The states of the faulty computation a stored fault stands for (the operator's side in a dispute). */
export function faultyStates(model: Int8Model, input: Int8Array, fault: Fault): Hex[] {
  return faultyTrace(model, input, fault.step, fault.value).states;
}
