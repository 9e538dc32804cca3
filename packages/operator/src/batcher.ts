// Turns queued requests into commitments. A batch is formed (its members, root and commitment id fixed) and
// recorded as `committing` in one transaction before anything is sent; the hash of the signed transaction is
// recorded before it is broadcast. A committing batch is only ever sent again after the chain was asked whether
// it holds the commitment (the id follows from model, operator and root), so no request is committed twice:
// a second send of the same root would revert with LedgerCommitmentExists anyway.
import { inferenceLeaf, merkleLevels } from "@vinfer/runtime";
import { commit, commitBatch, VinferContractError, type Inference } from "@vinfer/sdk";
import { TransactionNotFoundError } from "viem";
import { commitmentIdOf, type CommitmentRecord } from "./chain.ts";
import type { Context } from "./context.ts";
import { errorText } from "./log.ts";
import type { BatchRow } from "./store.ts";

type Landing = "committed" | "pending" | "failed";

export type Batcher = {
  /** Lands committing batches, then forms and commits every batch that is due. */
  tick(isRunning: () => boolean): Promise<void>;
  /** Milliseconds until the queue is due for a commitment (0: now), undefined when it is empty. */
  msUntilDue(): number | undefined;
};

export function createBatcher(ctx: Context): Batcher {
  const { store, chain, settings, log } = ctx;
  let failures = 0;
  let retryAt = 0;

  const msUntilDue = (): number | undefined => {
    if (store.queuedCount() >= settings.batchSize) return 0;
    const oldest = store.oldestQueuedAt();
    return oldest === undefined ? undefined : Math.max(0, oldest + settings.batchAgeMs - Date.now());
  };

  /** Fixes the next batch: the oldest queued requests, their root and commitment id. */
  function form(): BatchRow {
    const requests = store.queuedRequests(settings.batchSize);
    const levels = merkleLevels(requests.map((r) => inferenceLeaf(r.requestId, r.inputHash, r.outputHash)));
    const root = levels[levels.length - 1][0];
    const commitmentId = commitmentIdOf(ctx.modelId, ctx.operator, root);
    const batch = store.createBatch({ commitmentId, modelId: ctx.modelId, root, createdAt: Date.now() }, requests);
    ctx.proofs.put(batch.id, levels);
    log.info("batch_formed", { batch: batch.id, commitmentId, count: batch.count });
    return batch;
  }

  /** Records a batch the chain already holds (sent before a crash, or by an earlier attempt). */
  async function landed(batch: BatchRow, record: CommitmentRecord): Promise<Landing> {
    const event = await chain.commitmentEvent(batch.commitmentId).catch(() => undefined);
    const hash = event?.txHash ?? batch.txHash;
    let block = event === undefined ? undefined : Number(event.block);
    if (hash !== undefined) {
      const receipt = await chain.publicClient.getTransactionReceipt({ hash }).catch(() => undefined);
      if (receipt !== undefined && receipt.status === "success") {
        block = Number(receipt.blockNumber);
        store.recordTransaction(hash, "commit", receipt.gasUsed, receipt.blockNumber);
      }
    }
    await refreshReserve();
    store.markCommitted(batch.id, { block, challengeDeadline: record.challengeDeadline, txHash: hash });
    log.info("batch_reconciled", { batch: batch.id, commitmentId: batch.commitmentId, count: batch.count, txHash: hash, block });
    return "committed";
  }

  async function refreshReserve(): Promise<void> {
    try {
      ctx.state.reserve = await chain.bondReserve();
    } catch (error) {
      log.warn("bond_reserve_unavailable", { error: errorText(error) });
    }
  }

  /** Gets a committing batch onto the chain: finds it there, waits for its transaction, or sends it. */
  async function land(batch: BatchRow): Promise<Landing> {
    const onChain = await chain.commitment(batch.commitmentId);
    if (onChain.status !== 0) return landed(batch, onChain);
    if (batch.txHash !== undefined) {
      try {
        const tx = await chain.publicClient.getTransaction({ hash: batch.txHash });
        if (tx.blockNumber === null) {
          log.info("batch_transaction_pending", { batch: batch.id, txHash: batch.txHash });
          return "pending";
        }
        // Mined, yet the chain holds no commitment: it reverted (e.g. the reserve ran short). Send again.
      } catch (error) {
        if (!(error instanceof TransactionNotFoundError)) throw error;
        // Never reached the node (or dropped): send again.
      }
    }
    const requests = store.batchRequests(batch.id);
    const inferences: Inference[] = requests.map((r) => ({ requestId: r.requestId, inputHash: r.inputHash, outputHash: r.outputHash }));
    try {
      const result = await chain.recordingHashes(
        (hash) => store.setBatchTx(batch.id, hash),
        () =>
          inferences.length === 1
            ? commit(chain.walletClient, { contracts: chain.contracts, modelId: ctx.modelId, inference: inferences[0] })
            : commitBatch(chain.walletClient, { contracts: chain.contracts, modelId: ctx.modelId, inferences }),
      );
      ctx.recordTransaction("commit", result);
      if (result.commitmentId.toLowerCase() !== batch.commitmentId) {
        log.error("commitment_id_mismatch", { batch: batch.id, expected: batch.commitmentId, got: result.commitmentId });
      }
      await refreshReserve();
      store.markCommitted(batch.id, {
        block: Number(result.receipt.blockNumber),
        challengeDeadline: Number(result.challengeDeadline),
        txHash: result.hash,
      });
      log.info("batch_committed", {
        batch: batch.id,
        commitmentId: batch.commitmentId,
        count: batch.count,
        txHash: result.hash,
        block: result.receipt.blockNumber,
        gasUsed: result.receipt.gasUsed,
        bond: result.bond,
        challengeDeadline: result.challengeDeadline,
      });
      return "committed";
    } catch (error) {
      if (error instanceof VinferContractError && error.errorName === "LedgerCommitmentExists") {
        return landed(batch, await chain.commitment(batch.commitmentId));
      }
      throw error;
    }
  }

  async function tick(isRunning: () => boolean): Promise<void> {
    if (Date.now() < retryAt) return;
    try {
      for (const batch of store.batchesWithStatus("committing")) {
        if (!isRunning() || (await land(batch)) !== "committed") return;
      }
      while (isRunning() && msUntilDue() === 0) {
        if ((await land(form())) !== "committed") return;
      }
      failures = 0;
    } catch (error) {
      failures++;
      const delay = Math.min(30_000, settings.pollMs * 2 ** Math.min(failures, 10));
      retryAt = Date.now() + delay;
      const reserveShort = error instanceof VinferContractError && error.errorName === "LedgerInsufficientBondReserve";
      log[reserveShort ? "warn" : "error"]("commit_failed", {
        error: errorText(error),
        errorName: error instanceof VinferContractError ? error.errorName : undefined,
        retryInMs: delay,
      });
    }
  }

  return { tick, msUntilDue };
}
