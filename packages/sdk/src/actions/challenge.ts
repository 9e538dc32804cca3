import { inferenceLedgerAbi } from "@vinfer/abis";
import type { Hex } from "viem";
import { challengeCommitHash, randomSalt } from "../accusations/commitHash.ts";
import type { VinferContracts } from "../contracts.ts";
import { read, type WriteClient } from "../internal/transact.ts";
import type { Inference } from "../types.ts";
import { commitChallenge, type CommitChallengeReturnType } from "./commitChallenge.ts";
import { revealChallenge, type RevealChallengeReturnType } from "./revealChallenge.ts";

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
export type ChallengeReturnType = RevealChallengeReturnType & {
  salt: Hex;
  commit: CommitChallengeReturnType;
};

/**
 * Disputes inference `leafIndex` of a commitment: commits to the accusation with the challenge deposit, waits for
 * it to be mined, then reveals it (`InferenceLedger.challenge`), topping the deposit up to the model's challenger
 * bond. The stake manager is approved for deposit and bond first when the allowance is short.
 */
export async function challenge(client: WriteClient, params: ChallengeParameters): Promise<ChallengeReturnType> {
  const { contracts, commitmentId, leafIndex, claimedOutputHash } = params;
  const salt = params.salt ?? randomSalt();
  const bond = await read<bigint>(client, { address: contracts.ledger, abi: inferenceLedgerAbi, functionName: "challengeBond", args: [commitmentId] });
  const commitHash = challengeCommitHash({ challenger: client.account.address, commitmentId, leafIndex, claimedOutputHash, salt });
  // The commit approves the whole bond, so the reveal's top-up needs no approval of its own.
  const committed = await commitChallenge(client, { contracts, commitHash, approve: bond });
  const revealed = await revealChallenge(client, { ...params, salt, approve: false });
  return { ...revealed, salt, commit: committed };
}
