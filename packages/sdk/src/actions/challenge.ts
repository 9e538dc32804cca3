import { inferenceLedgerAbi } from "@vinfer/abis";
import type { Hex } from "viem";
import { challengeCommitHash, randomSalt } from "../accusations/commitHash.ts";
import type { VinferContracts } from "../contracts.ts";
import { eventOf, read, transact, type WriteClient, type WriteResult } from "../internal/transact.ts";
import type { Inference } from "../types.ts";
import { commitChallenge, type CommitChallengeReturnType } from "./commitChallenge.ts";

/** One inference of a commitment, located by its leaf. */
export type LeafTarget = {
  contracts: VinferContracts;
  commitmentId: Hex;
  leafIndex: bigint;
  inference: Inference;
  /** The leaf's Merkle proof (empty for a single commitment). */
  proof: readonly Hex[];
  /** The secret of the commit (default: random). */
  salt?: Hex;
};

export type ChallengeParameters = LeafTarget & {
  /** The output hash the challenger says is right. */
  claimedOutputHash: Hex;
};
export type ChallengeReturnType = WriteResult & {
  /** The dispute's id (the commit's sequence number). */
  disputeId: bigint;
  /** The resolver that decides it. */
  resolver: Hex;
  bond: bigint;
  salt: Hex;
  commit: CommitChallengeReturnType;
};

/**
 * Disputes inference `leafIndex` of a commitment: commits to the accusation with the challenge deposit, waits for
 * it to be mined, then reveals it (`InferenceLedger.challenge`), topping the deposit up to the model's challenger
 * bond. The stake manager is approved for deposit and bond first when the allowance is short.
 */
export async function challenge(client: WriteClient, params: ChallengeParameters): Promise<ChallengeReturnType> {
  const { contracts, commitmentId, leafIndex, inference, proof, claimedOutputHash } = params;
  const ledger = { address: contracts.ledger, abi: inferenceLedgerAbi } as const;
  const salt = params.salt ?? randomSalt();
  const bond = await read<bigint>(client, { ...ledger, functionName: "challengeBond", args: [commitmentId] });
  const commitHash = challengeCommitHash({ challenger: client.account.address, commitmentId, leafIndex, claimedOutputHash, salt });
  const committed = await commitChallenge(client, { contracts, commitHash, approve: bond });
  const result = await transact(client, {
    ...ledger,
    functionName: "challenge",
    args: [commitmentId, leafIndex, inference, proof, claimedOutputHash, salt],
  });
  const { args } = eventOf(result.receipt, { ...ledger, eventName: "DisputeOpened" });
  return { ...result, disputeId: args.disputeId, resolver: args.resolver, bond: args.bond, salt, commit: committed };
}
