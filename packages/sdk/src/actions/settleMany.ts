import { inferenceLedgerAbi } from "@vinfer/abis";
import type { Hex } from "viem";
import type { VinferContracts } from "../contracts.ts";
import { eventsOf, transact, type WriteClient, type WriteResult } from "../internal/transact.ts";

export type SettleManyParameters = { contracts: VinferContracts; commitmentIds: readonly Hex[] };
export type SettleManyReturnType = WriteResult & {
  /** The commitments this transaction settled (the others were not settleable and were skipped). */
  settled: Hex[];
};

/** Settles every listed commitment that can be settled now and skips the others (`InferenceLedger.settleMany`). */
export async function settleMany(client: WriteClient, { contracts, commitmentIds }: SettleManyParameters): Promise<SettleManyReturnType> {
  const result = await transact(client, {
    address: contracts.ledger,
    abi: inferenceLedgerAbi,
    functionName: "settleMany",
    args: [commitmentIds],
  });
  const events = eventsOf(result.receipt, { abi: inferenceLedgerAbi, address: contracts.ledger, eventName: "CommitmentSettled" });
  return { ...result, settled: events.map((e) => e.args.commitmentId) };
}
