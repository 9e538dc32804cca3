// startOperator wires the parts together: checks the model file against the registry, opens the store, catches
// up with the chain (reconciling batches a crash left committing), listens, publishes its data URI, and runs
// the chain loop: follow events → defend disputes → answer data demands → commit due batches → settle.
import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseModel, profileHash, type Int8Model } from "@vinfer/runtime";
import { setDataURI } from "@vinfer/sdk";
import type { Address } from "viem";
import { createAvailability } from "./availability.ts";
import { createBatcher } from "./batcher.ts";
import { connect } from "./chain.ts";
import { ConfigError, settingsOf, type OperatorConfig } from "./config.ts";
import type { Context } from "./context.ts";
import { createDefender } from "./defender.ts";
import { createFollower } from "./follower.ts";
import { createLogger, errorText, type Logger } from "./log.ts";
import { ProofCache } from "./receipts.ts";
import { createHttpServer } from "./server.ts";
import { createSettler } from "./settler.ts";
import { Store } from "./store.ts";

export type OperatorDaemon = { url: string; address: Address; stop(): Promise<void> };

/** The daemon cannot start: the message says why in one line. */
export class OperatorStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "OperatorStartError";
  }
}

function loadModel(path: string): { model: Int8Model; text: string } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new OperatorStartError(`cannot read the model file ${path}: ${(error as Error).message}`);
  }
  try {
    return { model: parseModel(text), text };
  } catch (error) {
    throw new OperatorStartError(`${path} is not a vinfer int8 model: ${(error as Error).message}`);
  }
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

export async function startOperator(config: OperatorConfig): Promise<OperatorDaemon> {
  const settings = settingsOf(config);
  const log = createLogger(settings.log);
  const { model, text: modelText } = loadModel(settings.modelPath);

  let chain: Awaited<ReturnType<typeof connect>>;
  try {
    chain = await connect(settings);
  } catch (error) {
    throw new OperatorStartError(`cannot reach the protocol through ${settings.rpcUrl}: ${errorText(error)}`, { cause: error });
  }
  const modelRecord = await chain.model(settings.modelId);
  if (modelRecord === undefined) throw new OperatorStartError(`model ${settings.modelId} is not registered with the ledger ${chain.contracts.ledger}`);
  if (modelRecord.weightsRoot.toLowerCase() !== model.weightsRoot.toLowerCase()) {
    throw new OperatorStartError(
      `${settings.modelPath} has weightsRoot ${model.weightsRoot}, but model ${settings.modelId} is registered with ${modelRecord.weightsRoot}`,
    );
  }
  if (modelRecord.traceLength !== model.traceLength) {
    throw new OperatorStartError(`${settings.modelPath} has ${model.traceLength} trace steps, the registry says ${modelRecord.traceLength}`);
  }
  if (modelRecord.deprecated) throw new OperatorStartError(`model ${settings.modelId} is deprecated: it takes no new commitments`);
  const maxBatchSize = await chain.maxBatchSize();
  if (BigInt(settings.batchSize) > maxBatchSize) throw new ConfigError(`batchSize ${settings.batchSize} is over the ledger's maxBatchSize ${maxBatchSize}`);
  const bisection = (await chain.resolverProfile(modelRecord.resolver)) === profileHash;

  const store = new Store(settings.dataDir);
  let server: Server | undefined;
  try {
    store.bind({ operator: chain.operator, modelId: settings.modelId, chainId: String(chain.chainId), ledger: chain.contracts.ledger });
    // A fresh store follows the chain from now: nothing before it can concern requests it has not accepted.
    if (store.meta("last_block") === undefined) store.setMeta("last_block", (await chain.head()).number.toString());

    const loop = createLoop(settings.pollMs, log);
    const ctx: Context = {
      settings,
      log,
      store,
      chain,
      model,
      modelText,
      modelId: settings.modelId,
      modelRecord,
      operator: chain.operator,
      bisection,
      state: { head: undefined, reserve: undefined, chainSeenAt: undefined },
      proofs: new ProofCache(store),
      requests: { accepted: 0, duplicate: 0, rejected: 0 },
      wake: () => loop.wake(),
      recordTransaction: (kind, result) => store.recordTransaction(result.hash, kind, result.receipt.gasUsed, result.receipt.blockNumber),
    };
    if (!bisection) log.warn("disputes_not_playable", { modelId: settings.modelId, resolver: modelRecord.resolver, reason: "the model's resolver is not a bisection resolver" });

    const follower = createFollower(ctx);
    const defender = createDefender(ctx);
    const availability = createAvailability(ctx);
    const batcher = createBatcher(ctx);
    const settler = createSettler(ctx);

    // Catch up before serving: the head, the bond reserve, events missed while down, and batches a crash left
    // committing (found on chain, or sent again).
    await follower.tick();
    await batcher.tick(() => true);

    server = createHttpServer(ctx);
    const address = await listen(server, settings.host, settings.port);
    const hostText = address.family === "IPv6" ? `[${address.address}]` : address.address;
    const url = `http://${hostText}:${address.port}`;
    const dataURI = `${settings.publicUrl ?? url}/v1/data`;
    if ((await chain.dataURI()) !== dataURI) {
      const result = await setDataURI(chain.walletClient, { contracts: chain.contracts, uri: dataURI });
      ctx.recordTransaction("setDataURI", result);
      log.info("data_uri_set", { uri: dataURI, txHash: result.hash });
    }

    loop.start(async (isRunning) => {
      try {
        await follower.tick();
      } catch (error) {
        loop.chainDown(error);
        return;
      }
      loop.chainUp();
      await defender.tick(isRunning);
      await availability.tick(isRunning);
      await batcher.tick(isRunning);
      await settler.tick();
    }, () => batcher.msUntilDue());

    log.info("started", {
      url,
      address: chain.operator,
      modelId: settings.modelId,
      chainId: chain.chainId,
      ledger: chain.contracts.ledger,
      dataURI,
      batchSize: settings.batchSize,
      batchAgeMs: settings.batchAgeMs,
      queued: store.unconfirmedCount(),
      bondReserve: ctx.state.reserve,
      cheatFraction: settings.cheatFraction > 0 ? settings.cheatFraction : undefined,
    });

    let stopping: Promise<void> | undefined;
    const running = server;
    return {
      url,
      address: chain.operator,
      stop: () =>
        (stopping ??= (async () => {
          await closeServer(running, 2_000);
          await loop.stop();
          store.close();
          log.info("stopped", { address: chain.operator });
        })()),
    };
  } catch (error) {
    if (server !== undefined) await closeServer(server, 0);
    store.close();
    throw error;
  }
}

/** The chain loop: one pass at a time, every pollMs, sooner when the queue is due for a commitment. */
function createLoop(pollMs: number, log: Logger) {
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  let active: Promise<void> | undefined;
  let rerunAt: number | undefined;
  let pass: ((isRunning: () => boolean) => Promise<void>) | undefined;
  let dueIn: () => number | undefined = () => undefined;
  let down = false;
  const isRunning = () => running;

  function scheduleAt(at: number): void {
    if (!running) return;
    if (active !== undefined) {
      rerunAt = Math.min(rerunAt ?? Infinity, at);
      return;
    }
    if (timer !== undefined && timerAt <= at) return;
    clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(run, Math.max(0, at - Date.now()));
  }

  const nextAt = () => Date.now() + Math.min(pollMs, dueIn() ?? pollMs);

  async function run(): Promise<void> {
    timer = undefined;
    timerAt = Infinity;
    if (!running || pass === undefined) return;
    active = pass(isRunning).catch((error) => log.error("loop_failed", { error: errorText(error) }));
    await active;
    active = undefined;
    const at = Math.min(nextAt(), rerunAt ?? Infinity);
    rerunAt = undefined;
    scheduleAt(at);
  }

  return {
    start(fn: (isRunning: () => boolean) => Promise<void>, due: () => number | undefined) {
      pass = fn;
      dueIn = due;
      running = true;
      scheduleAt(Date.now());
    },
    /** Re-evaluates when the next pass must run (a request was queued). */
    wake() {
      scheduleAt(nextAt());
    },
    chainDown(error: unknown) {
      if (!down) log.error("chain_unavailable", { error: errorText(error) });
      down = true;
    },
    chainUp() {
      if (down) log.info("chain_available", {});
      down = false;
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      timer = undefined;
      await active;
    },
  };
}
