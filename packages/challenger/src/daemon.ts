// The daemon: one loop that, every pollMs, follows new commitments, checks them, makes the accusations it
// decided, plays its games, follows its data demands and collects what it is owed. Steps run one after another
// (one transaction in flight at a time, so nonces never race); a step that fails is logged and tried again on
// the next pass. Everything it needs to resume lives in the store.
import { getAddress } from "viem";
import { Accuser } from "./accusations.ts";
import { connect, latestBlock } from "./chain.ts";
import { Checker } from "./checker.ts";
import { checkConfig, DEFAULT_HOST, DEFAULT_POLL_MS, defaultFromBlock } from "./config.ts";
import { Demands } from "./demands.ts";
import { Follower } from "./follower.ts";
import { Games } from "./games.ts";
import { errorText, jsonLines, revertName, type Logger } from "./log.ts";
import { serveMetrics, type Health } from "./metrics.ts";
import { loadModels, ModelBook } from "./models.ts";
import { Payouts } from "./payouts.ts";
import { Store } from "./store.ts";
import type { ChallengerConfig, ChallengerDaemon } from "./types.ts";

/** A repeated failure of the same step with the same message is logged at most this often. */
const REPEAT_LOG_MS = 30_000;

export async function startChallenger(config: ChallengerConfig): Promise<ChallengerDaemon> {
  checkConfig(config);
  const sink = config.log ?? jsonLines;
  const log: Logger = (record) => {
    try {
      sink(record);
    } catch {
      // a failing log sink must not stop the daemon
    }
  };
  const pollMs = config.pollMs ?? DEFAULT_POLL_MS;
  const files = loadModels(config.modelPaths);
  const chain = await connect(config.rpcUrl, config.privateKey, config.ledger, pollMs);
  const store = new Store(config.dataDir);

  let server: { url: string; close(): Promise<void> } | undefined;
  let startBlock: bigint;
  let follower: Follower, checker: Checker, accuser: Accuser, games: Games, demands: Demands, payouts: Payouts;
  let lastPass = Date.now();
  let chainBlock = 0n;
  try {
    store.bindIdentity({ chain_id: String(chain.chainId), ledger: chain.contracts.ledger, challenger: chain.address });
    startBlock = config.fromBlock ?? defaultFromBlock(chain.chainId, chain.contracts.ledger);
    const models = new ModelBook(files, chain, store, log);
    const services = { chain, store, models, log };
    follower = new Follower(services);
    checker = new Checker(services);
    accuser = new Accuser(services);
    games = new Games(services);
    demands = new Demands(services);
    payouts = new Payouts(services);
    games.onCredit = demands.onCredit = () => (payouts.creditPending = true);

    if (config.port !== undefined) {
      server = await serveMetrics(
        {
          stats: () => store.stats(),
          gauges: () => ({ ...store.gauges(), followedBlock: Number(store.followedBlock() ?? 0n), chainBlock: Number(chainBlock) }),
          health: (): Health => {
            const staleAfter = Math.max(30_000, 20 * pollMs);
            const healthy = Date.now() - lastPass < staleAfter;
            return {
              healthy,
              body: {
                status: healthy ? "ok" : "stalled",
                address: chain.address,
                chainId: chain.chainId,
                ledger: chain.contracts.ledger,
                followedBlock: store.followedBlock()?.toString() ?? null,
                chainBlock: chainBlock.toString(),
                lastPassAt: new Date(lastPass).toISOString(),
                ...store.gauges(),
              },
            };
          },
        },
        config.host ?? DEFAULT_HOST,
        config.port,
      );
    }
  } catch (error) {
    store.close();
    throw error;
  }

  const resumed = store.gauges();
  log({
    event: "ready",
    address: chain.address,
    chainId: chain.chainId,
    ledger: chain.contracts.ledger,
    models: [...files.values()].map((m) => m.weightsRoot),
    followedBlock: store.followedBlock() ?? null,
    fromBlock: startBlock,
    pollMs,
    url: server?.url,
    resumed: { openGames: resumed.openGames, openDemands: resumed.openDemands, pendingAccusations: store.pendingAccusations().length, uncheckedCommitments: resumed.commitmentsPending },
  });

  const failures = new Map<string, { message: string; at: number }>();
  async function step(name: string, run: () => Promise<unknown>): Promise<boolean> {
    try {
      await run();
      failures.delete(name);
      return true;
    } catch (error) {
      const message = errorText(error);
      const last = failures.get(name);
      if (last === undefined || last.message !== message || Date.now() - last.at > REPEAT_LOG_MS) {
        log({ event: "error", step: name, error: message, revert: revertName(error) });
        failures.set(name, { message, at: Date.now() });
      }
      return false;
    }
  }

  let stopping = false;
  let wake: (() => void) | undefined;
  async function pass(): Promise<void> {
    const latest = await latestBlock(chain);
    chainBlock = latest.number;
    const followed = await step("follow", () => follower.tick(latest.number, startBlock));
    if (stopping) return;
    await step("check", () => checker.tick());
    if (stopping) return;
    await step("accuse", () => accuser.tick());
    if (stopping) return;
    await step("games", () => games.tick());
    if (stopping) return;
    await step("demands", () => demands.tick());
    if (stopping) return;
    await step("payouts", () => payouts.tick());
    // Healthy means: the node answers and new commitments are being followed.
    if (followed) lastPass = Date.now();
  }
  const loop = (async () => {
    while (!stopping) {
      await step("chain", pass);
      if (stopping) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  })();

  let stopped: Promise<void> | undefined;
  let finalStats: ReturnType<Store["stats"]> | undefined;
  return {
    url: server?.url,
    address: getAddress(chain.address),
    stats: () => finalStats ?? store.stats(),
    stop() {
      stopped ??= (async () => {
        stopping = true;
        wake?.();
        await loop;
        await server?.close();
        finalStats = store.stats();
        store.close();
        log({ event: "stopped", address: chain.address });
      })();
      return stopped;
    },
  };
}
