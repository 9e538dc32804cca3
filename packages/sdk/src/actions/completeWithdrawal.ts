import { stakeManagerAbi } from "@vinfer/abis";
import type { VinferContracts } from "../contracts.ts";
import { eventOf, transact, type WriteClient, type WriteResult } from "../internal/transact.ts";

export type CompleteWithdrawalParameters = { contracts: VinferContracts };
export type CompleteWithdrawalReturnType = WriteResult & { amount: bigint };

/** Pays out the caller's withdrawal once its unbonding delay has passed (`StakeManager.completeWithdrawal`). */
export async function completeWithdrawal(
  client: WriteClient,
  { contracts }: CompleteWithdrawalParameters,
): Promise<CompleteWithdrawalReturnType> {
  const result = await transact(client, { address: contracts.stakeManager, abi: stakeManagerAbi, functionName: "completeWithdrawal" });
  const { args } = eventOf(result.receipt, { abi: stakeManagerAbi, address: contracts.stakeManager, eventName: "Withdrawn" });
  return { ...result, amount: args.amount };
}
