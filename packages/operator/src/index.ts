// @vinfer/operator: the operator daemon. startOperator runs it in-process; runOperator is the process entry
// the `vinfer operator` command and src/main.ts call.
import { startOperator } from "./daemon.ts";
import type { OperatorConfig } from "./config.ts";
import { createLogger } from "./log.ts";

export type { OperatorConfig } from "./config.ts";
export type { OperatorDaemon } from "./daemon.ts";
export { startOperator } from "./daemon.ts";
export { ConfigError } from "./config.ts";
export { OperatorStartError } from "./daemon.ts";
export { StoreIdentityError } from "./store.ts";
export type { Answer, Receipt, QueuedReceipt, CommittedReceipt, ChainStatus } from "./receipts.ts";

/** Starts, logs {event:"listening", url}, and stops cleanly on SIGINT/SIGTERM (the process entry the CLI calls). */
export async function runOperator(config: OperatorConfig): Promise<void> {
  const daemon = await startOperator(config);
  const log = createLogger(config.log);
  log.info("listening", { url: daemon.url, address: daemon.address });
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      log.info("stopping", { signal });
      daemon.stop().then(resolve, (error: unknown) => {
        log.error("stop_failed", { error: error instanceof Error ? error.message : String(error) });
        resolve();
      });
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}
