import { inferenceLedgerAbi } from "@vinfer/abis";
import type { VinferContracts } from "../contracts.ts";
import { eventOf, transact, type WriteClient, type WriteResult } from "../internal/transact.ts";

export type ReleaseBondReserveParameters = { contracts: VinferContracts; amount: bigint };
export type ReleaseBondReserveReturnType = WriteResult & {
  /** The caller's bond reserve afterwards. */
  reserve: bigint;
};

/** Returns `amount` of the caller's bond reserve to its free stake (`InferenceLedger.releaseBondReserve`). */
export async function releaseBondReserve(client: WriteClient, { contracts, amount }: ReleaseBondReserveParameters): Promise<ReleaseBondReserveReturnType> {
  const result = await transact(client, { address: contracts.ledger, abi: inferenceLedgerAbi, functionName: "releaseBondReserve", args: [amount] });
  const { args } = eventOf(result.receipt, { abi: inferenceLedgerAbi, address: contracts.ledger, eventName: "BondReserveReleased" });
  return { ...result, reserve: args.reserve };
}
