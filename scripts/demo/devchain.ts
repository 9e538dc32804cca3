// A Hardhat node as a child process: started on a free loopback port, awaited until it answers
// JSON-RPC, and stopped by the process id it was started with.
import { spawn } from "node:child_process";
import { groupAlive } from "./processes.ts";
import { setTimeout as sleep } from "node:timers/promises";

export type DevChain = {
  url: string;
  pid: number;
  /** The exit code or signal when the node exited without being asked to. */
  exited(): string | undefined;
  /** Stops the node (SIGTERM, then SIGKILL after `graceMs`) and resolves once none of its processes is left. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once, for paths that cannot wait (process exit). */
  kill(): void;
};

async function chainId(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(2_000),
    });
    const body = (await response.json()) as { result?: string };
    return body.result;
  } catch {
    return undefined;
  }
}

/**
 * Starts `pnpm hardhat node` in `root` on `port` and resolves once eth_chainId answers. The node leads
 * its own process group (pnpm, its shell shim and the node itself), so stopping signals the group we
 * started and nothing else; it also keeps the terminal's Ctrl-C from reaching it before we handle it.
 */
export async function startDevChain(root: string, port: number, timeoutMs = 60_000, { realTime = false }: { realTime?: boolean } = {}): Promise<DevChain> {
  const url = `http://127.0.0.1:${port}`;
  // A HARDHAT_NETWORK in the caller's environment would point the node at a network it cannot simulate;
  // stdin is ignored so that a node on a TTY cannot stop to ask questions.
  const { HARDHAT_NETWORK: _, ...env } = process.env;
  // realTime: the `realtime` network of hardhat.config.ts, whose blocks keep to the wall clock; otherwise each
  // block is at least a second after the previous one, so a burst of transactions runs block time ahead.
  const network = realTime ? ["--network", "realtime"] : [];
  const child = spawn("pnpm", ["hardhat", ...network, "node", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: root,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid;
  if (pid === undefined) {
    await new Promise((resolve) => child.once("error", resolve));
    throw new Error("could not start `pnpm hardhat node` (is pnpm on PATH?)");
  }

  // The node logs every request; keep only the tail, for error messages, and keep the pipes drained.
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") tail.push(line.trim());
    tail.splice(0, Math.max(0, tail.length - 20));
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);

  let stopping = false;
  let exit: string | undefined;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      exit = signal ?? `code ${code}`;
      resolve();
    }),
  );
  let stopped = false;

  const chain: DevChain = {
    url,
    pid,
    exited: () => (stopping ? undefined : exit),
    kill() {
      if (stopped) return;
      stopped = true;
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    },
    async stop(graceMs = 5_000) {
      if (stopped) return;
      stopping = true;
      try {
        process.kill(-pid, "SIGTERM");
      } catch {
        // already gone
      }
      const deadline = Date.now() + graceMs;
      while (groupAlive(pid) && Date.now() < deadline) await sleep(50);
      if (groupAlive(pid)) chain.kill();
      await Promise.race([exitedPromise, sleep(1_000)]);
      stopped = true;
    },
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exit !== undefined) {
      await chain.stop();
      throw new Error(`hardhat node exited (${exit}) before it was ready: ${tail.at(-1) ?? "no output"}`);
    }
    if ((await chainId(url)) !== undefined) return chain;
    await sleep(200);
  }
  await chain.stop();
  throw new Error(`hardhat node did not answer on ${url} within ${timeoutMs / 1000} s: ${tail.at(-1) ?? "no output"}`);
}

export { freeLoopbackPort, groupAlive } from "./processes.ts";
