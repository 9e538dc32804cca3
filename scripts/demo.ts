/**
 * `pnpm demo`: the protocol end to end on a real local chain. Starts `pnpm hardhat node` on a free
 * loopback port, runs scripts/demo/scenario.ts against it (Ignition deployment, an honest and a cheating
 * operator, a challenger that catches the cheater through the bisection game, settlement, reward) and
 * stops the node by the process id it started, on success, failure or interruption.
 *
 * Exits 0 only when the cheater was caught and the honest batch settled; otherwise prints one line.
 * Needs compiled contracts (`pnpm build`).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { freeLoopbackPort, startDevChain } from "./demo/devchain.ts";
import type { DevChain } from "./demo/devchain.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
let chain: DevChain | undefined;

type ViemError = {
  shortMessage?: string;
  message?: string;
  walk?: (match: (e: unknown) => boolean) => unknown;
  data?: { errorName?: string; args?: readonly unknown[] };
};

/** The first line of an error, with the contract's custom error when a transaction reverted. */
function oneLine(error: unknown): string {
  const e = error as ViemError | undefined;
  const text = String(e?.shortMessage ?? e?.message ?? error);
  const line = text.split("\n").find((l) => l.trim() !== "")?.trim() ?? "unknown error";
  const reverted = e?.walk?.((inner) => (inner as { name?: string }).name === "ContractFunctionRevertedError") as ViemError | undefined;
  const data = reverted?.data;
  return data?.errorName === undefined ? line : `${line} ${data.errorName}(${(data.args ?? []).map(String).join(", ")})`;
}

// Ctrl-C and kills: stop the node we started before leaving; a second signal does not wait.
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    const code = signal === "SIGINT" ? 130 : 143;
    if (interrupted) {
      chain?.kill();
      process.exit(code);
    }
    interrupted = true;
    console.error(`\ndemo interrupted (${signal}): stopping the dev chain`);
    void (chain?.stop() ?? Promise.resolve()).finally(() => process.exit(code));
  });
}
// Whatever else ends the process, the node does not outlive it.
process.on("exit", () => chain?.kill());

async function main(): Promise<void> {
  if (!existsSync(new URL("artifacts/contracts/InferenceLedger.sol/InferenceLedger.json", new URL("../", import.meta.url)))) {
    throw new Error("no compiled contracts: run `pnpm build` first");
  }
  console.log("vinfer demo: verifiable MNIST inference, a cheating operator and a challenger, on a local chain\n");
  const port = await freeLoopbackPort();
  // hardhat.config.ts reads the devchain URL when Hardhat loads: set it before the scenario imports Hardhat,
  // which then loads while the node starts.
  process.env.VINFER_RPC_URL = `http://127.0.0.1:${port}`;
  const scenario = import("./demo/scenario.ts");
  scenario.catch(() => {}); // reported below, once awaited
  chain = await startDevChain(root, port);
  console.log(`dev chain   pnpm hardhat node on ${chain.url} (pid ${chain.pid}), answering after ${elapsed()}`);
  const { runScenario } = await scenario;
  await runScenario((line = "") => console.log(line));
}

let failure: string | undefined;
try {
  await main();
} catch (error) {
  const died = chain?.exited();
  failure = `${oneLine(error)}${died === undefined ? "" : ` (the dev chain exited: ${died})`}`;
}
if (chain !== undefined) {
  await chain.stop();
  console.log(`\ndev chain   stopped (pid ${chain.pid})`);
}
if (failure !== undefined) {
  console.error(`demo failed: ${failure}`);
  process.exit(1);
}
console.log(`demo passed: the cheater was caught and slashed, the honest batch settled (${elapsed()})`);
// Hardhat's HTTP connection keeps the event loop alive.
process.exit(0);
