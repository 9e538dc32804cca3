// @vinfer/challenger: the watchtower. It follows the ledger's commitments, fetches their data from each
// operator's endpoint, re-executes them, disputes every wrong inference and plays the bisection game to the end,
// demands withheld inputs on chain, collects its rewards, and resumes all of it after a restart.
import { startChallenger } from "./daemon.ts";
import { jsonLines } from "./log.ts";
import type { ChallengerConfig } from "./types.ts";

export type { ChallengerConfig, ChallengerDaemon, ChallengerStats } from "./types.ts";
export { startChallenger } from "./daemon.ts";

/** Starts the daemon, logs {event: "started"}, and stops it cleanly on SIGINT or SIGTERM. */
export async function runChallenger(config: ChallengerConfig): Promise<void> {
  const log = config.log ?? jsonLines;
  const daemon = await startChallenger(config);
  log({ event: "started", address: daemon.address, url: daemon.url });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const on = (name: NodeJS.Signals) => {
      process.off("SIGINT", on);
      process.off("SIGTERM", on);
      resolve(name);
    };
    process.on("SIGINT", on);
    process.on("SIGTERM", on);
  });
  log({ event: "stopping", signal });
  await daemon.stop();
}
