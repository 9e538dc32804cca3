// Commit-reveal accusations against a commitment: the challenger first commits to a hash with the protocol's
// deposit, then reveals it as a dispute (`challenge`) or a data demand (`demandData`). The commit's sequence
// number is the accusation's id and its priority for the challenger reward.
import { inferenceLedgerAbi } from "@vinfer/abis";
import { decodeEventLog, type Address, type Hex, type TransactionReceipt } from "viem";
import { confirmed } from "../receipts.ts";
import type { Reader, Wallet } from "../bisection/play.ts";
import { challengeCommitHash, randomSalt } from "./commitHash.ts";

/** One committed inference, as the ledger's `Inference` struct. */
export type InferenceLeaf = { requestId: Hex; inputHash: Hex; outputHash: Hex };

export type AccuseParameters = {
  ledger: Address;
  commitmentId: Hex;
  leafIndex: bigint;
  inference: InferenceLeaf;
  /** The leaf's Merkle proof (empty for a single commitment). */
  proof: readonly Hex[];
  /** The output hash the challenger says is right; omit for a data demand. */
  claimedOutputHash?: Hex;
  salt?: Hex;
};

export type CommitChallengeReturnType = { id: bigint; commitHash: Hex; receipt: TransactionReceipt };

export type AccuseReturnType = {
  /** The dispute's or demand's id: the commit's sequence number. */
  id: bigint;
  commitHash: Hex;
  salt: Hex;
  commit: TransactionReceipt;
  reveal: TransactionReceipt;
};

/** Posts a challenge commit with the protocol's deposit (approved beforehand) and returns its id. */
export async function commitChallenge(
  client: Reader,
  wallet: Wallet,
  { ledger, commitHash }: { ledger: Address; commitHash: Hex },
): Promise<CommitChallengeReturnType> {
  const hash = await wallet.writeContract({
    address: ledger,
    abi: inferenceLedgerAbi,
    functionName: "commitChallenge",
    args: [commitHash],
    account: wallet.account,
    chain: wallet.chain,
  });
  const receipt = await confirmed(client, hash, "challenge commit");
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== ledger.toLowerCase()) continue;
    try {
      const event = decodeEventLog({ abi: inferenceLedgerAbi, eventName: "ChallengeCommitted", ...log });
      return { id: event.args.id, commitHash, receipt };
    } catch {
      // another event of the same transaction
    }
  }
  throw new Error(`challenge commit ${hash} emitted no ChallengeCommitted event`);
}

/** Sends the reveal of an accusation whose commit was mined; the caller waits for it. */
export function revealAccusation(wallet: Wallet, params: AccuseParameters & { salt: Hex }): Promise<Hex> {
  const { ledger, commitmentId, leafIndex, inference, proof, claimedOutputHash, salt } = params;
  const call = { address: ledger, abi: inferenceLedgerAbi, account: wallet.account, chain: wallet.chain } as const;
  return claimedOutputHash === undefined
    ? wallet.writeContract({ ...call, functionName: "demandData", args: [commitmentId, leafIndex, inference, proof, salt] })
    : wallet.writeContract({
        ...call,
        functionName: "challenge",
        args: [commitmentId, leafIndex, inference, proof, claimedOutputHash, salt],
      });
}

/**
 * Commits to an accusation, waits for the commit to be mined, then reveals it: a dispute when
 * `claimedOutputHash` is given, a data demand otherwise. The wallet must have approved the stake manager for
 * the deposit and, for a dispute, the rest of the model's challenger bond.
 */
export async function accuse(client: Reader, wallet: Wallet, params: AccuseParameters): Promise<AccuseReturnType> {
  const salt = params.salt ?? randomSalt();
  const commitHash = challengeCommitHash({ ...params, challenger: wallet.account.address, salt });
  const { id, receipt: commit } = await commitChallenge(client, wallet, { ledger: params.ledger, commitHash });
  const what = params.claimedOutputHash === undefined ? "data demand" : "challenge";
  const reveal = await confirmed(client, await revealAccusation(wallet, { ...params, salt }), `${what} reveal`);
  return { id, commitHash, salt, commit, reveal };
}

