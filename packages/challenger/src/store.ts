// The challenger's durable state in one SQLite file (node:sqlite): the block followed up to, the models it
// can or cannot re-execute, every commitment it follows with its leaves, and every accusation (dispute or data
// demand) it decided to make, with the salt of its commit. An accusation is written before anything is sent,
// so after a crash the daemon finds it again, finds out on chain how far it got, and finishes it instead of
// accusing the same leaf twice.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { getAddress, type Address, type Hex } from "viem";
import type { ChallengerStats } from "./types.ts";

/** What the checker concluded about one leaf. */
export type LeafState =
  /** Not looked at yet. */
  | "unchecked"
  /** Re-executed: the committed output is right. */
  | "ok"
  /** Re-executed: the committed output is wrong. */
  | "wrong"
  /** The endpoint did not serve its committed input (unreachable, not found, or an input of another hash). */
  | "withheld"
  /** The committed input cannot be run by the model (its width is not the model's input width). */
  | "unverifiable";

export type CommitmentRow = {
  id: Hex;
  modelId: Hex;
  operator: Address;
  count: number;
  challengeDeadline: number;
  block: bigint;
  state: "new" | "checked";
  attempts: number;
  nextAttemptAt: number;
  withheld: number;
  settled: boolean;
  rewardDone: boolean;
};

export type LeafRow = {
  commitmentId: Hex;
  leafIndex: number;
  requestId: Hex;
  inputHash: Hex;
  outputHash: Hex;
  state: LeafState;
  trueOutputHash: Hex | null;
};

export type AccusationKind = "challenge" | "demand";

export type AccusationState =
  /** Decided, maybe committed on chain, not known to be revealed. */
  | "pending"
  /** Revealed: a game being played, or a demand waiting for its answer. */
  | "open"
  /** Dispute closed with the operator at fault. */
  | "won"
  /** Dispute closed with the challenger at fault. */
  | "lost"
  /** Dispute closed without a fault shown. */
  | "nofault"
  /** Demand answered: the input was published on chain. */
  | "answered"
  /** Demand expired unanswered: the commitment was slashed. */
  | "withheld"
  /** Not revealed and never will be (window closed, commitment already slashed or settled). */
  | "abandoned";

export type AccusationRow = {
  commitmentId: Hex;
  leafIndex: number;
  kind: AccusationKind;
  salt: Hex;
  claimedOutputHash: Hex | null;
  /** The leaf's input (hex int8 bytes), for a dispute's game. */
  input: Hex | null;
  state: AccusationState;
  /** The dispute's or demand's id once revealed. */
  accusationId: bigint | null;
  /** The resolver that plays a dispute. */
  resolver: Address | null;
  /** A demand's answer deadline (unix seconds). */
  deadline: number | null;
  /** The block the accusation was revealed in (where to look for its InputPublished). */
  block: bigint | null;
  reason: string | null;
};

export type ModelRow = { modelId: Hex; weightsRoot: Hex | null; resolver: Address | null; supported: boolean; reason: string | null };

export type NewCommitment = {
  id: Hex;
  modelId: Hex;
  operator: Address;
  challengeDeadline: number;
  block: bigint;
  items: readonly { requestId: Hex; inputHash: Hex; outputHash: Hex }[];
};

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS models (
  model_id TEXT PRIMARY KEY,
  weights_root TEXT,
  resolver TEXT,
  supported INTEGER NOT NULL,
  reason TEXT
);
CREATE TABLE IF NOT EXISTS commitments (
  id TEXT PRIMARY KEY,
  model_id TEXT NOT NULL,
  operator TEXT NOT NULL,
  count INTEGER NOT NULL,
  challenge_deadline INTEGER NOT NULL,
  block INTEGER NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  withheld INTEGER NOT NULL DEFAULT 0,
  settled INTEGER NOT NULL DEFAULT 0,
  reward_done INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS commitments_state ON commitments (state, next_attempt_at);
CREATE TABLE IF NOT EXISTS leaves (
  commitment_id TEXT NOT NULL,
  leaf_index INTEGER NOT NULL,
  request_id TEXT NOT NULL,
  input_hash TEXT NOT NULL,
  output_hash TEXT NOT NULL,
  state TEXT NOT NULL,
  true_output_hash TEXT,
  PRIMARY KEY (commitment_id, leaf_index)
);
CREATE TABLE IF NOT EXISTS accusations (
  commitment_id TEXT NOT NULL,
  leaf_index INTEGER NOT NULL,
  kind TEXT NOT NULL,
  salt TEXT NOT NULL,
  claimed_output_hash TEXT,
  input TEXT,
  state TEXT NOT NULL,
  accusation_id TEXT,
  resolver TEXT,
  deadline INTEGER,
  block INTEGER,
  reason TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (commitment_id, leaf_index, kind)
);
CREATE INDEX IF NOT EXISTS accusations_state ON accusations (state, kind);
`;

type Row = Record<string, unknown>;

const hexOrNull = (v: unknown) => (v === null || v === undefined ? null : (v as Hex));

function toCommitment(r: Row): CommitmentRow {
  return {
    id: r.id as Hex,
    modelId: r.model_id as Hex,
    operator: r.operator as Address,
    count: Number(r.count),
    challengeDeadline: Number(r.challenge_deadline),
    block: BigInt(r.block as number),
    state: r.state as CommitmentRow["state"],
    attempts: Number(r.attempts),
    nextAttemptAt: Number(r.next_attempt_at),
    withheld: Number(r.withheld),
    settled: Number(r.settled) === 1,
    rewardDone: Number(r.reward_done) === 1,
  };
}

function toLeaf(r: Row): LeafRow {
  return {
    commitmentId: r.commitment_id as Hex,
    leafIndex: Number(r.leaf_index),
    requestId: r.request_id as Hex,
    inputHash: r.input_hash as Hex,
    outputHash: r.output_hash as Hex,
    state: r.state as LeafState,
    trueOutputHash: hexOrNull(r.true_output_hash),
  };
}

function toAccusation(r: Row): AccusationRow {
  return {
    commitmentId: r.commitment_id as Hex,
    leafIndex: Number(r.leaf_index),
    kind: r.kind as AccusationKind,
    salt: r.salt as Hex,
    claimedOutputHash: hexOrNull(r.claimed_output_hash),
    input: hexOrNull(r.input),
    state: r.state as AccusationState,
    accusationId: r.accusation_id === null ? null : BigInt(r.accusation_id as string),
    resolver: hexOrNull(r.resolver) as Address | null,
    deadline: r.deadline === null ? null : Number(r.deadline),
    block: r.block === null ? null : BigInt(r.block as number),
    reason: (r.reason as string | null) ?? null,
  };
}

export class Store {
  readonly db: DatabaseSync;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new DatabaseSync(join(dataDir, "challenger.sqlite"));
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
    this.db.exec(SCHEMA);
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  /** Runs `fn` in one transaction: all of it is written, or none of it. */
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

  // ── meta ────────────────────────────────────────────────────────────────────────────────────────────

  getMeta(key: string): string | undefined {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as Row | undefined;
    return row?.value as string | undefined;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(key, value);
  }

  /**
   * Binds the data directory to one chain, ledger and challenger account the first time, and refuses another
   * one afterwards (its state would mean nothing there).
   */
  bindIdentity(identity: Record<string, string>): void {
    for (const [key, value] of Object.entries(identity)) {
      const stored = this.getMeta(key);
      if (stored === undefined) this.setMeta(key, value);
      else if (stored.toLowerCase() !== value.toLowerCase()) {
        throw new Error(`the data directory belongs to ${key} ${stored}, not ${value}: use another dataDir`);
      }
    }
  }

  /** The last block whose commitments are recorded; undefined before the first. */
  followedBlock(): bigint | undefined {
    const value = this.getMeta("followed_block");
    return value === undefined ? undefined : BigInt(value);
  }

  // ── models ──────────────────────────────────────────────────────────────────────────────────────────

  getModel(modelId: Hex): ModelRow | undefined {
    const r = this.db.prepare("SELECT * FROM models WHERE model_id = ?").get(modelId.toLowerCase()) as Row | undefined;
    if (r === undefined) return undefined;
    return {
      modelId: r.model_id as Hex,
      weightsRoot: hexOrNull(r.weights_root),
      resolver: hexOrNull(r.resolver) as Address | null,
      supported: Number(r.supported) === 1,
      reason: (r.reason as string | null) ?? null,
    };
  }

  putModel(row: ModelRow): void {
    this.db
      .prepare("INSERT OR REPLACE INTO models (model_id, weights_root, resolver, supported, reason) VALUES (?, ?, ?, ?, ?)")
      .run(row.modelId.toLowerCase(), row.weightsRoot, row.resolver, row.supported ? 1 : 0, row.reason);
  }

  // ── commitments and leaves ──────────────────────────────────────────────────────────────────────────

  /** Records the commitments of blocks up to `block` and moves the followed block there, in one transaction. */
  recordBlocks(commitments: readonly NewCommitment[], block: bigint): number {
    return this.transaction(() => {
      let added = 0;
      const insertCommitment = this.db.prepare(
        "INSERT OR IGNORE INTO commitments (id, model_id, operator, count, challenge_deadline, block, state) VALUES (?, ?, ?, ?, ?, ?, 'new')",
      );
      const insertLeaf = this.db.prepare(
        "INSERT OR IGNORE INTO leaves (commitment_id, leaf_index, request_id, input_hash, output_hash, state) VALUES (?, ?, ?, ?, ?, 'unchecked')",
      );
      for (const c of commitments) {
        const id = c.id.toLowerCase();
        const { changes } = insertCommitment.run(id, c.modelId.toLowerCase(), getAddress(c.operator), c.items.length, c.challengeDeadline, c.block);
        if (Number(changes) === 0) continue;
        added++;
        c.items.forEach((item, i) => insertLeaf.run(id, i, item.requestId, item.inputHash, item.outputHash));
      }
      this.setMeta("followed_block", block.toString());
      return added;
    });
  }

  getCommitment(id: Hex): CommitmentRow | undefined {
    const r = this.db.prepare("SELECT * FROM commitments WHERE id = ?").get(id.toLowerCase()) as Row | undefined;
    return r === undefined ? undefined : toCommitment(r);
  }

  /** Commitments waiting to be checked whose next attempt is due, oldest first. */
  dueCommitments(nowMs: number, limit: number): CommitmentRow[] {
    return (
      this.db
        .prepare("SELECT * FROM commitments WHERE state = 'new' AND next_attempt_at <= ? ORDER BY block, id LIMIT ?")
        .all(nowMs, limit) as Row[]
    ).map(toCommitment);
  }

  /** Another fetch attempt later. */
  retryLater(id: Hex, attempts: number, nextAttemptAt: number): void {
    this.db.prepare("UPDATE commitments SET attempts = ?, next_attempt_at = ? WHERE id = ?").run(attempts, nextAttemptAt, id.toLowerCase());
  }

  leaves(commitmentId: Hex): LeafRow[] {
    return (this.db.prepare("SELECT * FROM leaves WHERE commitment_id = ? ORDER BY leaf_index").all(commitmentId.toLowerCase()) as Row[]).map(toLeaf);
  }

  setLeaf(commitmentId: Hex, leafIndex: number, state: LeafState, trueOutputHash: Hex | null = null): void {
    this.db
      .prepare("UPDATE leaves SET state = ?, true_output_hash = ? WHERE commitment_id = ? AND leaf_index = ?")
      .run(state, trueOutputHash, commitmentId.toLowerCase(), leafIndex);
  }

  /** Marks a commitment checked with how many of its leaves the endpoint withheld. */
  markChecked(id: Hex, withheld: number): void {
    this.db.prepare("UPDATE commitments SET state = 'checked', withheld = ? WHERE id = ?").run(withheld, id.toLowerCase());
  }

  /** Checked commitments whose every leaf was re-executed and found right, not yet settled, whose window closed. */
  settleable(nowSeconds: number, limit: number): CommitmentRow[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM commitments c WHERE c.state = 'checked' AND c.settled = 0 AND c.challenge_deadline < ?
             AND NOT EXISTS (SELECT 1 FROM leaves l WHERE l.commitment_id = c.id AND l.state <> 'ok')
           ORDER BY c.challenge_deadline LIMIT ?`,
        )
        .all(nowSeconds, limit) as Row[]
    ).map(toCommitment);
  }

  markSettled(id: Hex): void {
    this.db.prepare("UPDATE commitments SET settled = 1 WHERE id = ?").run(id.toLowerCase());
  }

  /** Commitments one of our accusations proved wrong (or withheld) whose reward is not yet known to be paid. */
  rewardCandidates(): CommitmentRow[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM commitments c WHERE c.reward_done = 0
             AND EXISTS (SELECT 1 FROM accusations a WHERE a.commitment_id = c.id AND a.state IN ('won', 'withheld'))`,
        )
        .all() as Row[]
    ).map(toCommitment);
  }

  markRewardDone(id: Hex): void {
    this.db.prepare("UPDATE commitments SET reward_done = 1 WHERE id = ?").run(id.toLowerCase());
  }

  // ── accusations ─────────────────────────────────────────────────────────────────────────────────────

  /** Records an accusation to make; false when this leaf was already accused this way (it never is twice). */
  addAccusation(a: { commitmentId: Hex; leafIndex: number; kind: AccusationKind; salt: Hex; claimedOutputHash?: Hex; input?: Hex }): boolean {
    const now = Date.now();
    const { changes } = this.db
      .prepare(
        `INSERT OR IGNORE INTO accusations (commitment_id, leaf_index, kind, salt, claimed_output_hash, input, state, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
      )
      .run(a.commitmentId.toLowerCase(), a.leafIndex, a.kind, a.salt, a.claimedOutputHash ?? null, a.input ?? null, now, now);
    return Number(changes) === 1;
  }

  accusations(kind: AccusationKind, state: AccusationState): AccusationRow[] {
    return (
      this.db.prepare("SELECT * FROM accusations WHERE kind = ? AND state = ? ORDER BY created_at, commitment_id, leaf_index").all(kind, state) as Row[]
    ).map(toAccusation);
  }

  /** Accusations not yet revealed, in the order they were decided. */
  pendingAccusations(): AccusationRow[] {
    return (this.db.prepare("SELECT * FROM accusations WHERE state = 'pending' ORDER BY created_at, commitment_id, leaf_index").all() as Row[]).map(
      toAccusation,
    );
  }

  accusationsOf(commitmentId: Hex): AccusationRow[] {
    return (this.db.prepare("SELECT * FROM accusations WHERE commitment_id = ?").all(commitmentId.toLowerCase()) as Row[]).map(toAccusation);
  }

  updateAccusation(
    key: { commitmentId: Hex; leafIndex: number; kind: AccusationKind },
    fields: Partial<Pick<AccusationRow, "state" | "accusationId" | "resolver" | "deadline" | "block" | "reason">>,
  ): void {
    const columns: Record<string, string> = {
      state: "state",
      accusationId: "accusation_id",
      resolver: "resolver",
      deadline: "deadline",
      block: "block",
      reason: "reason",
    };
    const sets: string[] = [];
    const values: (string | number | bigint | null)[] = [];
    for (const [name, value] of Object.entries(fields)) {
      sets.push(`${columns[name]} = ?`);
      if (value === undefined || value === null) values.push(null);
      else if (name === "accusationId") values.push(BigInt(value as bigint).toString());
      else values.push(value as string | number | bigint);
    }
    sets.push("updated_at = ?");
    values.push(Date.now());
    this.db
      .prepare(`UPDATE accusations SET ${sets.join(", ")} WHERE commitment_id = ? AND leaf_index = ? AND kind = ?`)
      .run(...values, key.commitmentId.toLowerCase(), key.leafIndex, key.kind);
  }

  // ── stats ───────────────────────────────────────────────────────────────────────────────────────────

  stats(): ChallengerStats {
    const one = (sql: string, ...args: string[]) => Number((this.db.prepare(sql).get(...args) as Row).n);
    const withholdingOperators: Record<Address, number> = {};
    for (const r of this.db
      .prepare("SELECT operator, COUNT(*) AS n FROM commitments WHERE withheld > 0 GROUP BY operator ORDER BY operator")
      .all() as Row[]) {
      withholdingOperators[getAddress(r.operator as string)] = Number(r.n);
    }
    return {
      commitmentsChecked: one("SELECT COUNT(*) AS n FROM commitments WHERE state = 'checked'"),
      inferencesChecked: one("SELECT COUNT(*) AS n FROM leaves WHERE state IN ('ok', 'wrong')"),
      wrongFound: one("SELECT COUNT(*) AS n FROM leaves WHERE state = 'wrong'"),
      disputesOpened: one("SELECT COUNT(*) AS n FROM accusations WHERE kind = 'challenge' AND accusation_id IS NOT NULL"),
      disputesWon: one("SELECT COUNT(*) AS n FROM accusations WHERE kind = 'challenge' AND state = 'won'"),
      disputesLost: one("SELECT COUNT(*) AS n FROM accusations WHERE kind = 'challenge' AND state = 'lost'"),
      dataDemands: one("SELECT COUNT(*) AS n FROM accusations WHERE kind = 'demand' AND accusation_id IS NOT NULL"),
      withholdingOperators,
    };
  }

  /** Counts for /metrics beyond the stats. */
  gauges(): { commitmentsPending: number; openGames: number; openDemands: number; disputesNoFault: number; demandsWithheld: number; demandsAnswered: number } {
    const one = (sql: string) => Number((this.db.prepare(sql).get() as Row).n);
    return {
      commitmentsPending: one("SELECT COUNT(*) AS n FROM commitments WHERE state = 'new'"),
      openGames: one("SELECT COUNT(*) AS n FROM accusations WHERE kind = 'challenge' AND state = 'open'"),
      openDemands: one("SELECT COUNT(*) AS n FROM accusations WHERE kind = 'demand' AND state = 'open'"),
      disputesNoFault: one("SELECT COUNT(*) AS n FROM accusations WHERE kind = 'challenge' AND state = 'nofault'"),
      demandsWithheld: one("SELECT COUNT(*) AS n FROM accusations WHERE kind = 'demand' AND state = 'withheld'"),
      demandsAnswered: one("SELECT COUNT(*) AS n FROM accusations WHERE kind = 'demand' AND state = 'answered'"),
    };
  }
}
