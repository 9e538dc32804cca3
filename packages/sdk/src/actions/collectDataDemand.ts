import { inferenceLedgerAbi } from "@vinfer/abis";
import type { Hex } from "viem";
import type { VinferContracts } from "../contracts.ts";
import { transact, type WriteClient, type WriteResult } from "../internal/transact.ts";

export type CollectDataDemandParameters = { contracts: VinferContracts; demandId: bigint; commitmentId: Hex; leafIndex: bigint; inputHash: Hex };
export type CollectDataDemandReturnType = WriteResult;

/** Credits an answered demand's deposit to the commitment's operator (`InferenceLedger.collectDataDemand`). Anyone may call it. */
export function collectDataDemand(client: WriteClient, { contracts, demandId, commitmentId, leafIndex, inputHash }: CollectDataDemandParameters): Promise<CollectDataDemandReturnType> {
  return transact(client, {
    address: contracts.ledger,
    abi: inferenceLedgerAbi,
    functionName: "collectDataDemand",
    args: [demandId, commitmentId, leafIndex, inputHash],
  });
}
