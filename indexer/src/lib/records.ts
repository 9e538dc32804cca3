// Rows every handler file touches: the protocol totals and an account's record, created on first sight.
import type { Context } from "ponder:registry";
import { operator, protocol } from "ponder:schema";
import { sql } from "ponder";
import type { Hex } from "viem";

type Db = Context["db"];
type ProtocolRow = typeof protocol.$inferSelect;
type OperatorRow = typeof operator.$inferSelect;

export const PROTOCOL_ID = "vinfer";

const emptyProtocol = {
  id: PROTOCOL_ID,
  models: 0,
  commitments: 0,
  inferencesCommitted: 0,
  inferencesSettled: 0,
  inferencesFraudulent: 0,
  inferencesVoided: 0,
  bondsSlashed: 0n,
  disputes: 0,
  disputesOpen: 0,
  dataDemandsOpen: 0,
  lastBlock: 0n,
} satisfies ProtocolRow;

/** Applies `change` to the protocol totals (created on the first event) and records the block. */
export async function updateProtocol(db: Db, block: bigint, change: (row: ProtocolRow) => Partial<ProtocolRow>) {
  const row = (await db.find(protocol, { id: PROTOCOL_ID })) ?? (await db.insert(protocol).values(emptyProtocol));
  await db.update(protocol, { id: PROTOCOL_ID }).set({ ...change(row), lastBlock: block });
}

const emptyOperator = (id: Hex) =>
  ({
    id,
    freeStake: 0n,
    lockedStake: 0n,
    bondReserve: 0n,
    pendingWithdrawal: 0n,
    withdrawalReadyAt: 0n,
    credit: 0n,
    totalSlashed: 0n,
    commitmentCount: 0,
    inferenceCount: 0,
    disputesWon: 0,
    disputesLost: 0,
    dataUri: null,
  }) satisfies OperatorRow;

/** Applies `change` to `account`'s record, creating it on first sight. */
export async function updateOperator(db: Db, account: Hex, change: (row: OperatorRow) => Partial<OperatorRow>) {
  const id = account.toLowerCase() as Hex;
  const row = (await db.find(operator, { id })) ?? (await db.insert(operator).values(emptyOperator(id)));
  await db.update(operator, { id }).set(change(row));
}

/** The GraphQL name (UPPER_SNAKE) of a Solidity enum value, from @vinfer/abis' member names (index 0 is `None`). */
export function enumName(names: readonly string[], value: number | bigint): string {
  const name = names[Number(value)];
  if (name === undefined || Number(value) === 0) throw new Error(`unexpected enum value ${value} of ${names.join("|")}`);
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

/** Which of the protocol's resolvers `address` is, by the addresses the indexer was configured with. */
export function resolverKindOf(contracts: Context["contracts"], address: Hex) {
  const a = address.toLowerCase();
  if (a === contracts.BisectionResolver.address.toLowerCase()) return "BISECTION" as const;
  if (a === contracts.CommitteeResolver.address.toLowerCase()) return "COMMITTEE" as const;
  return "OTHER" as const;
}

let live = false;
let lastAsked = -Infinity;

/**
 * Whether Ponder has finished the backfill and indexes block by block. How to write many rows cheaply depends
 * on it: during the backfill Ponder's store holds every row in memory and a raw SQL write would make it flush
 * and drop that whole cache; once live, the store holds only rows it prefetched for the block, so each
 * row-by-row access is a database read, and one set-based statement is the cheap way.
 */
export async function indexingLive(db: Db): Promise<boolean> {
  // Once live, always live. Before that, ask at most once a second: Ponder parses every raw query, which
  // would cost the backfill more than it saves, and a late answer only means one more second on the
  // (correct, slower) row-by-row path.
  if (live || performance.now() - lastAsked < 1_000) return live;
  lastAsked = performance.now();
  // Ponder's own metadata lives beside the app's tables, in the schema they carry (none with PGlite).
  const schema = (protocol as unknown as Record<symbol, string | undefined>)[Symbol.for("drizzle:Schema")];
  const meta = schema === undefined ? sql.raw(`"_ponder_meta"`) : sql.raw(`"${schema.replaceAll('"', '""')}"."_ponder_meta"`);
  const result = await db.sql.execute(sql`select (value ->> 'is_ready')::int as ready from ${meta} where key = 'app'`);
  const rows = ((result as { rows?: unknown[] }).rows ?? (result as unknown as unknown[])) as { ready: number | null }[];
  live = rows[0]?.ready === 1;
  return live;
}
