import { inferenceLedgerAbi } from "@vinfer/abis";
import type { Hex } from "viem";
import type { VinferContracts } from "../contracts.ts";
import { ensureAllowance } from "../internal/allowance.ts";
import { eventOf, read, transact, type WriteClient, type WriteResult } from "../internal/transact.ts";

export type CommitChallengeParameters = {
  contracts: VinferContracts;
  /** `challengeCommitHash` of the accusation to reveal later. */
  commitHash: Hex;
  /** Approve the stake manager for this much first when the allowance is short (default: the deposit). */
  approve?: bigint | false;
};
export type CommitChallengeReturnType = WriteResult & {
  /** The id the revealed dispute or demand will have: the commit's sequence number, its reward priority. */
  id: bigint;
  commitHash: Hex;
  revealDeadline: bigint;
};

/** Commits to an accusation without revealing it, posting the challenge deposit (`InferenceLedger.commitChallenge`). */
export async function commitChallenge(
  client: WriteClient,
  { contracts, commitHash, approve }: CommitChallengeParameters,
): Promise<CommitChallengeReturnType> {
  if (approve !== false) {
    const amount = approve ?? (await read<bigint>(client, { address: contracts.ledger, abi: inferenceLedgerAbi, functionName: "challengeDeposit" }));
    await ensureAllowance(client, contracts, amount);
  }
  const result = await transact(client, { address: contracts.ledger, abi: inferenceLedgerAbi, functionName: "commitChallenge", args: [commitHash] });
  const { args } = eventOf(result.receipt, { abi: inferenceLedgerAbi, address: contracts.ledger, eventName: "ChallengeCommitted" });
  return { ...result, id: args.id, commitHash, revealDeadline: BigInt(args.revealDeadline) };
}
