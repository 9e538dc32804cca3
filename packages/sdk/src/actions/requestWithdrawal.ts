import { stakeManagerAbi } from "@vinfer/abis";
import type { VinferContracts } from "../contracts.ts";
import { eventOf, transact, type WriteClient, type WriteResult } from "../internal/transact.ts";

export type RequestWithdrawalParameters = { contracts: VinferContracts; amount: bigint };
export type RequestWithdrawalReturnType = WriteResult & {
  /** Everything now waiting to be withdrawn. */
  total: bigint;
  /** Unix time from which `completeWithdrawal` pays it out. */
  readyAt: bigint;
};

/** Moves `amount` of free stake into the unbonding queue (`StakeManager.requestWithdrawal`). */
export async function requestWithdrawal(
  client: WriteClient,
  { contracts, amount }: RequestWithdrawalParameters,
): Promise<RequestWithdrawalReturnType> {
  const result = await transact(client, {
    address: contracts.stakeManager,
    abi: stakeManagerAbi,
    functionName: "requestWithdrawal",
    args: [amount],
  });
  const { args } = eventOf(result.receipt, { abi: stakeManagerAbi, address: contracts.stakeManager, eventName: "WithdrawalRequested" });
  return { ...result, total: args.total, readyAt: BigInt(args.readyAt) };
}
