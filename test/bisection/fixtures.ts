// The bisection resolver on top of the shared system fixture (test/helpers/system.ts), with the MNIST
// model registered to it, plus the data the games run on.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { infer, inferenceLeaf, merkleProof, parseModel, profileHash, vectorHash } from "@vinfer/runtime";
import type { Hex, Int8Model } from "@vinfer/runtime";
import { heldOutInputs } from "@vinfer/runtime/training";
import type { MnistDigits } from "@vinfer/runtime/training";
import { challenge, commitBatch, registerModel } from "@vinfer/sdk";
import {
  BOND_PER_INFERENCE,
  CHALLENGE_WINDOW,
  CHALLENGER_BOND,
  deploySystem,
  networkHelpers,
} from "../helpers/system.ts";
import type { Inference } from "../helpers/system.ts";

/** Seconds each side has per move; 41 of them fit the registry's 3-day dispute bound. */
export const MOVE_TIMEOUT = 3600;

let model: Int8Model | undefined;
/** The shipped MNIST 784-64-10 model. */
export function mnistModel(): Int8Model {
  model ??= parseModel(readFileSync(new URL("../../models/mnist-mlp.json", import.meta.url), "utf8"));
  return model;
}

let inputs: Int8Array[] | undefined;
/** Held-out MNIST digits as int8 inputs. */
export function mnistInputs(): Int8Array[] {
  inputs ??= heldOutInputs(createRequire(import.meta.url)("mnist") as MnistDigits).inputs;
  return inputs;
}

/** The system with its BisectionResolver (the Ignition module's, approved by governance) judging the MNIST model. */
export async function deployBisection() {
  const system = await deploySystem();
  const resolver = system.bisectionResolver;
  const { weightsRoot, traceLength } = mnistModel();
  const mnistSpec = {
    weightsRoot,
    profileHash,
    traceLength,
    resolver: resolver.address,
    challengeWindow: CHALLENGE_WINDOW,
    bondPerInference: BOND_PER_INFERENCE,
    challengerBond: CHALLENGER_BOND,
    uri: "models/mnist-mlp.json",
  };
  const { modelId: mnistModelId } = await registerModel(system.deployer, {
    contracts: system.contracts,
    model: mnistModel(),
    resolver: "bisection",
    challengeWindow: CHALLENGE_WINDOW,
    bondPerInference: BOND_PER_INFERENCE,
    challengerBond: CHALLENGER_BOND,
    uri: mnistSpec.uri,
  });
  return { ...system, resolver, mnistSpec, mnistModelId };
}

export type BisectionSystem = Awaited<ReturnType<typeof deployBisection>>;

export const loadBisection = (): Promise<BisectionSystem> => networkHelpers.loadFixture(deployBisection);

const tag = (text: string): Hex => vectorHash(new TextEncoder().encode(text) as unknown as Int8Array);

/** MNIST inferences as an operator commits them; `forged` maps a position to the output it claims instead. */
export function mnistBatch(count: number, forged: ReadonlyMap<number, Int8Array> = new Map()) {
  const all = mnistInputs();
  return Array.from({ length: count }, (_, k) => {
    const input = all[(k * 37) % all.length];
    const output = forged.get(k) ?? infer(mnistModel(), input);
    const inference: Inference = { requestId: tag(`request:${k}`), inputHash: vectorHash(input), outputHash: vectorHash(output) };
    return { input, output, inference };
  });
}

/** Commits `items` as one batch from the operator and returns the commitment id and every leaf's proof. */
export async function commitMnistBatch(system: BisectionSystem, items: readonly Inference[]) {
  const leaves = items.map((i) => inferenceLeaf(i.requestId, i.inputHash, i.outputHash));
  const { commitmentId, hash } = await commitBatch(system.operator, { contracts: system.contracts, modelId: system.mnistModelId, inferences: items });
  const proof = (index: number): Hex[] => (items.length === 1 ? [] : merkleProof(leaves, index));
  return { commitmentId, proof, hash };
}

/** Challenges inference `index` of a commitment (commit, then reveal); returns the dispute id and both receipts. */
export async function challengeInference(
  system: BisectionSystem,
  commitmentId: Hex,
  index: number,
  inference: Inference,
  proof: readonly Hex[],
  claimedOutputHash: Hex,
) {
  const { disputeId, commit, hash } = await challenge(system.challenger, {
    contracts: system.contracts,
    commitmentId,
    leafIndex: BigInt(index),
    inference,
    proof,
    claimedOutputHash,
  });
  return { disputeId, commitHash: commit.hash, hash };
}
