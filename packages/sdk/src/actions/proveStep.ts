import { bisectionResolverAbi } from "@vinfer/abis";
import { resolverOf, type VinferContracts } from "../contracts.ts";
import { transact, type WriteClient, type WriteResult } from "../internal/transact.ts";
import type { EncodedStepWitness } from "../bisection/player.ts";

export type ProveStepParameters = { contracts: Pick<VinferContracts, "bisectionResolver">; disputeId: bigint; witness: EncodedStepWitness };
export type ProveStepReturnType = WriteResult;

/** The last bisection move: the one-step witness the chain re-executes (`BisectionResolver.proveStep`). */
export function proveStep(client: WriteClient, { contracts, disputeId, witness }: ProveStepParameters): Promise<ProveStepReturnType> {
  return transact(client, { address: resolverOf(contracts, "bisection"), abi: bisectionResolverAbi, functionName: "proveStep", args: [disputeId, witness] });
}
