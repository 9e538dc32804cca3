import { stakeManagerAbi } from "@vinfer/abis";
import type { VinferContracts } from "../contracts.ts";
import { ensureAllowance } from "../internal/allowance.ts";
import { transact, type WriteClient, type WriteResult } from "../internal/transact.ts";

export type DepositParameters = {
  contracts: VinferContracts;
  /** Stake token units to add to the caller's free stake. */
  amount: bigint;
  /** Approve the stake manager for the amount first when the allowance is short (default true). */
  approve?: boolean;
};
export type DepositReturnType = WriteResult;

/** Deposits stake for the caller (`StakeManager.deposit`), approving the token first when needed. */
export async function deposit(client: WriteClient, { contracts, amount, approve = true }: DepositParameters): Promise<DepositReturnType> {
  if (approve) await ensureAllowance(client, contracts, amount);
  return transact(client, { address: contracts.stakeManager, abi: stakeManagerAbi, functionName: "deposit", args: [amount] });
}
