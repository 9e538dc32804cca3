import { inferenceLedgerAbi } from "@vinfer/abis";
import type { Hex } from "viem";
import type { VinferContracts } from "../contracts.ts";
import { transact, type WriteClient, type WriteResult } from "../internal/transact.ts";

export type ExpireDataDemandParameters = { contracts: VinferContracts; demandId: bigint; commitmentId: Hex; leafIndex: bigint; inputHash: Hex };
export type ExpireDataDemandReturnType = WriteResult;

/** Closes a demand whose input was not published in time: the commitment is slashed and the deposit refunded (`InferenceLedger.expireDataDemand`). Anyone may call it. */
export function expireDataDemand(client: WriteClient, { contracts, demandId, commitmentId, leafIndex, inputHash }: ExpireDataDemandParameters): Promise<ExpireDataDemandReturnType> {
  return transact(client, {
    address: contracts.ledger,
    abi: inferenceLedgerAbi,
    functionName: "expireDataDemand",
    args: [demandId, commitmentId, leafIndex, inputHash],
  });
}
