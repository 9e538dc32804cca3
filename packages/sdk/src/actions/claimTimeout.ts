import { bisectionResolverAbi } from "@vinfer/abis";
import { resolverOf, type VinferContracts } from "../contracts.ts";
import { transact, type WriteClient, type WriteResult } from "../internal/transact.ts";

export type ClaimTimeoutParameters = { contracts: Pick<VinferContracts, "bisectionResolver">; disputeId: bigint };
export type ClaimTimeoutReturnType = WriteResult;

/** Ends a bisection game whose side to move missed its deadline (`BisectionResolver.claimTimeout`). */
export function claimTimeout(client: WriteClient, { contracts, disputeId }: ClaimTimeoutParameters): Promise<ClaimTimeoutReturnType> {
  return transact(client, { address: resolverOf(contracts, "bisection"), abi: bisectionResolverAbi, functionName: "claimTimeout", args: [disputeId] });
}
