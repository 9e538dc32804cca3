// What the indexer has indexed: the latest checkpoint Ponder committed with the rows it describes. Answers
// are cached per checkpoint, so every request reads it, with a read that started after the request arrived
// (concurrent requests share one read): a cached answer is never older than the data when it was asked.
import { db } from "ponder:api";
import { sql } from "ponder";

let inFlight: Promise<string> | undefined;
let next: Promise<string> | undefined;

async function readCheckpoint(): Promise<string> {
  const result = await db.execute(sql`select latest_checkpoint as checkpoint from _ponder_checkpoint order by chain_id limit 1`);
  const rows = ((result as { rows?: unknown[] }).rows ?? (result as unknown as unknown[])) as { checkpoint: string }[];
  return rows[0]?.checkpoint ?? "";
}

/** The latest indexed checkpoint, read after this call. */
export function freshCheckpoint(): Promise<string> {
  if (inFlight === undefined) {
    inFlight = readCheckpoint().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }
  // A read already under way may have started before this request: wait for the one after it.
  next ??= inFlight.then(
    () => ((next = undefined), freshCheckpoint()),
    () => ((next = undefined), freshCheckpoint()),
  );
  return next;
}

/** The block number a checkpoint encodes (Ponder's checkpoint: timestamp, chain id, then block number). */
export function checkpointBlock(checkpoint: string): bigint {
  return checkpoint.length >= 42 ? BigInt(checkpoint.slice(26, 42)) : 0n;
}

/** Answers keyed by request, valid for one checkpoint; a new checkpoint empties the cache. */
export class CheckpointCache<V> {
  #checkpoint = "";
  #entries = new Map<string, V>();
  constructor(readonly maxEntries = 10_000) {}

  get(checkpoint: string, key: string): V | undefined {
    if (checkpoint !== this.#checkpoint) return undefined;
    return this.#entries.get(key);
  }

  set(checkpoint: string, key: string, value: V) {
    if (checkpoint !== this.#checkpoint) {
      // Any other checkpoint (newer, or older after a reorganisation) starts a new cache: an entry is only
      // ever served for the exact checkpoint it was computed at.
      this.#checkpoint = checkpoint;
      this.#entries.clear();
    }
    if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(key, value);
  }
}
