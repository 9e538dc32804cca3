import { inferenceLedgerAbi } from "@vinfer/abis";
import type { Hex } from "viem";
import type { VinferContracts } from "../contracts.ts";
import { eventOf, transact, type WriteClient, type WriteResult } from "../internal/transact.ts";

export type SettleParameters = { contracts: VinferContracts; commitmentId: Hex };
export type SettleReturnType = WriteResult & { bond: bigint };

/** Settles a pending commitment after its challenge window; its bond returns to the operator's reserve (`InferenceLedger.settle`). Anyone may call it. */
export async function settle(client: WriteClient, { contracts, commitmentId }: SettleParameters): Promise<SettleReturnType> {
  const result = await transact(client, { address: contracts.ledger, abi: inferenceLedgerAbi, functionName: "settle", args: [commitmentId] });
  const { args } = eventOf(result.receipt, { abi: inferenceLedgerAbi, address: contracts.ledger, eventName: "CommitmentSettled" });
  return { ...result, bond: args.bond };
}
