// Accepting inference requests: a repeated request id, the bond reserve, the computation and the durable write.
// Requests that arrive in the same turn of the event loop are stored in one SQLite transaction (one disk sync
// for all of them); every answer waits for that commit, so nothing is answered that a crash could lose.
import { vectorHash } from "@vinfer/runtime";
import type { Hex } from "viem";
import type { Context } from "./context.ts";
import { cheatsOn, compute, defaultRequestId } from "./inference.ts";
import type { RequestRow } from "./store.ts";

export type Submission = { input: Int8Array; requestId: Hex | undefined };

export type Intake =
  | { kind: "accepted"; row: RequestRow }
  | { kind: "duplicate"; row: RequestRow }
  | { kind: "refused"; status: 409 | 503; message: string };

type Pending = { submission: Submission; resolve: (result: Intake) => void; reject: (error: unknown) => void };

export function createIntake(ctx: Context) {
  let pending: Pending[] = [];
  let scheduled = false;

  /** One request, inside the group's transaction (it sees the requests stored before it in the group). */
  function admit({ input, requestId }: Submission): Intake {
    const inputHash = vectorHash(input);
    const repeat = (row: RequestRow): Intake =>
      row.inputHash === inputHash
        ? { kind: "duplicate", row }
        : { kind: "refused", status: 409, message: `request ${row.requestId} was already answered for another input (input hash ${row.inputHash})` };
    if (requestId !== undefined) {
      const known = ctx.store.findRequest(requestId);
      if (known !== undefined) return repeat(known);
    }
    // What is not yet on chain, this request and the spare batches must fit in the bond reserve.
    const { reserve } = ctx.state;
    const { minReserveBatches, batchSize } = ctx.settings;
    const needed = ctx.modelRecord.bondPerInference * BigInt(ctx.store.unconfirmedCount() + 1 + minReserveBatches * batchSize);
    if (reserve === undefined || reserve < needed) {
      ctx.log.warn("bond_reserve_short", { reserve, needed });
      return {
        kind: "refused",
        status: 503,
        message: `bond reserve too small: ${reserve ?? "unknown"} cannot back ${needed} (the queued requests, this one and ${minReserveBatches} batch(es) of ${batchSize}); try again later`,
      };
    }
    const { row, duplicate } = ctx.store.insertRequest(
      (seq) => requestId ?? defaultRequestId(ctx.operator, ctx.modelId, inputHash, seq),
      (id) => ({ modelId: ctx.modelId, input, ...compute(ctx.model, input, id, cheatsOn(id, ctx.settings.cheatFraction)), acceptedAt: Date.now() }),
    );
    return duplicate ? repeat(row) : { kind: "accepted", row };
  }

  function flush(): void {
    scheduled = false;
    const group = pending;
    pending = [];
    let results: Intake[];
    try {
      results = ctx.store.transaction(() => group.map((p) => admit(p.submission)));
    } catch (error) {
      for (const p of group) p.reject(error);
      return;
    }
    group.forEach((p, k) => p.resolve(results[k]));
    if (results.some((r) => r.kind === "accepted")) ctx.wake();
  }

  return {
    /** Resolves once the request is durably stored (or refused). */
    submit(submission: Submission): Promise<Intake> {
      return new Promise((resolve, reject) => {
        pending.push({ submission, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}
