// What the HTTP API answers about stored requests and batches: the answer to an inference, its receipt
// (queued, or committed with its Merkle proof and the ledger's status for it), and a commitment's data.
import { InferenceStatusNames } from "@vinfer/abis";
import { inferenceLeaf, merkleLevels, merkleProofFromLevels } from "@vinfer/runtime";
import { int8ToHex, type CommitmentData } from "@vinfer/sdk";
import type { Address, Hex } from "viem";
import type { Context } from "./context.ts";
import { errorText } from "./log.ts";
import type { BatchRow, RequestRow, Store } from "./store.ts";

/** A request not yet on chain. */
export type QueuedReceipt = {
  status: "queued";
  requestId: Hex;
  modelId: Hex;
  operator: Address;
  inference: { requestId: Hex; inputHash: Hex; outputHash: Hex };
  acceptedAt: string;
};

/** The ledger's status of an inference, as the indexer spells it. */
export type ChainStatus = "PENDING" | "DISPUTED" | "SETTLED" | "FRAUDULENT" | "VOIDED" | "UNKNOWN";

/** A request on chain: an SDK `InferenceReceipt` (verifyReceipt accepts it) with the commitment's details. */
export type CommittedReceipt = {
  status: "committed";
  requestId: Hex;
  commitmentId: Hex;
  modelId: Hex;
  operator: Address;
  leafIndex: number;
  inference: { requestId: Hex; inputHash: Hex; outputHash: Hex };
  proof: Hex[];
  root: Hex;
  /** Challenges are accepted up to and including this unix time. */
  challengeDeadline: number;
  /** The ledger's `inferenceStatus`, read when the receipt is asked for. */
  chainStatus: ChainStatus;
  /** The chain status can no longer change. */
  final: boolean;
  txHash: Hex | undefined;
  block: number | undefined;
  acceptedAt: string;
};

export type Receipt = QueuedReceipt | CommittedReceipt;

export type Answer = {
  requestId: Hex;
  modelId: Hex;
  output: number[];
  outputHash: Hex;
  inputHash: Hex;
  prediction: number;
  receipt: Receipt;
};

const FINAL = new Set<ChainStatus>(["SETTLED", "FRAUDULENT", "VOIDED"]);

/** Merkle levels of recent batches, so that receipts do not rehash a whole batch each time. */
export class ProofCache {
  private readonly levels = new Map<number, Hex[][]>();
  private readonly store: Store;
  private readonly capacity: number;
  constructor(store: Store, capacity = 64) {
    this.store = store;
    this.capacity = capacity;
  }
  put(batchId: number, levels: Hex[][]): void {
    this.levels.delete(batchId);
    this.levels.set(batchId, levels);
    if (this.levels.size > this.capacity) this.levels.delete(this.levels.keys().next().value!);
  }
  proof(batchId: number, leafIndex: number): Hex[] {
    let levels = this.levels.get(batchId);
    if (levels === undefined) {
      const leaves = this.store.batchRequests(batchId).map((r) => inferenceLeaf(r.requestId, r.inputHash, r.outputHash));
      levels = merkleLevels(leaves);
      this.put(batchId, levels);
    }
    return merkleProofFromLevels(levels, leafIndex);
  }
}

const inferenceOf = (row: RequestRow) => ({ requestId: row.requestId, inputHash: row.inputHash, outputHash: row.outputHash });

/** The current receipt of a stored request (reads the ledger's status once it is committed). */
export async function receiptOf(ctx: Context, row: RequestRow): Promise<Receipt> {
  const acceptedAt = new Date(row.acceptedAt).toISOString();
  const batch = row.batchId === undefined ? undefined : ctx.store.batch(row.batchId);
  if (batch === undefined || batch.status === "committing" || row.leafIndex === undefined) {
    return { status: "queued", requestId: row.requestId, modelId: row.modelId, operator: ctx.operator, inference: inferenceOf(row), acceptedAt };
  }
  const chainStatus = await chainStatusOf(ctx, batch, row.leafIndex);
  return {
    status: "committed",
    requestId: row.requestId,
    commitmentId: batch.commitmentId,
    modelId: batch.modelId,
    operator: ctx.operator,
    leafIndex: row.leafIndex,
    inference: inferenceOf(row),
    proof: ctx.proofs.proof(batch.id, row.leafIndex),
    root: batch.root,
    challengeDeadline: batch.challengeDeadline ?? 0,
    chainStatus,
    final: FINAL.has(chainStatus),
    txHash: batch.txHash,
    block: batch.block,
    acceptedAt,
  };
}

async function chainStatusOf(ctx: Context, batch: BatchRow, leafIndex: number): Promise<ChainStatus> {
  if (batch.status === "settled") return "SETTLED";
  try {
    const value = await ctx.chain.inferenceStatus(batch.commitmentId, leafIndex);
    const name = InferenceStatusNames[value];
    return name === undefined || name === "None" ? "UNKNOWN" : (name.toUpperCase() as ChainStatus);
  } catch (error) {
    ctx.log.warn("chain_status_unavailable", { commitmentId: batch.commitmentId, leafIndex, error: errorText(error) });
    return batch.status === "committed" ? "PENDING" : "UNKNOWN";
  }
}

/** The answer to an inference request (the same for every repetition of its request id). */
export async function answerOf(ctx: Context, row: RequestRow): Promise<Answer> {
  return {
    requestId: row.requestId,
    modelId: row.modelId,
    output: Array.from(row.output),
    outputHash: row.outputHash,
    inputHash: row.inputHash,
    prediction: predictionOf(row.output),
    receipt: await receiptOf(ctx, row),
  };
}

/** The first index of the largest output. */
export function predictionOf(output: Int8Array): number {
  let best = 0;
  for (let i = 1; i < output.length; i++) if (output[i] > output[best]) best = i;
  return best;
}

/** What the data endpoint serves for a batch: every leaf in order with its input and output. */
export function commitmentDataOf(ctx: Context, batch: BatchRow): CommitmentData {
  return {
    commitmentId: batch.commitmentId,
    modelId: batch.modelId,
    operator: ctx.operator,
    items: ctx.store.batchRequests(batch.id).map((r) => ({ ...inferenceOf(r), input: int8ToHex(r.input), output: int8ToHex(r.output) })),
  };
}
