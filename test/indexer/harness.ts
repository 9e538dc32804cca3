// Real processes for the indexer's tests and benchmark: a `hardhat node` on a free loopback port with the
// protocol deployed by Ignition at the addresses @vinfer/abis records, and `ponder start` / `ponder serve`
// as child processes on free ports, each in its own process group and stopped by the pid we started.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { network } from "hardhat";
import { deployments } from "@vinfer/abis";
import { getAddress } from "viem";
import { freeLoopbackPort, groupAlive, startDevChain } from "../../scripts/demo/devchain.ts";
import type { DevChain } from "../../scripts/demo/devchain.ts";
import VinferModule from "../../ignition/modules/Vinfer.ts";

export const root = fileURLToPath(new URL("../../", import.meta.url));
const indexerDir = join(root, "indexer");
const ponderBin = join(indexerDir, "node_modules", ".bin", "ponder");

/** A fresh dev chain, and Hardhat's viem, Ignition and network helpers connected to it. */
export async function startChain() {
  const chain = await startDevChain(root, await freeLoopbackPort());
  try {
    const connection = await network.create({ network: "devchain", override: { url: chain.url } });
    return { chain, connection };
  } catch (error) {
    await chain.stop();
    throw error;
  }
}

/** The protocol's contracts at the addresses @vinfer/abis records for the local chain. */
export async function protocolAt(connection: Awaited<ReturnType<typeof startChain>>["connection"]) {
  const at = (name: string) => deployments["31337"][name].address;
  const { viem } = connection;
  return {
    token: await viem.getContractAt("TestToken", at("TestToken")),
    registry: await viem.getContractAt("ModelRegistry", at("ModelRegistry")),
    stakeManager: await viem.getContractAt("StakeManager", at("StakeManager")),
    ledger: await viem.getContractAt("InferenceLedger", at("InferenceLedger")),
    bisectionResolver: await viem.getContractAt("BisectionResolver", at("BisectionResolver")),
    committeeResolver: await viem.getContractAt("CommitteeResolver", at("CommitteeResolver")),
  };
}

/** A dev chain with the protocol deployed by Ignition, at the addresses @vinfer/abis records. */
export async function startDeployedChain() {
  const { chain, connection } = await startChain();
  try {
    const deploymentId = `indexer-test-${process.pid}-${chain.pid}`;
    const journal = join(root, "ignition", "deployments", deploymentId);
    rmSync(journal, { recursive: true, force: true });
    const deployed = await connection.ignition.deploy(VinferModule, { deploymentId, displayUi: false });
    rmSync(journal, { recursive: true, force: true });
    // The indexer follows the addresses @vinfer/abis ships for the local chain: this deployment must be that one.
    const expected = deployments["31337"];
    for (const [name, contract] of Object.entries(deployed)) {
      const address = (contract as { address: string }).address;
      if (expected[name] !== undefined && getAddress(expected[name].address) !== getAddress(address)) {
        throw new Error(`${name} deployed at ${address}, but @vinfer/abis records ${expected[name].address} for chain 31337`);
      }
    }
    return { chain, connection, ...(await protocolAt(connection)) };
  } catch (error) {
    await chain.stop();
    throw error;
  }
}

export type DeployedChain = Awaited<ReturnType<typeof startDeployedChain>>;

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
  const child = spawn(ponderBin, args, { cwd: indexerDir, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not start ponder");
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") tail.push(line.trim());
    tail.splice(0, Math.max(0, tail.length - 40));
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let exit: string | undefined;
  child.once("exit", (code, signal) => (exit = signal ?? `code ${code}`));

  const signalGroup = async (signal: NodeJS.Signals, graceMs: number) => {
    try {
      process.kill(-pid, signal);
    } catch {
      return;
    }
    const deadline = Date.now() + graceMs;
    while (groupAlive(pid) && Date.now() < deadline) await sleep(50);
    if (groupAlive(pid)) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // gone
      }
      while (groupAlive(pid)) await sleep(50);
    }
  };
  const indexer: Indexer = {
    url: `http://127.0.0.1:${port}`,
    pid,
    schema,
    pgliteDir,
    startup: { listeningMs: 0, readyMs: 0, caughtUpMs: 0 },
    log: () => tail.join("\n"),
    kill: () => signalGroup("SIGKILL", 5_000),
    stop: (graceMs = 10_000) => signalGroup("SIGTERM", graceMs),
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exit !== undefined) {
      await indexer.stop();
      throw new Error(`ponder ${command} exited (${exit}) before it was ready:\n${indexer.log()}`);
    }
    try {
      const response = await fetch(`${indexer.url}/ready`, { signal: AbortSignal.timeout(2_000) });
      indexer.startup.listeningMs ||= performance.now() - spawnedAt;
      if (response.status === 200) {
        indexer.startup.readyMs ||= performance.now() - spawnedAt;
        if ((await indexedBlock(indexer)) >= tip) {
          indexer.startup.caughtUpMs = performance.now() - spawnedAt;
          return indexer;
        }
      }
    } catch {
      // not listening yet
    }
    await sleep(indexer.startup.listeningMs ? 20 : 200);
  }
  await indexer.stop();
  throw new Error(`ponder ${command} was not ready within ${timeoutMs / 1000} s:\n${indexer.log()}`);
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
export async function indexedBlock(indexer: Indexer): Promise<bigint> {
  const response = await fetch(`${indexer.url}/status`);
  const status = (await response.json()) as Record<string, { block: { number: number } }>;
  return BigInt(Object.values(status)[0]?.block.number ?? 0);
}

/** Waits until the indexer has indexed block `block`. */
export async function waitForBlock(indexer: Indexer, block: bigint, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await indexedBlock(indexer)) >= block) return;
    await sleep(100);
  }
  throw new Error(`the indexer did not reach block ${block} within ${timeoutMs / 1000} s (at ${await indexedBlock(indexer)}):\n${indexer.log()}`);
}

/** Posts a GraphQL query; returns the HTTP status and the parsed body. */
export async function graphql<T = unknown>(indexer: Indexer, query: string, variables: Record<string, unknown> = {}, path = "/graphql") {
  const response = await fetch(`${indexer.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: T; errors?: { message: string }[] } };
}

/** GETs a JSON route; returns the HTTP status and the parsed body. */
export async function getJson<T = unknown>(indexer: Indexer, path: string) {
  const response = await fetch(`${indexer.url}${path}`);
  return { status: response.status, body: (await response.json()) as T };
}

export type { DevChain };

/** A contract enum member's name as the indexer spells it: `FraudulentLeaf` → `FRAUDULENT_LEAF`. */
export const upperSnake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
