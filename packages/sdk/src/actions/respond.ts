import { bisectionResolverAbi } from "@vinfer/abis";
import { resolverOf, type VinferContracts } from "../contracts.ts";
import { transact, type WriteClient, type WriteResult } from "../internal/transact.ts";

export type RespondParameters = { contracts: Pick<VinferContracts, "bisectionResolver">; disputeId: bigint; agree: boolean };
export type RespondReturnType = WriteResult;

/** The challenger's bisection move: agree or disagree with the posted mid-state (`BisectionResolver.respond`). */
export function respond(client: WriteClient, { contracts, disputeId, agree }: RespondParameters): Promise<RespondReturnType> {
  return transact(client, { address: resolverOf(contracts, "bisection"), abi: bisectionResolverAbi, functionName: "respond", args: [disputeId, agree] });
}
