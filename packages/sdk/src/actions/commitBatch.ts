import { inferenceLedgerAbi } from "@vinfer/abis";
import type { Hex } from "viem";
import type { VinferContracts } from "../contracts.ts";
import { eventOf, transact, type WriteClient, type WriteResult } from "../internal/transact.ts";
import type { Inference } from "../types.ts";

export type CommitBatchParameters = {
  contracts: VinferContracts;
  modelId: Hex;
  /** The inferences in leaf order (at most the ledger's `maxBatchSize`). */
  inferences: readonly Inference[];
};
export type CommitBatchReturnType = WriteResult & { commitmentId: Hex; root: Hex; challengeDeadline: bigint; bond: bigint };

/** Commits a batch of inferences under the Merkle root the ledger computes (`InferenceLedger.commitBatch`). */
export async function commitBatch(
  client: WriteClient,
  { contracts, modelId, inferences }: CommitBatchParameters,
): Promise<CommitBatchReturnType> {
  const result = await transact(client, {
    address: contracts.ledger,
    abi: inferenceLedgerAbi,
    functionName: "commitBatch",
    args: [modelId, inferences],
  });
  const { args } = eventOf(result.receipt, { abi: inferenceLedgerAbi, address: contracts.ledger, eventName: "BatchCommitted" });
  return { ...result, commitmentId: args.commitmentId, root: args.root, challengeDeadline: BigInt(args.challengeDeadline), bond: args.bond };
}
