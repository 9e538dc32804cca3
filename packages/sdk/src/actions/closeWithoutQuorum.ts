import { committeeResolverAbi } from "@vinfer/abis";
import { resolverOf, type VinferContracts } from "../contracts.ts";
import { transact, type WriteClient, type WriteResult } from "../internal/transact.ts";

export type CloseWithoutQuorumParameters = { contracts: Pick<VinferContracts, "committeeResolver">; disputeId: bigint };
export type CloseWithoutQuorumReturnType = WriteResult;

/** Closes a committee ballot whose voting period ended without a quorum, as no fault (`CommitteeResolver.closeWithoutQuorum`). */
export function closeWithoutQuorum(client: WriteClient, { contracts, disputeId }: CloseWithoutQuorumParameters): Promise<CloseWithoutQuorumReturnType> {
  return transact(client, { address: resolverOf(contracts, "committee"), abi: committeeResolverAbi, functionName: "closeWithoutQuorum", args: [disputeId] });
}
