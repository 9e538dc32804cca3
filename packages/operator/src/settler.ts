// Settles the operator's commitments once their challenge windows are over (settleMany, one transaction for
// all that are due), so their bonds return to the bond reserve.
import { CommitmentStatus } from "@vinfer/abis";
import { settleMany } from "@vinfer/sdk";
import type { Hex } from "viem";
import type { Context } from "./context.ts";
import { errorText } from "./log.ts";

const PER_TRANSACTION = 100;

export type Settler = { tick(): Promise<void> };

export function createSettler(ctx: Context): Settler {
  const { store, chain, log } = ctx;
  let failures = 0;
  let retryAt = 0;

  async function tick(): Promise<void> {
    const head = ctx.state.head;
    if (head === undefined || Date.now() < retryAt) return;
    const due: { id: number; commitmentId: Hex }[] = [];
    for (const batch of store.settleable(Number(head.timestamp), PER_TRANSACTION * 4)) {
      const record = await chain.commitment(batch.commitmentId);
      if (record.status === CommitmentStatus.Pending) due.push(batch);
      else if (record.status === CommitmentStatus.Settled) store.setBatchStatus(batch.id, "settled");
      else if (record.status === CommitmentStatus.Slashed) store.setBatchStatus(batch.id, "slashed");
      // Disputed: settlement waits until its disputes close.
      if (due.length === PER_TRANSACTION) break;
    }
    if (due.length === 0) return;
    try {
      const result = await settleMany(chain.walletClient, { contracts: chain.contracts, commitmentIds: due.map((b) => b.commitmentId) });
      ctx.recordTransaction("settleMany", result);
      const settled = new Set(result.settled.map((id) => id.toLowerCase()));
      for (const b of due) if (settled.has(b.commitmentId)) store.setBatchStatus(b.id, "settled");
      ctx.state.reserve = await chain.bondReserve().catch(() => ctx.state.reserve);
      failures = 0;
      log.info("commitments_settled", { count: settled.size, commitmentIds: [...settled], txHash: result.hash, gasUsed: result.receipt.gasUsed });
    } catch (error) {
      failures++;
      const delay = Math.min(60_000, ctx.settings.pollMs * 2 ** Math.min(failures, 10));
      retryAt = Date.now() + delay;
      log.error("settle_failed", { count: due.length, error: errorText(error), retryInMs: delay });
    }
  }

  return { tick };
}
