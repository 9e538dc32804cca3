import { inferenceLedgerAbi } from "@vinfer/abis";
import type { Hex } from "viem";
import type { VinferContracts } from "../contracts.ts";
import { transact, type WriteClient, type WriteResult } from "../internal/transact.ts";

export type PayChallengerRewardParameters = { contracts: VinferContracts; commitmentId: Hex };
export type PayChallengerRewardReturnType = WriteResult;

/** Credits a slashed commitment's reward to its earliest accusation proven right (`InferenceLedger.payChallengerReward`). */
export function payChallengerReward(
  client: WriteClient,
  { contracts, commitmentId }: PayChallengerRewardParameters,
): Promise<PayChallengerRewardReturnType> {
  return transact(client, { address: contracts.ledger, abi: inferenceLedgerAbi, functionName: "payChallengerReward", args: [commitmentId] });
}
