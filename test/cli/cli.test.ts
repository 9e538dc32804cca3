// The `vinfer` command as a user runs it: a child process per invocation, its stdout, stderr and exit code
// checked exactly, against a real `hardhat node` with the protocol deployed, and against a small local HTTP
// server answering the indexer's routes with canned data (the real indexer is covered by the demo's test).
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deployments } from "@vinfer/abis";
import { infer, inferenceLeaf, parseModel, quantizeInput, vectorHash } from "@vinfer/runtime";
import { commit, deposit, fundBondReserve, getVinferContracts, registerModel, type VinferContracts } from "@vinfer/sdk";
import { getAddress, keccak256, parseEther, stringToBytes, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { toChallengerConfig, toOperatorConfig } from "../../packages/cli/src/commands/daemons.ts";
import { root, startDeployedChain, type DeployedChain } from "../indexer/harness.ts";

const MAIN = join(root, "packages", "cli", "src", "main.ts");
const MODEL_FILE = join(root, "models", "mnist-mlp.json");
// Hardhat's well-known development accounts 1, 2 and 4.
const KEY1 = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const KEY2 = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
const KEY4 = "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a";
// Account 5 (a committee arbiter of the local deployment) holds no stake token.
const KEY5 = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";
const ACCOUNT1 = privateKeyToAccount(KEY1).address;
const ACCOUNT2 = privateKeyToAccount(KEY2).address;

type Run = { code: number | null; stdout: string; stderr: string };
const outputs: string[] = [];

/** Runs `vinfer …` in `cwd` with exactly the environment `env` (plus PATH). */
function vinfer(args: string[], { env = {}, cwd = scratch }: { env?: Record<string, string>; cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("close", (code) => {
      outputs.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    });
  });
}

type Daemon = { pid: number; lines: Record<string, unknown>[]; stderr(): string; waitFor(event: string): Promise<void>; stop(): Promise<number | null> };

/** Starts `vinfer <daemon> …`; its stdout parsed as JSON lines. */
function daemon(args: string[]): Daemon {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: scratch, env: { PATH: process.env.PATH ?? "" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const lines: Record<string, unknown>[] = [];
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
    const complete = stdout.split("\n");
    stdout = complete.pop() ?? "";
    for (const line of complete) {
      outputs.push(line);
      try {
        lines.push(JSON.parse(line));
      } catch {
        lines.push({ notJson: line });
      }
    }
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    pid: child.pid!,
    lines,
    stderr: () => stderr,
    async waitFor(event) {
      const deadline = Date.now() + 60_000;
      while (!lines.some((line) => line.event === event)) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no "${event}" from vinfer ${args[0]}: ${stderr}${stdout}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      if (child.exitCode === null) process.kill(child.pid!, "SIGTERM");
      const code = await Promise.race([exited, new Promise<"late">((resolve) => setTimeout(() => resolve("late"), 15_000))]);
      if (code === "late") {
        process.kill(child.pid!, "SIGKILL");
        return exited;
      }
      outputs.push(stderr);
      return code;
    },
  };
}

/** A loopback port nothing listens on right now. */
function closedLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createTcpServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The lines of a record, without the "tx" line (its hash differs from run to run). */
const withoutTx = (text: string) => text.split("\n").filter((line) => !line.startsWith("tx "));

let scratch = "";
/** A loopback port nothing listens on, and its URL. */
let closedPort = 0;
let UNREACHABLE = "";
let chain: DeployedChain;
let rpc: string[] = [];
let key1File = "";
let key2File = "";
let key4File = "";

/** A fake indexer: canned answers for /graphql and /receipts/:id, and the GraphQL requests it received. */
type FakeIndexer = { url: string; graphql: unknown[]; receipts: Map<string, { status: number; body: unknown }>; answer: unknown; close(): Promise<void> };

async function fakeIndexer(): Promise<FakeIndexer> {
  const fake = { graphql: [] as unknown[], receipts: new Map<string, { status: number; body: unknown }>(), answer: {} as unknown };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      const send = (status: number, value: unknown) => {
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(value));
      };
      const url = new URL(request.url ?? "/", "http://localhost");
      if (request.method === "POST" && url.pathname === "/graphql") {
        fake.graphql.push(JSON.parse(body));
        return send(200, fake.answer);
      }
      const id = /^\/receipts\/(.+)$/.exec(url.pathname)?.[1];
      const canned = id === undefined ? undefined : fake.receipts.get(`${id}${url.search}`);
      if (canned !== undefined) return send(canned.status, canned.body);
      send(404, { error: `no inference with request id ${id} is indexed` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

describe("vinfer CLI", function () {
  this.timeout(120_000);
  let indexer: FakeIndexer;
  let contracts: VinferContracts;
  let operatorModelId: Hex;

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), "vinfer-cli-"));
    key1File = join(scratch, "account1.key");
    key2File = join(scratch, "account2.key");
    writeFileSync(key1File, `${KEY1}\n`, { mode: 0o600 });
    writeFileSync(key2File, KEY2.slice(2), { mode: 0o600 });
    key4File = join(scratch, "account4.key");
    writeFileSync(key4File, KEY4, { mode: 0o600 });
    indexer = await fakeIndexer();
    closedPort = await closedLoopbackPort();
    UNREACHABLE = `http://127.0.0.1:${closedPort}`;
    chain = await startDeployedChain();
    rpc = ["--rpc-url", chain.chain.url];
    const { connection, token } = chain;
    const publicClient = await connection.viem.getPublicClient();
    const wallets = await connection.viem.getWalletClients();
    contracts = await getVinferContracts(publicClient);
    for (const wallet of [wallets[1], wallets[2], wallets[3], wallets[4]]) {
      await publicClient.waitForTransactionReceipt({ hash: await token.write.mint([wallet.account.address, parseEther("1000")]) });
    }
    // Account 3 is the operator whose commitments the receipt and check tests read.
    const operator = wallets[3];
    const model = parseModel(readFileSync(MODEL_FILE, "utf8"));
    ({ modelId: operatorModelId } = await registerModel(operator, {
      contracts,
      model,
      challengeWindow: 600,
      bondPerInference: parseEther("1"),
      challengerBond: parseEther("5"),
      uri: "models/mnist-mlp.json",
    }));
    // Accounts 3 and 4 are operators: 3 commits through the SDK, 4 runs the daemon.
    for (const wallet of [operator, wallets[4]]) {
      await deposit(wallet, { contracts, amount: parseEther("100") });
      await fundBondReserve(wallet, { contracts, amount: parseEther("50") });
    }
  });

  after(async () => {
    await indexer?.close();
    await chain?.chain.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  describe("the command line", () => {
    it("prints the root help: every command, the global options and examples", async () => {
      const run = await vinfer(["--help"]);
      expect([run.code, run.stderr]).to.deep.equal([0, ""]);
      expect(run.stdout).to.match(/^vinfer: verifiable AI inference from the command line\n\nUsage: vinfer <command> \[arguments\] \[options\]\n/);
      for (const command of ["model register <file>", "stake withdraw [amount]", "reserve release <amount>", "receipt verify [requestId]", "operator", "challenger", "check <requestId>", "inferences", "disputes"]) {
        expect(run.stdout).to.include(`\n  ${command} `);
      }
      for (const option of ["--rpc-url <url>", "--indexer-url <url>", "--ledger <address>", "--key-file <path>", "--config <file>", "-h, --help", "--json"]) {
        expect(run.stdout).to.include(`\n  ${option} `);
      }
      expect(run.stdout).to.include("Examples:\n  vinfer stake deposit 100 --key-file operator.key\n");
      // `vinfer` alone and `vinfer help` print the same page.
      expect((await vinfer([])).stdout).to.equal(run.stdout);
    });

    it("prints a subcommand's help: usage, arguments, options and an example", async () => {
      const run = await vinfer(["stake", "withdraw", "--help"]);
      expect([run.code, run.stderr]).to.deep.equal([0, ""]);
      const text = run.stdout;
      expect(text).to.match(/^vinfer stake withdraw: request, cancel or complete a withdrawal of free stake\n\nUsage: vinfer stake withdraw \[amount\] \[options\]\n/);
      expect(text).to.include("Arguments:\n  [amount]  tokens to withdraw (18 decimals)\n");
      expect(text).to.include("Options:\n  --cancel    return the pending withdrawal to free stake\n  --complete  pay out the pending withdrawal once it is ready\n  --json      print the result as JSON\n");
      expect(text).to.include("\nGlobal options:\n  --rpc-url <url>");
      expect(text).to.include("\nExamples:\n  vinfer stake withdraw 40\n");
      expect((await vinfer(["help", "stake", "withdraw"])).stdout).to.equal(text);
      const group = await vinfer(["reserve"]);
      expect([group.code, group.stderr]).to.deep.equal([0, ""]);
      expect(group.stdout).to.include("Usage: vinfer reserve <command> [arguments] [options]\n\nCommands:\n  reserve fund <amount>     lock free stake");
    });

    it("refuses an unknown command, option or argument in one line with exit code 2", async () => {
      const usage = (stderr: string) => ({ code: 2, stdout: "", stderr: `vinfer: ${stderr}\n` });
      const cases: [string[], string][] = [
        [["frobnicate"], 'unknown command "frobnicate" (see vinfer --help)'],
        [["stake", "frob"], 'unknown command "stake frob" (see vinfer stake --help)'],
        [["stake", "deposit", "1", "--frob"], 'unknown option "--frob" for vinfer stake deposit (see vinfer stake deposit --help)'],
        [["stake", "deposit", "1,5"], 'invalid amount "1,5": expected an amount of tokens such as 100 or 0.5 (up to 18 decimals)'],
        [["stake", "deposit"], "vinfer stake deposit needs <amount> (see vinfer stake deposit --help)"],
        [["stake", "status", "--rpc-url"], "option --rpc-url needs a value (see vinfer stake status --help)"],
        [["stake", "withdraw", "1", "--cancel"], "stake withdraw needs exactly one of <amount>, --cancel or --complete (see vinfer stake withdraw --help)"],
        [["operator", "--model", MODEL_FILE, "--data-dir", scratch], "operator needs --model-id (see vinfer operator --help)"],
      ];
      const runs = await Promise.all(cases.map(([args]) => vinfer(args)));
      expect(runs).to.deep.equal(cases.map(([, stderr]) => usage(stderr)));
    });

    it("says that a signing command has no key, in one line with exit code 1", async () => {
      const missing = join(scratch, "missing.key");
      const runs = await Promise.all([
        vinfer(["stake", "deposit", "1"]),
        vinfer(["reserve", "fund", "1", "--rpc-url", UNREACHABLE]),
        vinfer(["stake", "status"]),
        vinfer(["stake", "claim", "--key-file", missing]),
      ]);
      const failure = (stderr: string) => ({ code: 1, stdout: "", stderr: `vinfer: ${stderr}\n` });
      expect(runs).to.deep.equal([
        failure("no key: set VINFER_PRIVATE_KEY or pass --key-file"),
        failure("no key: set VINFER_PRIVATE_KEY or pass --key-file"),
        failure("no key: set VINFER_PRIVATE_KEY or pass --key-file, or name an address"),
        failure(`key file ${missing} (--key-file) not found`),
      ]);
    });

    it("reports an unreachable node in one line with exit code 1", async () => {
      const runs = await Promise.all([
        vinfer(["stake", "status", ACCOUNT1, "--rpc-url", UNREACHABLE]),
        vinfer(["stake", "status", ACCOUNT1, "--rpc-url", "http://127.0.0.1:1"]),
      ]);
      expect(runs).to.deep.equal([
        { code: 1, stdout: "", stderr: `vinfer: cannot reach the node at ${UNREACHABLE}: connect ECONNREFUSED 127.0.0.1:${closedPort}\n` },
        {
          code: 1,
          stdout: "",
          stderr: "vinfer: cannot reach the node at http://127.0.0.1:1: fetch refuses to connect to this port (a port the Fetch standard blocks)\n",
        },
      ]);
    });

    it("maps the daemons' flags to their configs", () => {
      const base = { rpcUrl: "http://127.0.0.1:8545", privateKey: KEY1 as Hex };
      const log = () => {};
      const modelId = keccak256(stringToBytes("model"));
      const operator = toOperatorConfig(
        base,
        {
          "model-id": modelId,
          model: "models/mnist-mlp.json",
          "data-dir": "/var/lib/vinfer",
          host: "0.0.0.0",
          port: "8080",
          "public-url": "https://op.example.org",
          "batch-size": "256",
          "batch-age-ms": "2000",
          "poll-ms": "250",
          "min-reserve-batches": "4",
          "cheat-fraction": "0.1",
        },
        log,
      );
      expect(operator).to.deep.equal({
        ...base,
        modelId,
        modelPath: join(process.cwd(), "models/mnist-mlp.json"),
        dataDir: "/var/lib/vinfer",
        host: "0.0.0.0",
        port: 8080,
        publicUrl: "https://op.example.org",
        batchSize: 256,
        batchAgeMs: 2000,
        pollMs: 250,
        minReserveBatches: 4,
        cheat: { fraction: 0.1 },
        log,
      });
      const challenger = toChallengerConfig(base, { model: ["/m/a.json", "/m/b.json"], "data-dir": "/d", "from-block": "12", port: "9090" }, log);
      expect(challenger).to.deep.equal({ ...base, modelPaths: ["/m/a.json", "/m/b.json"], dataDir: "/d", fromBlock: 12n, port: 9090, log });
      expect(() => toOperatorConfig(base, { "model-id": modelId, model: "m.json", "data-dir": "/d", port: "http" })).to.throw('invalid --port "http": expected a whole number from 0 to 65535');
    });
  });

  describe("on a chain", () => {
    it("starts the operator and the challenger from their flags, logs JSON lines, and stops them on SIGTERM", async () => {
      const operator = daemon(["operator", "--model-id", operatorModelId, "--model", MODEL_FILE, "--data-dir", join(scratch, "operator"), "--port", "0", ...rpc, "--key-file", key4File]);
      const challenger = daemon(["challenger", "--model", MODEL_FILE, "--data-dir", join(scratch, "challenger"), "--poll-ms", "100", ...rpc, "--key-file", key2File]);
      try {
        await Promise.all([operator.waitFor("listening"), challenger.waitFor("started")]);
      } finally {
        expect(await Promise.all([operator.stop(), challenger.stop()])).to.deep.equal([0, 0]);
      }
      expect([operator.stderr(), challenger.stderr()]).to.deep.equal(["", ""]);
      const listening = operator.lines.find((line) => line.event === "listening");
      expect(listening?.address).to.equal(privateKeyToAccount(KEY4).address);
      expect(challenger.lines.find((line) => line.event === "started")?.address).to.equal(ACCOUNT2);
      for (const line of [...operator.lines, ...challenger.lines]) expect(Object.keys(line)[0]).to.equal("time");
      expect(operator.lines.at(-1)?.event).to.equal("stopped");
    });

    it("names the custom error of a revert in one line with exit code 1", async () => {
      const key5File = join(scratch, "account5.key");
      writeFileSync(key5File, KEY5, { mode: 0o600 });
      const [release, deposit] = await Promise.all([
        vinfer(["reserve", "release", "1000", ...rpc, "--key-file", key1File]),
        vinfer(["stake", "deposit", "2.5", ...rpc, "--key-file", key5File]),
      ]);
      expect(release).to.deep.equal({
        code: 1,
        stdout: "",
        stderr: `vinfer: reserve release reverted: LedgerInsufficientBondReserve(${ACCOUNT1}, 0, 1000000000000000000000)\n`,
      });
      // The token's own error, raised inside the stake manager's transfer.
      expect(deposit).to.deep.equal({
        code: 1,
        stdout: "",
        stderr: `vinfer: stake deposit reverted: ERC20InsufficientBalance(${privateKeyToAccount(KEY5).address}, 0, 2500000000000000000)\n`,
      });
      // Found before anything was sent: no approval was paid for in vain.
      const publicClient = await chain.connection.viem.getPublicClient();
      expect(await publicClient.getTransactionCount({ address: privateKeyToAccount(KEY5).address })).to.equal(0);
    });

    it("registers a model from its file and shows it", async () => {
      const registered = await vinfer(
        ["model", "register", MODEL_FILE, "--challenge-window", "10m", "--bond", "1", "--challenger-bond", "5.5", "--uri", "ipfs://mnist", "--json", ...rpc, "--key-file", key1File],
      );
      expect([registered.code, registered.stderr]).to.deep.equal([0, ""]);
      const view = JSON.parse(registered.stdout);
      const model = parseModel(readFileSync(MODEL_FILE, "utf8"));
      expect(view.tx).to.match(/^0x[0-9a-f]{64}$/);
      const expected = {
        modelId: view.modelId,
        index: 2,
        owner: ACCOUNT1,
        weightsRoot: model.weightsRoot,
        profileHash: keccak256(stringToBytes("vinfer-int8-mlp/1")),
        traceLength: model.traceLength,
        resolver: getAddress(deployments["31337"].BisectionResolver.address),
        resolverKind: "bisection",
        challengeWindow: 600,
        bondPerInference: "1",
        challengerBond: "5.5",
        uri: "ipfs://mnist",
        deprecated: false,
      };
      expect(view).to.deep.equal({ ...expected, tx: view.tx });
      const shown = await vinfer(["model", "show", view.modelId, "--json", ...rpc]);
      expect([shown.code, shown.stderr]).to.deep.equal([0, ""]);
      expect(JSON.parse(shown.stdout)).to.deep.equal(expected);
      const text = await vinfer(["model", "show", view.modelId, ...rpc]);
      expect(text).to.deep.equal({
        code: 0,
        stderr: "",
        stdout: [
          `model             ${view.modelId}`,
          "index             2",
          `owner             ${ACCOUNT1}`,
          `weights root      ${model.weightsRoot}`,
          `profile           ${expected.profileHash} (vinfer-int8-mlp/1)`,
          `trace length      ${model.traceLength}`,
          `resolver          ${expected.resolver} (bisection)`,
          "challenge window  600 s",
          "bond              1 per inference",
          "challenger bond   5.5",
          "uri               ipfs://mnist",
          "deprecated        no",
          "",
        ].join("\n"),
      });
      const unknown = keccak256(stringToBytes("no such model"));
      expect(await vinfer(["model", "show", unknown, ...rpc])).to.deep.equal({ code: 1, stdout: "", stderr: `vinfer: model ${unknown} is not registered\n` });
    });

    it("deposits, shows, requests and cancels a withdrawal, with --json", async () => {
      const key = ["--key-file", key1File];
      const deposited = await vinfer(["stake", "deposit", "100", "--json", ...rpc, ...key]);
      expect([deposited.code, deposited.stderr]).to.deep.equal([0, ""]);
      const stake = (free: string, withdrawal = { amount: "0", readyAt: 0 }) => ({
        account: ACCOUNT1,
        free,
        locked: "0",
        bondReserve: "0",
        withdrawal,
        credit: "0",
      });
      const first = JSON.parse(deposited.stdout);
      expect(first).to.deep.equal({ action: "deposit", amount: "100", tx: first.tx, stake: stake("100") });

      const requested = JSON.parse((await vinfer(["stake", "withdraw", "40", "--json", ...rpc, ...key])).stdout);
      expect(requested.readyAt).to.be.greaterThan(Date.now() / 1000 + 10 * 24 * 3600);
      expect(requested).to.deep.equal({
        action: "request withdrawal",
        amount: "40",
        readyAt: requested.readyAt,
        tx: requested.tx,
        stake: stake("60", { amount: "40", readyAt: requested.readyAt }),
      });
      const status = await vinfer(["stake", "status", ACCOUNT1, "--json", ...rpc]);
      expect([status.code, status.stderr]).to.deep.equal([0, ""]);
      expect(JSON.parse(status.stdout)).to.deep.equal(stake("60", { amount: "40", readyAt: requested.readyAt }));

      const cancelled = JSON.parse((await vinfer(["stake", "withdraw", "--cancel", "--json", ...rpc, ...key])).stdout);
      expect(cancelled).to.deep.equal({ action: "cancel withdrawal", amount: "40", tx: cancelled.tx, stake: stake("100") });
      expect(await vinfer(["stake", "withdraw", "--complete", ...rpc, ...key])).to.deep.equal({
        code: 1,
        stdout: "",
        stderr: `vinfer: stake withdraw reverted: StakeNoWithdrawal(${ACCOUNT1})\n`,
      });
      // Without an address, the key's account (here from VINFER_PRIVATE_KEY); as text.
      expect(await vinfer(["stake", "status", ...rpc], { env: { VINFER_PRIVATE_KEY: KEY1 } })).to.deep.equal({
        code: 0,
        stderr: "",
        stdout: `account       ${ACCOUNT1}\nfree          100\nlocked        0\nbond reserve  0\nwithdrawing   0\nclaimable     0\n`,
      });
      expect(await vinfer(["stake", "claim", ...rpc, ...key])).to.deep.equal({
        code: 1,
        stdout: "",
        stderr: `vinfer: stake claim reverted: StakeNothingToClaim(${ACCOUNT1})\n`,
      });
    });

    it("funds and releases the bond reserve", async () => {
      const key = ["--key-file", key1File];
      const funded = await vinfer(["reserve", "fund", "50", ...rpc, ...key]);
      expect([funded.code, funded.stderr]).to.deep.equal([0, ""]);
      expect(withoutTx(funded.stdout)).to.deep.equal([
        "funded        50",
        `account       ${ACCOUNT1}`,
        "free          50",
        "locked        50",
        "bond reserve  50",
        "withdrawing   0",
        "claimable     0",
        "",
      ]);
      expect(funded.stdout).to.match(/\ntx            0x[0-9a-f]{64}\n$/);
      const released = JSON.parse((await vinfer(["reserve", "release", "20", "--json", ...rpc, ...key])).stdout);
      expect([released.action, released.amount, released.reserve, released.stake.free, released.stake.locked]).to.deep.equal(["release reserve", "20", "30", "70", "30"]);
    });

    it("verifies a receipt saved to a file, and refuses it with one byte changed", async () => {
      const wallets = await chain.connection.viem.getWalletClients();
      const tag = (s: string) => keccak256(stringToBytes(`cli-test/${s}`));
      const inference = { requestId: tag("request"), inputHash: tag("input"), outputHash: tag("output") };
      const { commitmentId } = await commit(wallets[3], { contracts, modelId: operatorModelId, inference });
      const receipt = { commitmentId, modelId: operatorModelId, operator: wallets[3].account.address, leafIndex: 0, inference, proof: [] };
      const file = join(scratch, "receipt.json");
      writeFileSync(file, JSON.stringify(receipt));
      expect(await vinfer(["receipt", "verify", "--file", file, ...rpc])).to.deep.equal({
        code: 0,
        stderr: "",
        stdout: [`request     ${inference.requestId}`, `commitment  ${commitmentId}`, "leaf        0", "included    yes", "status      PENDING", "final       no", ""].join("\n"),
      });
      const flipped = `${inference.outputHash.slice(0, -2)}${inference.outputHash.endsWith("00") ? "01" : "00"}` as Hex;
      const tampered = join(scratch, "tampered.json");
      writeFileSync(tampered, JSON.stringify({ ...receipt, inference: { ...inference, outputHash: flipped } }));
      expect(await vinfer(["receipt", "verify", "--file", tampered, ...rpc])).to.deep.equal({
        code: 1,
        stderr: "",
        stdout: [
          `request     ${inference.requestId}`,
          `commitment  ${commitmentId}`,
          "leaf        0",
          "included    no",
          "reason      the inference, proof, model and operator do not hash to the commitment id",
          "status      NONE",
          "final       no",
          "",
        ].join("\n"),
      });
      const json = JSON.parse((await vinfer(["receipt", "verify", "--file", tampered, "--json", ...rpc])).stdout);
      expect([json.included, json.status, json.final, json.leaf]).to.deep.equal([false, "NONE", false, inferenceLeaf(inference.requestId, inference.inputHash, flipped)]);
    });

    it("check: a matching output is reported, a wrong one is challenged and its dispute id printed", async () => {
      const wallets = await chain.connection.viem.getWalletClients();
      const operator = wallets[3].account.address;
      const model = parseModel(readFileSync(MODEL_FILE, "utf8"));
      const pixels = Array.from({ length: 784 }, (_, i) => ((i * 37) % 101) / 100);
      const input = quantizeInput(pixels);
      const inputFile = join(scratch, "pixels.json");
      writeFileSync(inputFile, JSON.stringify(pixels));
      const output = infer(model, input);
      const wrong = Int8Array.from(output, (v, i) => (i === 0 ? (v === 127 ? 126 : v + 1) : v));
      const receiptFor = async (label: string, outputHash: Hex) => {
        const inference = { requestId: keccak256(stringToBytes(`cli-check/${label}`)), inputHash: vectorHash(input), outputHash };
        const { commitmentId, challengeDeadline, receipt } = await commit(wallets[3], { contracts, modelId: operatorModelId, inference });
        const body = {
          chainId: 31337,
          ledger: contracts.ledger,
          requestId: inference.requestId,
          operator: operator.toLowerCase(),
          modelId: operatorModelId,
          commitmentId,
          leafIndex: 0,
          count: 1,
          inference,
          leaf: inferenceLeaf(inference.requestId, inference.inputHash, inference.outputHash),
          proof: [],
          root: inferenceLeaf(inference.requestId, inference.inputHash, inference.outputHash),
          status: "PENDING",
          commitmentStatus: "PENDING",
          challengeDeadline: challengeDeadline.toString(),
          committedBlock: receipt.blockNumber.toString(),
          committedTx: receipt.transactionHash,
          conflict: false,
        };
        indexer.receipts.set(inference.requestId, { status: 200, body });
        return body;
      };
      const honest = await receiptFor("honest", vectorHash(output));
      const cheated = await receiptFor("cheated", vectorHash(wrong));
      const common = ["--input", inputFile, "--pixels", "--model", MODEL_FILE, "--indexer-url", indexer.url, ...rpc];
      const lines = (r: typeof honest, computed: Hex, status: string) => [
        `request           ${r.requestId}`,
        `commitment        ${r.commitmentId}, leaf 0`,
        `input             ${vectorHash(input)} (the committed input)`,
        `model             ${operatorModelId} (weights root matches)`,
        `committed output  ${r.inference.outputHash}`,
        `computed output   ${computed}`,
        `status            ${status}`,
      ];

      expect(await vinfer(["check", honest.requestId, ...common])).to.deep.equal({
        code: 0,
        stderr: "",
        stdout: [...lines(honest, vectorHash(output), "PENDING"), "result            matches: the committed output is the model's output on this input", ""].join("\n"),
      });
      const differs = "result            DIFFERS: the committed output is not the model's output on this input";
      expect(await vinfer(["check", cheated.requestId, ...common, "--dry-run"])).to.deep.equal({
        code: 1,
        stderr: "",
        stdout: [...lines(cheated, vectorHash(output), "PENDING"), differs, "challenge         none: --dry-run", ""].join("\n"),
      });
      const challenged = await vinfer(["check", cheated.requestId, ...common, "--key-file", key2File]);
      expect([challenged.code, challenged.stderr]).to.deep.equal([0, ""]);
      expect(withoutTx(challenged.stdout)).to.deep.equal([...lines(cheated, vectorHash(output), "PENDING"), differs, "challenge         dispute 1 opened (bond 5)", ""]);
      const after = await vinfer(["check", cheated.requestId, ...common, "--json"]);
      expect(after.code).to.equal(1);
      expect(JSON.parse(after.stdout)).to.deep.include({ matches: false, status: "DISPUTED", challenge: null, notChallenged: "no key: set VINFER_PRIVATE_KEY or pass --key-file" });

      const integers = join(scratch, "int8.json");
      writeFileSync(integers, JSON.stringify(Array.from(input, (v, i) => (i === 3 ? v ^ 1 : v))));
      expect(await vinfer(["check", honest.requestId, "--input", integers, "--model", MODEL_FILE, "--indexer-url", indexer.url, ...rpc])).to.deep.equal({
        code: 1,
        stdout: "",
        stderr: `vinfer: ${integers} is not the committed input of ${honest.requestId}: its hash is ${vectorHash(Int8Array.from(JSON.parse(readFileSync(integers, "utf8"))))}, the commitment's ${vectorHash(input)}\n`,
      });
    });

    it("takes each setting from the flag, else the environment, else the config file", async () => {
      const dir = join(scratch, "config-test");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "vinfer.json"), JSON.stringify({ rpcUrl: UNREACHABLE, keyFile: "account1.key" }));
      writeFileSync(join(dir, "account1.key"), KEY1);
      const unreachable = { code: 1, stdout: "", stderr: `vinfer: cannot reach the node at ${UNREACHABLE}: connect ECONNREFUSED 127.0.0.1:${closedPort}\n` };
      expect(await vinfer(["stake", "status"], { cwd: dir })).to.deep.equal(unreachable);
      const fromEnv = await vinfer(["stake", "status", "--json"], { cwd: dir, env: { VINFER_RPC_URL: chain.chain.url } });
      expect([fromEnv.code, fromEnv.stderr, JSON.parse(fromEnv.stdout).account]).to.deep.equal([0, "", ACCOUNT1]);
      const fromFlag = await vinfer(["stake", "status", ACCOUNT2, "--json", ...rpc], { cwd: dir, env: { VINFER_RPC_URL: "http://127.0.0.1:2" } });
      expect([fromFlag.code, fromFlag.stderr, JSON.parse(fromFlag.stdout).account]).to.deep.equal([0, "", ACCOUNT2]);
      writeFileSync(join(dir, "other.json"), JSON.stringify({ "stake status": { json: true }, rpcUrl: chain.chain.url }));
      const sectioned = await vinfer(["stake", "status", ACCOUNT2, "--config", "other.json"], { cwd: dir });
      expect([sectioned.code, JSON.parse(sectioned.stdout).account]).to.deep.equal([0, ACCOUNT2]);
      writeFileSync(join(dir, "typo.json"), JSON.stringify({ rpcURL: chain.chain.url }));
      expect(await vinfer(["stake", "status", ACCOUNT2, "--config", "typo.json"], { cwd: dir })).to.deep.equal({
        code: 1,
        stdout: "",
        stderr: `vinfer: config file ${join(dir, "typo.json")}: unknown option "rpcURL" (top-level keys: rpcUrl, indexerUrl, ledger, keyFile, or a command's name)\n`,
      });
    });
  });

  describe("indexer queries (canned answers)", () => {
    const operator = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";
    const model = `0x${"ab".repeat(32)}`;
    const request = (n: number) => `0x${String(n).repeat(64)}`;

    it("prints inferences as a table, sends the filters, and --json prints the data", async () => {
      const items = [
        { requestId: request(2), commitmentId: `0x${"c2".repeat(32)}`, leafIndex: 17, modelId: model, operator, inputHash: request(4), outputHash: request(5), status: "SETTLED", committedBlock: "1234", committedAt: "1767225600" },
        { requestId: request(3), commitmentId: `0x${"c3".repeat(32)}`, leafIndex: 0, modelId: model, operator, inputHash: request(6), outputHash: request(7), status: "SETTLED", committedBlock: "99", committedAt: "1767225000" },
      ];
      indexer.answer = { data: { inferences: { items, pageInfo: { hasNextPage: true, endCursor: "cursor-1" } } } };
      const run = await vinfer(["inferences", "--status", "settled", "--operator", getAddress(operator), "--model", model, "--limit", "2", "--indexer-url", indexer.url]);
      expect(run).to.deep.equal({
        code: 0,
        stderr: "",
        stdout: [
          "REQUEST ID                                                          STATUS   OPERATOR     MODEL        COMMITMENT   LEAF  BLOCK  COMMITTED",
          `${request(2)}  SETTLED  0x90f7…b906  0xabab…abab  0xc2c2…c2c2    17   1234  2026-01-01T00:00:00Z`,
          `${request(3)}  SETTLED  0x90f7…b906  0xabab…abab  0xc3c3…c3c3     0     99  2025-12-31T23:50:00Z`,
          "more: add --after cursor-1",
          "",
        ].join("\n"),
      });
      const sent = indexer.graphql.at(-1) as { query: string; variables: unknown };
      expect(sent.query).to.include('inferences(where: $where, orderBy: "committedBlock", orderDirection: "desc", limit: $limit, after: $after)');
      expect(sent.variables).to.deep.equal({ where: { status: "SETTLED", modelId: model, operator }, limit: 2, after: null });
      const json = await vinfer(["inferences", "--json", "--indexer-url", indexer.url]);
      expect(JSON.parse(json.stdout)).to.deep.equal({ items, pageInfo: { hasNextPage: true, endCursor: "cursor-1" } });
      expect((indexer.graphql.at(-1) as { variables: unknown }).variables).to.deep.equal({ where: {}, limit: 20, after: null });
      indexer.answer = { data: { inferences: { items: [], pageInfo: { hasNextPage: false, endCursor: null } } } };
      expect(await vinfer(["inferences", "--indexer-url", indexer.url])).to.deep.equal({ code: 0, stderr: "", stdout: "no inferences match\n" });
      expect(await vinfer(["inferences", "--status", "LOST", "--indexer-url", indexer.url])).to.deep.equal({
        code: 2,
        stdout: "",
        stderr: 'vinfer: invalid --status "LOST": expected one of PENDING, DISPUTED, SETTLED, FRAUDULENT, VOIDED\n',
      });
      indexer.answer = { errors: [{ message: "query refused: a page of 500 rows is over 200" }] };
      expect(await vinfer(["inferences", "--indexer-url", indexer.url])).to.deep.equal({
        code: 1,
        stdout: "",
        stderr: "vinfer: the indexer refused the query: query refused: a page of 500 rows is over 200\n",
      });
      expect(await vinfer(["inferences", "--indexer-url", UNREACHABLE])).to.deep.equal({
        code: 1,
        stdout: "",
        stderr: `vinfer: cannot reach the indexer at ${UNREACHABLE}: connect ECONNREFUSED 127.0.0.1:${closedPort}\n`,
      });
    });

    it("prints disputes as a table", async () => {
      const base = { modelId: model, operator, challenger: "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc", bond: "5000000000000000000", openedAt: "1767225600", ballotStatus: null, votesOperatorAtFault: 0, votesOperatorRight: 0 };
      const items = [
        { ...base, id: "12", commitmentId: `0x${"c2".repeat(32)}`, leafIndex: 7, resolverKind: "BISECTION", status: "OPEN", traceLength: 74, lo: 10, hi: 19, moveCount: 6, gameStatus: null },
        { ...base, id: "3", commitmentId: `0x${"c3".repeat(32)}`, leafIndex: 0, resolverKind: "BISECTION", status: "OPERATOR_FAULT", traceLength: 74, lo: 41, hi: 42, moveCount: 14, gameStatus: "CHALLENGER_WON" },
        { ...base, id: "2", commitmentId: `0x${"c4".repeat(32)}`, leafIndex: 1, resolverKind: "COMMITTEE", status: "OPEN", bond: "2500000000000000000", traceLength: null, lo: null, hi: null, moveCount: 0, gameStatus: null, ballotStatus: "VOTING", votesOperatorAtFault: 1 },
      ];
      indexer.answer = { data: { disputes: { items, pageInfo: { hasNextPage: false, endCursor: "x" } } } };
      const run = await vinfer(["disputes", "--status", "open", "--limit", "3", "--indexer-url", indexer.url]);
      expect(run).to.deep.equal({
        code: 0,
        stderr: "",
        stdout: [
          "ID  STATUS          RESOLVER   OPERATOR     CHALLENGER   COMMITMENT   LEAF  BOND  PROGRESS                         OPENED",
          "12  OPEN            BISECTION  0x90f7…b906  0x3c44…93bc  0xc2c2…c2c2     7     5  steps 10..19 of 74, 6 moves      2026-01-01T00:00:00Z",
          " 3  OPERATOR_FAULT  BISECTION  0x90f7…b906  0x3c44…93bc  0xc3c3…c3c3     0     5  CHALLENGER_WON, 14 moves         2026-01-01T00:00:00Z",
          " 2  OPEN            COMMITTEE  0x90f7…b906  0x3c44…93bc  0xc4c4…c4c4     1   2.5  votes 1 fault / 0 right, VOTING  2026-01-01T00:00:00Z",
          "",
        ].join("\n"),
      });
      expect((indexer.graphql.at(-1) as { variables: unknown }).variables).to.deep.equal({ where: { status: "OPEN" }, limit: 3, after: null });
    });

    it("prints a receipt from the indexer, and its errors in one line", async () => {
      const requestId = request(8) as Hex;
      const body = {
        chainId: 31337,
        ledger: deployments["31337"].InferenceLedger.address,
        requestId,
        operator,
        modelId: model,
        commitmentId: `0x${"c5".repeat(32)}`,
        leafIndex: 3,
        count: 10,
        inference: { requestId, inputHash: request(4), outputHash: request(5) },
        leaf: request(6),
        proof: [request(7), request(9), request(1), request(2)],
        root: request(3),
        status: "PENDING",
        commitmentStatus: "PENDING",
        challengeDeadline: "1767226200",
        committedBlock: "1234",
        committedTx: `0x${"7".repeat(64)}`,
        conflict: false,
      };
      indexer.receipts.set(`${requestId}?operator=${operator}`, { status: 200, body });
      indexer.receipts.set(requestId, { status: 409, body: { error: `request id ${requestId} was committed by 2 operators: add ?operator=`, operators: [operator, ACCOUNT2.toLowerCase()] } });
      const unknown = request(1);
      const [text, json, ambiguous, missing, malformed] = await Promise.all([
        vinfer(["receipt", "get", requestId, "--operator", getAddress(operator), "--indexer-url", indexer.url]),
        vinfer(["receipt", "get", requestId, "--operator", operator, "--json", "--indexer-url", indexer.url]),
        vinfer(["receipt", "get", requestId, "--indexer-url", indexer.url]),
        vinfer(["receipt", "get", unknown, "--indexer-url", indexer.url]),
        vinfer(["receipt", "get", "0x1234", "--indexer-url", indexer.url]),
      ]);
      expect(text).to.deep.equal({
        code: 0,
        stderr: "",
        stdout: [
          `request             ${requestId}`,
          `operator            ${operator}`,
          `model               ${model}`,
          `commitment          ${body.commitmentId}`,
          "leaf                3 of 10",
          `input hash          ${request(4)}`,
          `output hash         ${request(5)}`,
          "status              PENDING",
          "commitment status   PENDING",
          "challenge deadline  2026-01-01T00:10:00Z",
          `committed           block 1234, tx ${body.committedTx}`,
          "proof               4 nodes",
          "conflict            no",
          "",
        ].join("\n"),
      });
      expect([json.code, JSON.parse(json.stdout)]).to.deep.equal([0, body]);
      expect(ambiguous).to.deep.equal({
        code: 1,
        stdout: "",
        stderr: `vinfer: request id ${requestId} was committed by 2 operators (${operator}, ${ACCOUNT2.toLowerCase()}): pass --operator\n`,
      });
      expect(missing).to.deep.equal({ code: 1, stdout: "", stderr: `vinfer: no inference with request id ${unknown} is indexed\n` });
      expect(malformed).to.deep.equal({ code: 2, stdout: "", stderr: 'vinfer: invalid request id "0x1234": expected 0x and 64 hex digits\n' });
    });
  });

  describe("secrecy", () => {
    it("never prints the key, from a key file or the environment, in any output", async () => {
      const bad = join(scratch, "bad.key");
      writeFileSync(bad, `${KEY1.slice(0, -1)}z`);
      expect(await vinfer(["stake", "claim", "--key-file", bad])).to.deep.equal({
        code: 1,
        stdout: "",
        stderr: `vinfer: key file ${bad} (--key-file) does not hold a private key (expected 32 bytes of hex)\n`,
      });
      const text = outputs.join("\n").toLowerCase();
      expect(outputs.length).to.be.greaterThan(60);
      for (const key of [KEY1, KEY2, KEY4, KEY5]) {
        expect(text).to.not.include(key.slice(2).toLowerCase());
        expect(text).to.not.include(key.slice(2, 34).toLowerCase());
      }
    });
  });
});
