// The indexer (`ponder start` / `ponder serve` of indexer/) as a child process on a free loopback port, for the
// demo, the tests and the benchmark: awaited until it serves and has indexed the chain's tip, stopped by its pid.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { freeLoopbackPort, startGroup } from "./processes.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const indexerDir = join(root, "indexer");
const ponderBin = join(indexerDir, "node_modules", ".bin", "ponder");

export type IndexerOptions = {
  rpcUrl: string;
  /** `start` indexes and serves; `serve` only answers from the database a `start` writes. */
  command?: "start" | "serve";
  /** PostgreSQL connection string; PGlite in a fresh temporary directory when absent. */
  databaseUrl?: string;
  /** Database schema (a fresh one per test unless given). */
  schema?: string;
  /** PGlite directory, to restart on the same database. */
  pgliteDir?: string;
  /** Serve Ponder's unmodified GraphQL at /stock/graphql (benchmark). */
  stockGraphql?: boolean;
  /** How often the indexer polls the chain for new blocks (the tests' default: 100 ms). */
  pollingMs?: number;
};

export type Indexer = {
  url: string;
  pid: number;
  schema: string;
  pgliteDir?: string;
  /**
   * Milliseconds from spawn until the HTTP server first answered, until /ready answered 200 (the finalized
   * history is indexed), and until the chain's tip at spawn was indexed (the last blocks, within Ponder's
   * finality depth of 30 blocks on an unknown chain, are indexed one by one after /ready).
   */
  startup: { listeningMs: number; readyMs: number; caughtUpMs: number };
  /** Output tail, for failure messages. */
  log(): string;
  /** SIGKILL the whole process group at once (a crash). */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when no process of the group is left. */
  stop(graceMs?: number): Promise<void>;
};

let schemas = 0;

/**
 * Starts `ponder start|serve` for the indexer package and waits until /ready answers 200 and, for `start`,
 * until it has indexed the chain's tip as of the call.
 */
export async function startIndexer(options: IndexerOptions, timeoutMs = 120_000): Promise<Indexer> {
  const port = await freeLoopbackPort();
  const schema = options.schema ?? `test_${process.pid}_${++schemas}`;
  const pgliteDir = options.databaseUrl ? undefined : (options.pgliteDir ?? mkdtempSync(join(tmpdir(), "vinfer-pglite-")));
  const command = options.command ?? "start";
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PONDER_TELEMETRY_DISABLED: "true",
    VINFER_RPC_URL: options.rpcUrl,
    VINFER_CHAIN_ID: "31337",
    VINFER_POLLING_MS: String(options.pollingMs ?? 100),
    VINFER_STOCK_GRAPHQL: options.stockGraphql ? "1" : "0",
    NODE_ENV: "production",
  };
  delete env.DATABASE_URL;
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  if (pgliteDir) env.VINFER_PGLITE_DIR = pgliteDir;
  const args = [command, "--schema", schema, "--port", String(port), "--hostname", "127.0.0.1", "--log-format", "json"];
  const tip = command === "start" ? await chainTip(options.rpcUrl) : 0n;
  const spawnedAt = performance.now();
  const startup = { listeningMs: 0, readyMs: 0, caughtUpMs: 0 };
  const url = `http://127.0.0.1:${port}`;
  const child = await startGroup({
    name: `ponder ${command}`,
    command: ponderBin,
    args,
    cwd: indexerDir,
    env,
    timeoutMs,
    pollMs: 20,
    async ready() {
      const response = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2_000) });
      startup.listeningMs ||= performance.now() - spawnedAt;
      if (response.status !== 200) return false;
      startup.readyMs ||= performance.now() - spawnedAt;
      if ((await indexedBlock({ url })) < tip) return false;
      startup.caughtUpMs = performance.now() - spawnedAt;
      return true;
    },
  });
  return { url, pid: child.pid, schema, pgliteDir, startup, log: child.log, kill: child.kill, stop: child.stop };
}

async function chainTip(rpcUrl: string): Promise<bigint> {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
  });
  return BigInt(((await response.json()) as { result: string }).result);
}

/** The block the indexer has indexed up to, from its /status. */
export async function indexedBlock(indexer: Pick<Indexer, "url">): Promise<bigint> {
  const response = await fetch(`${indexer.url}/status`);
  const status = (await response.json()) as Record<string, { block: { number: number } }>;
  return BigInt(Object.values(status)[0]?.block.number ?? 0);
}

/** Waits until the indexer has indexed block `block`. */
export async function waitForBlock(indexer: Pick<Indexer, "url" | "log">, block: bigint, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await indexedBlock(indexer)) >= block) return;
    await sleep(100);
  }
  throw new Error(`the indexer did not reach block ${block} within ${timeoutMs / 1000} s (at ${await indexedBlock(indexer)}):\n${indexer.log()}`);
}

/** Posts a GraphQL query; returns the HTTP status and the parsed body. */
export async function graphql<T = unknown>(indexer: Pick<Indexer, "url">, query: string, variables: Record<string, unknown> = {}, path = "/graphql") {
  const response = await fetch(`${indexer.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: T; errors?: { message: string }[] } };
}

/** GETs a JSON route; returns the HTTP status and the parsed body. */
export async function getJson<T = unknown>(indexer: Pick<Indexer, "url">, path: string) {
  const response = await fetch(`${indexer.url}${path}`);
  return { status: response.status, body: (await response.json()) as T };
}

