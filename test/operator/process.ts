// The operator daemon as a child process (`node packages/operator/src/main.ts <config.json>`), in its own
// process group so that a SIGKILL reaches it whole and nothing else; stopped by the pid it was started with.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { OperatorConfig } from "@vinfer/operator";
import { groupAlive } from "../../scripts/demo/devchain.ts";
import { root } from "../indexer/harness.ts";

export type OperatorProcess = {
  pid: number;
  url: string;
  /** Every JSON log record it printed so far. */
  records: Record<string, unknown>[];
  output(): string;
  /** SIGKILL the process group: a crash. */
  kill(): Promise<void>;
  /** SIGTERM, waiting for a clean exit; resolves with the exit code. */
  stop(): Promise<number | null>;
};

/**
 * Writes `config` as operator.json beside the data directory (keep dataDir inside a directory of the test's own)
 * and starts the daemon on it; resolves once it logged `listening`.
 */
export async function spawnOperator(config: Omit<OperatorConfig, "log">, timeoutMs = 30_000): Promise<OperatorProcess> {
  const path = join(dirname(config.dataDir), "operator.json");
  writeFileSync(path, JSON.stringify(config));
  const child = spawn(process.execPath, [join(root, "packages/operator/src/main.ts"), path], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not start the operator process");
  const records: Record<string, unknown>[] = [];
  const text: string[] = [];
  let partial = "";
  child.stdout.on("data", (chunk: Buffer) => {
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      text.push(line);
      try {
        records.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log record
      }
    }
  });
  child.stderr.on("data", (chunk: Buffer) => text.push(chunk.toString("utf8").trim()));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve((exitCode = code))));

  const signal = async (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // gone already
    }
  };
  const proc: OperatorProcess = {
    pid,
    url: "",
    records,
    output: () => text.slice(-40).join("\n"),
    async kill() {
      await signal("SIGKILL");
      while (groupAlive(pid)) await sleep(20);
    },
    async stop() {
      await signal("SIGTERM");
      const code = await Promise.race([exited, sleep(10_000).then(() => "timeout" as const)]);
      if (code === "timeout") {
        await proc.kill();
        throw new Error(`the operator did not stop within 10 s of SIGTERM:\n${proc.output()}`);
      }
      return code;
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const listening = records.find((r) => r.event === "listening");
    if (listening !== undefined) {
      proc.url = listening.url as string;
      return proc;
    }
    if (exitCode !== undefined) throw new Error(`the operator exited (${exitCode}) before listening:\n${proc.output()}`);
    await sleep(50);
  }
  await proc.kill();
  throw new Error(`the operator did not listen within ${timeoutMs} ms:\n${proc.output()}`);
}
