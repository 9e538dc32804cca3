import { modelRegistryAbi } from "@vinfer/abis";
import { profileHash as int8ProfileHash } from "@vinfer/runtime";
import type { Int8Model } from "@vinfer/runtime";
import type { Address, Hex } from "viem";
import { resolverOf, type VinferContracts } from "../contracts.ts";
import { VinferError } from "../errors.ts";
import { eventOf, transact, type WriteClient, type WriteResult } from "../internal/transact.ts";

/** What identifies a model's content: computed from an int8 model file, or given for any other model. */
export type ModelContent =
  | { model: Int8Model }
  | { weightsRoot: Hex; profileHash: Hex; /** 0 when the model is not bisectable. */ traceLength: number };

export type RegisterModelParameters = ModelContent & {
  contracts: VinferContracts;
  /** Who decides disputes: the deployment's bisection or committee resolver, or a resolver's address. Default: bisection for an int8 model. */
  resolver?: "bisection" | "committee" | Address;
  /** Seconds a commitment stays open to challenges. */
  challengeWindow: number;
  bondPerInference: bigint;
  challengerBond: bigint;
  /** Where the model file can be fetched. */
  uri: string;
};
export type RegisterModelReturnType = WriteResult & { modelId: Hex; index: number };

/**
 * Registers a model (`ModelRegistry.registerModel`). For an int8 model its weights root, profile hash and
 * trace length are computed from the model itself, so they cannot disagree with the file.
 */
export async function registerModel(client: WriteClient, params: RegisterModelParameters): Promise<RegisterModelReturnType> {
  const { contracts, challengeWindow, bondPerInference, challengerBond, uri } = params;
  const content =
    "model" in params
      ? { weightsRoot: params.model.weightsRoot, profileHash: int8ProfileHash, traceLength: params.model.traceLength }
      : { weightsRoot: params.weightsRoot, profileHash: params.profileHash, traceLength: params.traceLength };
  const kind = params.resolver ?? ("model" in params ? "bisection" : undefined);
  if (kind === undefined) throw new VinferError("registerModel: name a resolver for a model that is not an int8 model");
  const resolver = kind === "bisection" || kind === "committee" ? resolverOf(contracts, kind) : kind;
  const spec = { ...content, resolver, challengeWindow, bondPerInference, challengerBond, uri };
  const result = await transact(client, { address: contracts.registry, abi: modelRegistryAbi, functionName: "registerModel", args: [spec] });
  const { args } = eventOf(result.receipt, { abi: modelRegistryAbi, address: contracts.registry, eventName: "ModelRegistered" });
  return { ...result, modelId: args.modelId, index: Number(args.index) };
}
