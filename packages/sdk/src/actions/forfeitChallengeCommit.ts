import { inferenceLedgerAbi } from "@vinfer/abis";
import type { Hex } from "viem";
import type { VinferContracts } from "../contracts.ts";
import { transact, type WriteClient, type WriteResult } from "../internal/transact.ts";

export type ForfeitChallengeCommitParameters = { contracts: VinferContracts; commitHash: Hex };
export type ForfeitChallengeCommitReturnType = WriteResult;

/** Sends the deposit of a challenge commit not revealed in time to the treasury (`InferenceLedger.forfeitChallengeCommit`). */
export function forfeitChallengeCommit(
  client: WriteClient,
  { contracts, commitHash }: ForfeitChallengeCommitParameters,
): Promise<ForfeitChallengeCommitReturnType> {
  return transact(client, { address: contracts.ledger, abi: inferenceLedgerAbi, functionName: "forfeitChallengeCommit", args: [commitHash] });
}
