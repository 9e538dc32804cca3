import { committeeResolverAbi } from "@vinfer/abis";
import { resolverOf, type VinferContracts } from "../contracts.ts";
import { transact, type WriteClient, type WriteResult } from "../internal/transact.ts";

export type VoteParameters = { contracts: Pick<VinferContracts, "committeeResolver">; disputeId: bigint; operatorAtFault: boolean };
export type VoteReturnType = WriteResult;

/** An arbiter's vote on a committee dispute (`CommitteeResolver.vote`). */
export function vote(client: WriteClient, { contracts, disputeId, operatorAtFault }: VoteParameters): Promise<VoteReturnType> {
  return transact(client, { address: resolverOf(contracts, "committee"), abi: committeeResolverAbi, functionName: "vote", args: [disputeId, operatorAtFault] });
}
