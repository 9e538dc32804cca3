import { inferenceLedgerAbi } from "@vinfer/abis";
import type { VinferContracts } from "../contracts.ts";
import { transact, type WriteClient, type WriteResult } from "../internal/transact.ts";

export type ExpireDisputeParameters = { contracts: VinferContracts; disputeId: bigint };
export type ExpireDisputeReturnType = WriteResult;

/** Closes, as no fault, a dispute its resolver never reported within the dispute bound (`InferenceLedger.expireDispute`). */
export function expireDispute(client: WriteClient, { contracts, disputeId }: ExpireDisputeParameters): Promise<ExpireDisputeReturnType> {
  return transact(client, { address: contracts.ledger, abi: inferenceLedgerAbi, functionName: "expireDispute", args: [disputeId] });
}
