// Child processes the demo, the tests and the benchmarks start: each leads its own process group (so a
// terminal's Ctrl-C does not reach it before we handle it, and stopping it stops everything it spawned),
// is awaited until it answers, and is stopped by the pid it was started with, never by name.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** A port nothing listens on right now: the kernel's pick for port 0 on 127.0.0.1. */
export async function freeLoopbackPort(): Promise<number> {
  // A port handed out may stay unbound for a while (the demo registers the model's URI before its operator
  // listens), so this process never hands out the same port twice.
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}
const handedOut = new Set<number>();

/** Whether any process of the group led by `pid` is alive. */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export type Child = {
  name: string;
  pid: number;
  /** The exit code or signal when it exited without being asked to. */
  exited(): string | undefined;
  /** The last lines of its output, for error messages. */
  log(): string;
  /** SIGKILL the whole group at once (a crash, or a path that cannot wait); resolves when none is left. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once no process of the group is left. */
  stop(graceMs?: number): Promise<void>;
};

export type StartGroupOptions = {
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Resolves true once the process is ready (polled every `pollMs` until `timeoutMs`). */
  ready: () => Promise<boolean>;
  timeoutMs?: number;
  pollMs?: number;
  /** Lines of output kept for `log()`. */
  keepLines?: number;
  /** Every line of output, as it comes. */
  onLine?: (line: string) => void;
};

/** Starts `command` as the leader of a new process group and resolves once `ready()` holds. */
export async function startGroup(options: StartGroupOptions): Promise<Child> {
  const { name, command, args, cwd, env = process.env, ready, timeoutMs = 60_000, pollMs = 100, keepLines = 40, onLine } = options;
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const pid = child.pid;
  if (pid === undefined) {
    const error = await new Promise<Error>((resolve) => child.once("error", resolve));
    throw new Error(`could not start ${name}: ${error.message}`);
  }
  const tail: string[] = [];
  let partial = "";
  const keep = (chunk: Buffer) => {
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (line.trim() === "") continue;
      tail.push(line.trim());
      onLine?.(line);
    }
    tail.splice(0, Math.max(0, tail.length - keepLines));
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let stopping = false;
  let exit: string | undefined;
  child.once("exit", (code, signal) => (exit = signal ?? `code ${code}`));

  const signalGroup = async (signal: NodeJS.Signals, graceMs: number) => {
    try {
      process.kill(-pid, signal);
    } catch {
      return; // already gone
    }
    const deadline = Date.now() + graceMs;
    while (groupAlive(pid) && Date.now() < deadline) await sleep(50);
    if (groupAlive(pid)) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
      while (groupAlive(pid)) await sleep(50);
    }
  };
  const handle: Child = {
    name,
    pid,
    exited: () => (stopping ? undefined : exit),
    log: () => tail.join("\n"),
    kill: () => {
      stopping = true;
      return signalGroup("SIGKILL", 5_000);
    },
    stop: (graceMs = 10_000) => {
      stopping = true;
      return signalGroup("SIGTERM", graceMs);
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exit !== undefined) {
      await handle.stop();
      throw new Error(`${name} exited (${exit}) before it was ready:\n${handle.log()}`);
    }
    if (await ready().catch(() => false)) return handle;
    await sleep(pollMs);
  }
  await handle.stop();
  throw new Error(`${name} was not ready within ${timeoutMs / 1000} s:\n${handle.log()}`);
}

/** SIGKILLs a group at once, for `process.on("exit")` handlers that cannot wait. */
export function killGroupNow(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}
