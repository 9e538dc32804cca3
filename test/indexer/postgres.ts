// A real PostgreSQL server for the indexer's tests and benchmark: a fresh cluster in a temporary directory,
// listening on a free loopback port only, stopped (and deleted) by the test that started it. The binaries come
// from Debian's `postgresql` package (scripts/toolchain.sh installs it for the tests when it is missing).
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeLoopbackPort } from "../../scripts/demo/devchain.ts";

export type Postgres = {
  /** `postgresql://vinfer@127.0.0.1:<port>/postgres` */
  url: string;
  /** Stops the server (fast shutdown) and deletes its cluster. */
  stop(): Promise<void>;
};

/** The directory of PostgreSQL's server binaries (`initdb`, `pg_ctl`), the newest installed major version. */
export function postgresBinDir(): string {
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, "bin", "initdb"))) : [];
  if (versions.length === 0) {
    throw new Error("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install -y postgresql");
  }
  versions.sort((a, b) => Number(b) - Number(a));
  return join(base, versions[0], "bin");
}

/** Starts a fresh PostgreSQL cluster on a free loopback port, trusting local connections as role `vinfer`. */
export async function startPostgres(): Promise<Postgres> {
  const bin = postgresBinDir();
  const port = await freeLoopbackPort();
  const dir = mkdtempSync(join(tmpdir(), "vinfer-postgres-"));
  const data = join(dir, "data");
  // initdb refuses to run as root: as root the cluster belongs to Debian's `postgres` account.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync("chown", ["postgres", dir]);
  chmodSync(dir, 0o700);
  const run = (command: string, args: string[]) => {
    const line = [join(bin, command), ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
    try {
      if (asRoot) execFileSync("su", ["postgres", "-s", "/bin/sh", "-c", line], { stdio: "pipe" });
      else execFileSync("/bin/sh", ["-c", line], { stdio: "pipe" });
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: Buffer; stdout?: Buffer };
      throw new Error(`${command} failed: ${stderr?.toString() ?? ""}${stdout?.toString() ?? ""}`);
    }
  };
  const stop = async () => {
    try {
      run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    run("initdb", ["-D", data, "-U", "vinfer", "--auth=trust", "--no-sync"]);
    run("pg_ctl", ["-D", data, "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`, "-l", join(dir, "log"), "-w", "start"]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { url: `postgresql://vinfer@127.0.0.1:${port}/postgres`, stop };
}
