import { inferenceLedgerAbi } from "@vinfer/abis";
import type { Hex } from "viem";
import type { VinferContracts } from "../contracts.ts";
import { eventOf, transact, type WriteClient, type WriteResult } from "../internal/transact.ts";
import type { Inference } from "../types.ts";

export type CommitParameters = { contracts: VinferContracts; modelId: Hex; inference: Inference };
export type CommitReturnType = WriteResult & {
  commitmentId: Hex;
  /** Challenges are accepted up to and including this unix time. */
  challengeDeadline: bigint;
  bond: bigint;
};

/** Commits one inference of `modelId`, its bond drawn from the caller's bond reserve (`InferenceLedger.commit`). */
export async function commit(client: WriteClient, { contracts, modelId, inference }: CommitParameters): Promise<CommitReturnType> {
  const result = await transact(client, {
    address: contracts.ledger,
    abi: inferenceLedgerAbi,
    functionName: "commit",
    args: [modelId, inference.requestId, inference.inputHash, inference.outputHash],
  });
  const { args } = eventOf(result.receipt, { abi: inferenceLedgerAbi, address: contracts.ledger, eventName: "InferenceCommitted" });
  return { ...result, commitmentId: args.commitmentId, challengeDeadline: BigInt(args.challengeDeadline), bond: args.bond };
}
