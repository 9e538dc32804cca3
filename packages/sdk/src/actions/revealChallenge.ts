import { inferenceLedgerAbi } from "@vinfer/abis";
import type { Hex } from "viem";
import { ensureAllowance } from "../internal/allowance.ts";
import { eventOf, read, transact, type WriteClient, type WriteResult } from "../internal/transact.ts";
import type { LeafTarget } from "./challenge.ts";

export type RevealChallengeParameters = LeafTarget & {
  /** The output hash the challenger says is right, as committed. */
  claimedOutputHash: Hex;
  /** The commit's secret. */
  salt: Hex;
  /** Approve the stake manager for the bond's top-up first when the allowance is short (default true). */
  approve?: boolean;
};
export type RevealChallengeReturnType = WriteResult & {
  /** The dispute's id (the commit's sequence number). */
  disputeId: bigint;
  /** The resolver that decides it. */
  resolver: Hex;
  bond: bigint;
};

/**
 * Reveals a committed dispute (`InferenceLedger.challenge`), topping the commit's deposit up to the model's
 * challenger bond: the second half of {@link challenge}, alone, for a commit already on chain (e.g. made before a
 * restart).
 */
export async function revealChallenge(client: WriteClient, params: RevealChallengeParameters): Promise<RevealChallengeReturnType> {
  const { contracts, commitmentId, leafIndex, inference, proof, claimedOutputHash, salt, approve = true } = params;
  const ledger = { address: contracts.ledger, abi: inferenceLedgerAbi } as const;
  if (approve) {
    const [bond, deposit] = await Promise.all([
      read<bigint>(client, { ...ledger, functionName: "challengeBond", args: [commitmentId] }),
      read<bigint>(client, { ...ledger, functionName: "challengeDeposit" }),
    ]);
    await ensureAllowance(client, contracts, bond - deposit);
  }
  const result = await transact(client, { ...ledger, functionName: "challenge", args: [commitmentId, leafIndex, inference, proof, claimedOutputHash, salt] });
  const { args } = eventOf(result.receipt, { ...ledger, eventName: "DisputeOpened" });
  return { ...result, disputeId: args.disputeId, resolver: args.resolver, bond: args.bond };
}
