import { stakeManagerAbi } from "@vinfer/abis";
import type { VinferContracts } from "../contracts.ts";
import { eventOf, transact, type WriteClient, type WriteResult } from "../internal/transact.ts";

export type ClaimParameters = { contracts: VinferContracts };
export type ClaimReturnType = WriteResult & { amount: bigint };

/** Pulls everything credited to the caller (rewards, returned bonds, collected deposits) (`StakeManager.claim`). */
export async function claim(client: WriteClient, { contracts }: ClaimParameters): Promise<ClaimReturnType> {
  const result = await transact(client, { address: contracts.stakeManager, abi: stakeManagerAbi, functionName: "claim" });
  const { args } = eventOf(result.receipt, { abi: stakeManagerAbi, address: contracts.stakeManager, eventName: "Claimed" });
  return { ...result, amount: args.amount };
}
