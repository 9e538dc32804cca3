import { bisectionResolverAbi } from "@vinfer/abis";
import type { Hex } from "viem";
import { resolverOf, type VinferContracts } from "../contracts.ts";
import { transact, type WriteClient, type WriteResult } from "../internal/transact.ts";

export type PostMidStateParameters = { contracts: Pick<VinferContracts, "bisectionResolver">; disputeId: bigint; state: Hex };
export type PostMidStateReturnType = WriteResult;

/** The operator's bisection move: its state hash at the middle of the disputed interval (`BisectionResolver.postMidState`). */
export function postMidState(client: WriteClient, { contracts, disputeId, state }: PostMidStateParameters): Promise<PostMidStateReturnType> {
  return transact(client, { address: resolverOf(contracts, "bisection"), abi: bisectionResolverAbi, functionName: "postMidState", args: [disputeId, state] });
}
