/**
 * `pnpm demo [--keep]`: the protocol as its users run it, every part a real process (scripts/demo/live.ts): a
 * local chain, the deployment, the MNIST model, the indexer, an honest and a cheating operator daemon, a
 * challenger daemon and a client sending MNIST digits over HTTP. Ends when the cheater is caught and slashed and
 * the honest batches have settled; `--keep` then leaves everything up until Ctrl-C. Every process it started is
 * stopped by its pid, on success, failure or interruption.
 *
 * Exits 0 only with that outcome; otherwise prints one line. Needs compiled contracts (`pnpm build`).
 */
import { existsSync, writeFileSync } from "node:fs";
import { VinferError } from "@vinfer/sdk";
import { killGroupNow } from "./demo/processes.ts";
import { runLiveDemo, type Stoppable } from "./demo/live.ts";

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== "--keep");
if (unknown.length > 0) {
  console.error(`demo: unknown option ${unknown[0]} (usage: pnpm demo [--keep])`);
  process.exit(2);
}
const keep = args.includes("--keep");
const started = performance.now();
const children: Stoppable[] = [];

let stop: () => void = () => {};
const stopped = new Promise<void>((resolve) => (stop = resolve));
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    const code = signal === "SIGINT" ? 130 : 143;
    if (keep && !interrupted && children.length > 0) {
      // --keep: the outcome is in; Ctrl-C is how the user says they are done.
      interrupted = true;
      stop();
      return;
    }
    if (interrupted) {
      for (const child of children) killGroupNow(child.pid);
      process.exit(code);
    }
    interrupted = true;
    console.error(`\ndemo interrupted (${signal}): stopping what it started`);
    void Promise.allSettled(children.map((c) => c.stop())).finally(() => process.exit(code));
  });
}
// Whatever else ends the process, nothing it started outlives it.
process.on("exit", () => {
  for (const child of children) killGroupNow(child.pid);
});

if (!existsSync(new URL("../artifacts/contracts/InferenceLedger.sol/InferenceLedger.json", import.meta.url))) {
  console.error("demo failed: no compiled contracts: run `pnpm build` first");
  process.exit(1);
}
console.log("vinfer demo: verifiable MNIST inference served over HTTP, a cheating operator and a challenger daemon, on a local chain\n");
try {
  const outcome = await runLiveDemo({ log: (line = "") => console.log(line), keep, untilStopped: stopped, children });
  // For the demo's test: the outcome as data.
  if (process.env.VINFER_DEMO_OUTCOME) writeFileSync(process.env.VINFER_DEMO_OUTCOME, JSON.stringify(outcome, null, 2));
} catch (error) {
  const line = error instanceof VinferError ? error.shortMessage : error instanceof Error ? error.message : String(error);
  console.error(`demo failed: ${line}`);
  if (process.env.VINFER_DEBUG) console.error(error);
  process.exit(1);
}
console.log(`\ndemo passed: the cheater was caught and slashed, the honest batches settled (${((performance.now() - started) / 1000).toFixed(1)} s)`);
process.exit(0);
