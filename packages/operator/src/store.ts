// The daemon's durable state in one SQLite file (node:sqlite, WAL, synchronous=FULL): every accepted request
// with its input, output and fault, the batches they were committed in, the disputes and data demands on
// them, and every transaction the daemon sent. A request is in the file, in a committed transaction, before
// its answer leaves the process; a batch is in the file before its commitment is sent. One process at a time:
// the file is locked exclusively while a daemon has it open.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import type { Hex } from "viem";

/** A batch's life: `committing` from the moment it is formed until the chain holds it; then `committed`; then final. */
export type BatchStatus = "committing" | "committed" | "settled" | "slashed";
export type DisputeState = "open" | "won" | "lost" | "no_fault";
export type DemandState = "open" | "answered" | "collected" | "withheld";

export type Fault = { step: number; value: number };

export type RequestRow = {
  seq: number;
  requestId: Hex;
  modelId: Hex;
  input: Int8Array;
  output: Int8Array;
  inputHash: Hex;
  outputHash: Hex;
  fault: Fault | undefined;
  acceptedAt: number;
  batchId: number | undefined;
  leafIndex: number | undefined;
};

export type NewRequest = Omit<RequestRow, "seq" | "requestId" | "batchId" | "leafIndex">;

export type BatchRow = {
  id: number;
  commitmentId: Hex;
  modelId: Hex;
  root: Hex;
  count: number;
  status: BatchStatus;
  txHash: Hex | undefined;
  block: number | undefined;
  challengeDeadline: number | undefined;
  createdAt: number;
};

export type DisputeRow = {
  disputeId: bigint;
  commitmentId: Hex;
  leafIndex: number;
  challenger: Hex;
  claimedOutputHash: Hex;
  resolver: Hex;
  status: DisputeState;
};

export type DemandRow = {
  demandId: bigint;
  commitmentId: Hex;
  leafIndex: number;
  inputHash: Hex;
  deadline: number;
  status: DemandState;
};

export type Identity = { operator: string; modelId: string; chainId: string; ledger: string };

/** The data directory belongs to another operator, model, chain or ledger, or another process holds it. */
export class StoreIdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreIdentityError";
  }
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS batches (
  id INTEGER PRIMARY KEY,
  commitment_id TEXT NOT NULL UNIQUE,
  model_id TEXT NOT NULL,
  root TEXT NOT NULL,
  count INTEGER NOT NULL,
  status TEXT NOT NULL,
  tx_hash TEXT,
  block INTEGER,
  challenge_deadline INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS batches_status ON batches (status, id);
CREATE TABLE IF NOT EXISTS requests (
  seq INTEGER PRIMARY KEY,
  request_id TEXT NOT NULL UNIQUE,
  model_id TEXT NOT NULL,
  input BLOB NOT NULL,
  output BLOB NOT NULL,
  input_hash TEXT NOT NULL,
  output_hash TEXT NOT NULL,
  fault_step INTEGER,
  fault_value INTEGER,
  accepted_at INTEGER NOT NULL,
  batch_id INTEGER REFERENCES batches (id),
  leaf_index INTEGER
);
CREATE INDEX IF NOT EXISTS requests_batch ON requests (batch_id, leaf_index);
CREATE TABLE IF NOT EXISTS disputes (
  dispute_id TEXT PRIMARY KEY,
  commitment_id TEXT NOT NULL,
  leaf_index INTEGER NOT NULL,
  challenger TEXT NOT NULL,
  claimed_output_hash TEXT NOT NULL,
  resolver TEXT NOT NULL,
  status TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS demands (
  demand_id TEXT PRIMARY KEY,
  commitment_id TEXT NOT NULL,
  leaf_index INTEGER NOT NULL,
  input_hash TEXT NOT NULL,
  deadline INTEGER NOT NULL,
  status TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS transactions (
  hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  gas_used TEXT NOT NULL,
  block INTEGER NOT NULL
);
`;

type Row = Record<string, unknown>;

const int8 = (blob: unknown): Int8Array => {
  const bytes = blob as Uint8Array;
  return new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
};
const bytesOf = (v: Int8Array): Uint8Array => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
const optional = <T>(value: unknown): T | undefined => (value === null || value === undefined ? undefined : (value as T));

function requestOf(r: Row): RequestRow {
  return {
    seq: Number(r.seq),
    requestId: r.request_id as Hex,
    modelId: r.model_id as Hex,
    input: int8(r.input),
    output: int8(r.output),
    inputHash: r.input_hash as Hex,
    outputHash: r.output_hash as Hex,
    fault: r.fault_step === null ? undefined : { step: Number(r.fault_step), value: Number(r.fault_value) },
    acceptedAt: Number(r.accepted_at),
    batchId: optional<number>(r.batch_id),
    leafIndex: optional<number>(r.leaf_index),
  };
}

function batchOf(r: Row): BatchRow {
  return {
    id: Number(r.id),
    commitmentId: r.commitment_id as Hex,
    modelId: r.model_id as Hex,
    root: r.root as Hex,
    count: Number(r.count),
    status: r.status as BatchStatus,
    txHash: optional<Hex>(r.tx_hash),
    block: optional<number>(r.block),
    challengeDeadline: optional<number>(r.challenge_deadline),
    createdAt: Number(r.created_at),
  };
}

function disputeOf(r: Row): DisputeRow {
  return {
    disputeId: BigInt(r.dispute_id as string),
    commitmentId: r.commitment_id as Hex,
    leafIndex: Number(r.leaf_index),
    challenger: r.challenger as Hex,
    claimedOutputHash: r.claimed_output_hash as Hex,
    resolver: r.resolver as Hex,
    status: r.status as DisputeState,
  };
}

function demandOf(r: Row): DemandRow {
  return {
    demandId: BigInt(r.demand_id as string),
    commitmentId: r.commitment_id as Hex,
    leafIndex: Number(r.leaf_index),
    inputHash: r.input_hash as Hex,
    deadline: Number(r.deadline),
    status: r.status as DemandState,
  };
}

export class Store {
  readonly path: string;
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.path = join(dataDir, "operator.sqlite");
    this.db = new DatabaseSync(this.path);
    try {
      // The exclusive lock, taken by the first write below and held until close, keeps a second daemon off the
      // same file (the kernel drops it when the process dies, however it dies).
      this.db.exec("PRAGMA busy_timeout = 2000; PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
      this.db.exec(SCHEMA);
    } catch (error) {
      this.db.close();
      if ((error as { errcode?: number }).errcode === 5) throw new StoreIdentityError(`${this.path} is in use by another operator process`);
      throw error;
    }
  }

  private sql(text: string): StatementSync {
    let statement = this.statements.get(text);
    if (statement === undefined) this.statements.set(text, (statement = this.db.prepare(text)));
    return statement;
  }
  private get(text: string, ...params: SQLInputValue[]): Row | undefined {
    return this.sql(text).get(...params) as Row | undefined;
  }
  private all(text: string, ...params: SQLInputValue[]): Row[] {
    return this.sql(text).all(...params) as Row[];
  }
  private run(text: string, ...params: SQLInputValue[]): void {
    this.sql(text).run(...params);
  }

  /** Runs `fn` in one write transaction (committed, so durable, when it returns). */
  transaction<T>(fn: () => T): T {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      this.db.exec("COMMIT");
      return result;
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    }
  }

  close(): void {
    this.statements.clear();
    this.db.close();
  }

  // ── meta ────────────────────────────────────────────────────────────────────────────────────────────

  meta(key: string): string | undefined {
    return optional<string>(this.get("SELECT value FROM meta WHERE key = ?", key)?.value);
  }
  setMeta(key: string, value: string): void {
    this.run("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
  }

  /** Binds a fresh file to `identity`, or checks that the file was made for it. */
  bind(identity: Identity): void {
    this.transaction(() => {
      for (const [key, value] of Object.entries(identity)) {
        const stored = this.meta(key);
        if (stored === undefined) this.setMeta(key, value.toLowerCase());
        else if (stored !== value.toLowerCase()) {
          throw new StoreIdentityError(`${this.path} belongs to ${key} ${stored}, not ${value}: use another dataDir`);
        }
      }
    });
  }

  // ── requests ────────────────────────────────────────────────────────────────────────────────────────

  findRequest(requestId: Hex): RequestRow | undefined {
    const row = this.get("SELECT * FROM requests WHERE request_id = ?", requestId.toLowerCase());
    return row === undefined ? undefined : requestOf(row);
  }

  /**
   * Stores an accepted request; call it inside `transaction` (the caller commits, so durably stores, a group of
   * requests at once). `requestIdOf(seq)` names the request from the per-operator sequence number it gets here
   * and `build(requestId)` computes it. Returns the stored row, or the one already stored under that id (and
   * then stores nothing).
   */
  insertRequest(requestIdOf: (seq: bigint) => Hex, build: (requestId: Hex) => NewRequest): { row: RequestRow; duplicate: boolean } {
    const seq = BigInt(this.meta("next_seq") ?? "1");
    const requestId = requestIdOf(seq).toLowerCase() as Hex;
    const existing = this.findRequest(requestId);
    if (existing !== undefined) return { row: existing, duplicate: true };
    const request = build(requestId);
    this.run(
      `INSERT INTO requests (seq, request_id, model_id, input, output, input_hash, output_hash, fault_step, fault_value, accepted_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      seq,
      requestId,
      request.modelId,
      bytesOf(request.input),
      bytesOf(request.output),
      request.inputHash,
      request.outputHash,
      request.fault?.step ?? null,
      request.fault?.value ?? null,
      request.acceptedAt,
    );
    this.setMeta("next_seq", String(seq + 1n));
    return { row: { ...request, seq: Number(seq), requestId, batchId: undefined, leafIndex: undefined }, duplicate: false };
  }

  /** Requests in no batch yet, oldest first. */
  queuedRequests(limit: number): RequestRow[] {
    return this.all("SELECT * FROM requests WHERE batch_id IS NULL ORDER BY seq LIMIT ?", limit).map(requestOf);
  }

  /** Requests accepted but not yet on chain: in no batch, or in a batch still committing. */
  unconfirmedCount(): number {
    const row = this.get(
      `SELECT (SELECT count(*) FROM requests WHERE batch_id IS NULL)
            + (SELECT coalesce(sum(count), 0) FROM batches WHERE status = 'committing') AS n`,
    );
    return Number(row?.n ?? 0);
  }

  queuedCount(): number {
    return Number(this.get("SELECT count(*) AS n FROM requests WHERE batch_id IS NULL")?.n ?? 0);
  }

  /** When the oldest request in no batch was accepted (unix ms). */
  oldestQueuedAt(): number | undefined {
    return optional<number>(this.get("SELECT min(accepted_at) AS at FROM requests WHERE batch_id IS NULL")?.at);
  }

  requestCount(): number {
    return Number(this.get("SELECT count(*) AS n FROM requests")?.n ?? 0);
  }

  // ── batches ─────────────────────────────────────────────────────────────────────────────────────────

  /** Records a batch of `requests` (in leaf order) as committing, in one transaction. */
  createBatch(batch: { commitmentId: Hex; modelId: Hex; root: Hex; createdAt: number }, requests: readonly RequestRow[]): BatchRow {
    return this.transaction(() => {
      this.run(
        "INSERT INTO batches (commitment_id, model_id, root, count, status, created_at) VALUES (?, ?, ?, ?, 'committing', ?)",
        batch.commitmentId,
        batch.modelId,
        batch.root,
        requests.length,
        batch.createdAt,
      );
      const id = Number(this.get("SELECT id FROM batches WHERE commitment_id = ?", batch.commitmentId)!.id);
      requests.forEach((r, leaf) => this.run("UPDATE requests SET batch_id = ?, leaf_index = ? WHERE seq = ? AND batch_id IS NULL", id, leaf, r.seq));
      return this.batch(id)!;
    });
  }

  batch(id: number): BatchRow | undefined {
    const row = this.get("SELECT * FROM batches WHERE id = ?", id);
    return row === undefined ? undefined : batchOf(row);
  }
  batchByCommitment(commitmentId: Hex): BatchRow | undefined {
    const row = this.get("SELECT * FROM batches WHERE commitment_id = ?", commitmentId.toLowerCase());
    return row === undefined ? undefined : batchOf(row);
  }
  batchesWithStatus(status: BatchStatus, limit = 1_000_000): BatchRow[] {
    return this.all("SELECT * FROM batches WHERE status = ? ORDER BY id LIMIT ?", status, limit).map(batchOf);
  }
  /** Committed batches whose challenge window closed before `now` (unix s). */
  settleable(now: number, limit: number): BatchRow[] {
    return this.all(
      "SELECT * FROM batches WHERE status = 'committed' AND challenge_deadline < ? ORDER BY challenge_deadline LIMIT ?",
      now,
      limit,
    ).map(batchOf);
  }
  batchRequests(batchId: number): RequestRow[] {
    return this.all("SELECT * FROM requests WHERE batch_id = ? ORDER BY leaf_index", batchId).map(requestOf);
  }
  batchRequest(batchId: number, leafIndex: number): RequestRow | undefined {
    const row = this.get("SELECT * FROM requests WHERE batch_id = ? AND leaf_index = ?", batchId, leafIndex);
    return row === undefined ? undefined : requestOf(row);
  }
  setBatchTx(id: number, txHash: Hex): void {
    this.run("UPDATE batches SET tx_hash = ? WHERE id = ?", txHash, id);
  }
  markCommitted(id: number, { block, challengeDeadline, txHash }: { block?: number; challengeDeadline: number; txHash?: Hex }): void {
    this.run(
      "UPDATE batches SET status = 'committed', block = coalesce(?, block), challenge_deadline = ?, tx_hash = coalesce(?, tx_hash) WHERE id = ? AND status = 'committing'",
      block ?? null,
      challengeDeadline,
      txHash ?? null,
      id,
    );
  }
  setBatchStatus(id: number, status: BatchStatus): void {
    this.run("UPDATE batches SET status = ? WHERE id = ?", status, id);
  }
  /** Batches by status. */
  batchCounts(): Record<BatchStatus, number> {
    const counts: Record<BatchStatus, number> = { committing: 0, committed: 0, settled: 0, slashed: 0 };
    for (const row of this.all("SELECT status, count(*) AS n FROM batches GROUP BY status")) counts[row.status as BatchStatus] = Number(row.n);
    return counts;
  }

  // ── disputes and data demands ───────────────────────────────────────────────────────────────────────

  /** Records a dispute once; false when it was known. */
  addDispute(d: Omit<DisputeRow, "status">): boolean {
    const before = this.get("SELECT 1 AS x FROM disputes WHERE dispute_id = ?", d.disputeId.toString());
    if (before !== undefined) return false;
    this.run(
      "INSERT INTO disputes (dispute_id, commitment_id, leaf_index, challenger, claimed_output_hash, resolver, status) VALUES (?, ?, ?, ?, ?, ?, 'open')",
      d.disputeId.toString(),
      d.commitmentId.toLowerCase(),
      d.leafIndex,
      d.challenger.toLowerCase(),
      d.claimedOutputHash.toLowerCase(),
      d.resolver.toLowerCase(),
    );
    return true;
  }
  dispute(disputeId: bigint): DisputeRow | undefined {
    const row = this.get("SELECT * FROM disputes WHERE dispute_id = ?", disputeId.toString());
    return row === undefined ? undefined : disputeOf(row);
  }
  openDisputes(): DisputeRow[] {
    return this.all("SELECT * FROM disputes WHERE status = 'open' ORDER BY CAST(dispute_id AS INTEGER)").map(disputeOf);
  }
  setDisputeStatus(disputeId: bigint, status: DisputeState): void {
    this.run("UPDATE disputes SET status = ? WHERE dispute_id = ?", status, disputeId.toString());
  }
  disputeCounts(): Record<DisputeState, number> {
    const counts: Record<DisputeState, number> = { open: 0, won: 0, lost: 0, no_fault: 0 };
    for (const row of this.all("SELECT status, count(*) AS n FROM disputes GROUP BY status")) counts[row.status as DisputeState] = Number(row.n);
    return counts;
  }

  addDemand(d: Omit<DemandRow, "status">): boolean {
    const before = this.get("SELECT 1 AS x FROM demands WHERE demand_id = ?", d.demandId.toString());
    if (before !== undefined) return false;
    this.run(
      "INSERT INTO demands (demand_id, commitment_id, leaf_index, input_hash, deadline, status) VALUES (?, ?, ?, ?, ?, 'open')",
      d.demandId.toString(),
      d.commitmentId.toLowerCase(),
      d.leafIndex,
      d.inputHash.toLowerCase(),
      d.deadline,
    );
    return true;
  }
  /** Demands still needing something from the operator (an answer, or collecting the deposit). */
  pendingDemands(): DemandRow[] {
    return this.all("SELECT * FROM demands WHERE status IN ('open', 'answered') ORDER BY CAST(demand_id AS INTEGER)").map(demandOf);
  }
  setDemandStatus(demandId: bigint, status: DemandState): void {
    this.run("UPDATE demands SET status = ? WHERE demand_id = ?", status, demandId.toString());
  }
  demandCounts(): Record<DemandState, number> {
    const counts: Record<DemandState, number> = { open: 0, answered: 0, collected: 0, withheld: 0 };
    for (const row of this.all("SELECT status, count(*) AS n FROM demands GROUP BY status")) counts[row.status as DemandState] = Number(row.n);
    return counts;
  }

  // ── transactions ────────────────────────────────────────────────────────────────────────────────────

  recordTransaction(hash: Hex, kind: string, gasUsed: bigint, block: bigint): void {
    this.run("INSERT OR IGNORE INTO transactions (hash, kind, gas_used, block) VALUES (?, ?, ?, ?)", hash.toLowerCase(), kind, gasUsed.toString(), Number(block));
  }
  gasSpent(): bigint {
    return BigInt((this.get("SELECT coalesce(sum(CAST(gas_used AS INTEGER)), 0) AS total FROM transactions")?.total as number | bigint) ?? 0);
  }
}
