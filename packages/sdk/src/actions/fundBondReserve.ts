import { inferenceLedgerAbi } from "@vinfer/abis";
import type { VinferContracts } from "../contracts.ts";
import { eventOf, transact, type WriteClient, type WriteResult } from "../internal/transact.ts";

export type FundBondReserveParameters = { contracts: VinferContracts; amount: bigint };
export type FundBondReserveReturnType = WriteResult & {
  /** The caller's bond reserve afterwards. */
  reserve: bigint;
};

/** Locks `amount` of the caller's free stake into its bond reserve, from which commitments draw their bonds (`InferenceLedger.fundBondReserve`). */
export async function fundBondReserve(client: WriteClient, { contracts, amount }: FundBondReserveParameters): Promise<FundBondReserveReturnType> {
  const result = await transact(client, { address: contracts.ledger, abi: inferenceLedgerAbi, functionName: "fundBondReserve", args: [amount] });
  const { args } = eventOf(result.receipt, { abi: inferenceLedgerAbi, address: contracts.ledger, eventName: "BondReserveFunded" });
  return { ...result, reserve: args.reserve };
}
