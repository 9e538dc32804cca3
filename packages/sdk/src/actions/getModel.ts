import { modelRegistryAbi } from "@vinfer/abis";
import { getAddress, type Address, type Client, type ContractFunctionReturnType, type Hex } from "viem";
import type { VinferContracts } from "../contracts.ts";
import { read } from "../internal/transact.ts";

export type GetModelParameters = { contracts: Pick<VinferContracts, "registry">; modelId: Hex };
export type GetModelReturnType = {
  modelId: Hex;
  /** The registration number, from 1. */
  index: number;
  owner: Address;
  /** No new commitments once set. */
  deprecated: boolean;
  weightsRoot: Hex;
  profileHash: Hex;
  /** Steps of one inference (0 when the model cannot be bisected). */
  traceLength: number;
  resolver: Address;
  /** Seconds a commitment stays open to challenges. */
  challengeWindow: number;
  bondPerInference: bigint;
  challengerBond: bigint;
  /** Where the model file can be fetched. */
  uri: string;
};

/** `getModel`'s return as the ABI types it. */
type Model = ContractFunctionReturnType<typeof modelRegistryAbi, "view", "getModel">;

/**
 * A registered model as the registry stores it (`ModelRegistry.getModel`). Throws a VinferContractError named
 * `RegistryModelNotFound` when the id is not registered.
 */
export async function getModel(client: Client, { contracts, modelId }: GetModelParameters): Promise<GetModelReturnType> {
  const { spec, owner, index, deprecated } = await read<Model>(client, { address: contracts.registry, abi: modelRegistryAbi, functionName: "getModel", args: [modelId] });
  return {
    modelId,
    index: Number(index),
    owner: getAddress(owner),
    deprecated,
    weightsRoot: spec.weightsRoot,
    profileHash: spec.profileHash,
    traceLength: Number(spec.traceLength),
    resolver: getAddress(spec.resolver),
    challengeWindow: Number(spec.challengeWindow),
    bondPerInference: spec.bondPerInference,
    challengerBond: spec.challengerBond,
    uri: spec.uri,
  };
}
