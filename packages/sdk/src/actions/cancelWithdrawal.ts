import { stakeManagerAbi } from "@vinfer/abis";
import type { VinferContracts } from "../contracts.ts";
import { transact, type WriteClient, type WriteResult } from "../internal/transact.ts";

export type CancelWithdrawalParameters = { contracts: VinferContracts };
export type CancelWithdrawalReturnType = WriteResult;

/** Returns the caller's pending withdrawal to free stake (`StakeManager.cancelWithdrawal`). */
export function cancelWithdrawal(client: WriteClient, { contracts }: CancelWithdrawalParameters): Promise<CancelWithdrawalReturnType> {
  return transact(client, { address: contracts.stakeManager, abi: stakeManagerAbi, functionName: "cancelWithdrawal" });
}
