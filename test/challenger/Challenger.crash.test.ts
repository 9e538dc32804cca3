// The challenger as a process (`node packages/challenger/src/main.ts <config.json>`), killed with SIGKILL in the
// middle of a game right after its first move and restarted on the same data directory: it resumes the game,
// wins it and collects its reward, without ever challenging the leaf a second time.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "chai";
import { inferenceLedgerAbi } from "@vinfer/abis";
import { challengeCommitHash, commitChallenge, CommitmentStatus, GameStatus, InferenceStatus, int8ToHex, randomSalt, readGame } from "@vinfer/sdk";
import { playerWithStates } from "@vinfer/sdk/testing";
import { createWalletClient, getAddress, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { infer, vectorHash } from "@vinfer/runtime";
import { startChallenger } from "@vinfer/challenger";
import { Store } from "../../packages/challenger/src/store.ts";
import { root } from "../indexer/harness.ts";
import { CHALLENGE_WINDOW, CHALLENGER_BOND, cheatedInference, honestInference, MODEL_PATH, sampleInput, startWorld, waitFor, type World } from "./fixtures.ts";

const MAIN = join(root, "packages", "challenger", "src", "main.ts");

type Daemon = { child: ChildProcess; pid: number; lines: Record<string, unknown>[]; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> };

/** Spawns the daemon's process entry on `configPath`, keeping every JSON line it logs. */
function spawnDaemon(configPath: string): Daemon {
  const child = spawn(process.execPath, [MAIN, configPath], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  if (child.pid === undefined) throw new Error("could not start the challenger");
  const lines: Record<string, unknown>[] = [];
  let buffered = "";
  const keep = (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    const parts = buffered.split("\n");
    buffered = parts.pop()!;
    for (const line of parts) {
      if (line.trim() === "") continue;
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ event: "unparsed", line });
      }
    }
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return { child, pid: child.pid, lines, exited };
}

describe("Challenger: crashes", function () {
  this.timeout(120_000);
  let world: World;
  let dataDir: string;
  const started: Daemon[] = [];

  before(async () => {
    world = await startWorld(1);
    dataDir = mkdtempSync(join(tmpdir(), "vinfer-challenger-crash-"));
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") {
      for (const d of started) console.log(`challenger pid ${d.pid}:\n${d.lines.slice(-30).map((l) => JSON.stringify(l)).join("\n")}`);
    }
  });

  after(async () => {
    // Whatever is still running of what this test started, by its pid.
    for (const d of started) {
      if (d.child.exitCode === null && d.child.signalCode === null) {
        process.kill(d.pid, "SIGKILL");
        await d.exited;
      }
    }
    await world?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("resumes the game after a SIGKILL and a restart on the same data directory, wins it, and never challenges twice", async () => {
    const configPath = join(dataDir, "challenger.json");
    writeFileSync(
      configPath,
      JSON.stringify({ rpcUrl: world.chain.url, privateKey: world.challengerKey, modelPaths: [MODEL_PATH], dataDir: join(dataDir, "state"), pollMs: 100 }),
    );
    const first = spawnDaemon(configPath);
    started.push(first);
    await waitFor("the daemon to start", () => first.lines.some((l) => l.event === "started"));

    const [cheater] = world.operators;
    const items = [honestInference(world.model, sampleInput(world.model, 1)), cheatedInference(world.model, sampleInput(world.model, 2))];
    const { commitmentId } = await world.commitServed(cheater, items);
    const [opened] = await waitFor("the dispute", async () => {
      const disputes = await world.disputesOn(commitmentId, world.challenger);
      return disputes.length > 0 && disputes;
    });
    expect(opened.args.leafIndex).to.equal(1n);
    const disputeId = opened.args.disputeId;
    const operator = playerWithStates("operator", world.model, items[1].input, items[1].states!);
    const resolver = world.contracts.bisectionResolver!;

    // The operator posts its first midpoint; once the daemon has answered it (the interval shrank), kill it.
    await world.defend(cheater, disputeId, operator, (game) => game.hi - game.lo < world.model.traceLength);
    await waitFor("its first move to be logged", () => first.lines.some((l) => l.event === "game.move"));
    expect(first.lines.filter((l) => l.event === "game.move")).to.have.length(1);
    process.kill(first.pid, "SIGKILL");
    expect((await first.exited).signal).to.equal("SIGKILL");

    // While it is down the operator moves again: the game now waits for the challenger.
    await world.defend(cheater, disputeId, operator, (game) => game.status === GameStatus.AwaitingResponse);
    expect((await readGame(world.publicClient, { resolver, disputeId })).status).to.equal(GameStatus.AwaitingResponse);

    const second = spawnDaemon(configPath);
    started.push(second);
    const ready = await waitFor("the restarted daemon to be ready", () => second.lines.find((l) => l.event === "ready"));
    expect(ready.resumed).to.deep.include({ openGames: 1, pendingAccusations: 0 });

    const game = await world.defend(cheater, disputeId, operator);
    expect(game.status).to.equal(GameStatus.ChallengerWon);
    expect(await world.ledger.read.getCommitment([commitmentId]).then((c) => c.status)).to.equal(CommitmentStatus.Slashed);
    expect(await world.ledger.read.inferenceStatus([commitmentId, 1n])).to.equal(InferenceStatus.Fraudulent);
    await waitFor("the win to be logged", () => second.lines.some((l) => l.event === "dispute.closed" && l.outcome === "won"));

    // Exactly one accusation ever: one commit, one dispute.
    expect(await world.disputesOn(commitmentId, world.challenger)).to.have.length(1);
    const commits = await world.publicClient.getContractEvents({
      address: world.contracts.ledger,
      abi: inferenceLedgerAbi,
      eventName: "ChallengeCommitted",
      args: { challenger: world.challenger },
      fromBlock: 0n,
      strict: true,
    });
    expect(commits).to.have.length(1);
    expect(second.lines.some((l) => l.event === "dispute.opened" || l.event === "inference.wrong")).to.equal(false);

    // Its reward, once final, is paid and claimed by the restarted daemon.
    await world.advanceTime(CHALLENGE_WINDOW + 1);
    await waitFor("the reward to be claimed", async () => {
      const tally = await world.ledger.read.getDisputeTally([commitmentId]);
      return tally.rewardPaid && getAddress(tally.rewardee) === getAddress(world.challenger) && (await world.stakeManager.read.creditOf([world.challenger])) === 0n;
    });

    // SIGTERM stops it cleanly.
    process.kill(second.pid, "SIGTERM");
    const exit = await Promise.race([second.exited, sleep(10_000).then(() => undefined)]);
    expect(exit).to.deep.equal({ code: 0, signal: null });
    expect(second.lines.map((l) => l.event)).to.include.members(["started", "stopping", "stopped"]);
    expect(JSON.stringify([...first.lines, ...second.lines])).not.to.include(world.challengerKey.slice(2));
  });

  it("reveals an accusation it had committed but not revealed before a crash, without committing it again", async () => {
    // The state a crash between the commit and the reveal leaves: the accusation decided and stored with its salt,
    // its commit mined, no dispute yet.
    const [cheater] = world.operators;
    const items = [honestInference(world.model, sampleInput(world.model, 3)), cheatedInference(world.model, sampleInput(world.model, 4))];
    const { commitmentId, challengeDeadline, receipt } = await world.commitServed(cheater, items);
    const truth = vectorHash(infer(world.model, items[1].input));
    const salt = randomSalt();
    const resolved = await world.registry.read.getModel([world.modelId]);
    const dir = join(dataDir, "committed-not-revealed");
    const store = new Store(dir);
    store.putModel({ modelId: world.modelId, weightsRoot: world.model.weightsRoot, resolver: resolved.spec.resolver, supported: true, reason: null });
    store.recordBlocks(
      [
        {
          id: commitmentId,
          modelId: world.modelId,
          operator: cheater.address,
          challengeDeadline: Number(challengeDeadline),
          block: receipt.blockNumber,
          items: items.map((s) => ({ requestId: s.requestId, inputHash: vectorHash(s.input), outputHash: vectorHash(s.output) })),
        },
      ],
      receipt.blockNumber,
    );
    store.setLeaf(commitmentId, 0, "ok", vectorHash(items[0].output));
    store.setLeaf(commitmentId, 1, "wrong", truth);
    store.markChecked(commitmentId, 0);
    store.addAccusation({ commitmentId, leafIndex: 1, kind: "challenge", salt, claimedOutputHash: truth, input: int8ToHex(items[1].input) });
    store.close();
    const wallet = createWalletClient({ account: privateKeyToAccount(world.challengerKey), chain: { ...hardhat, rpcUrls: { default: { http: [world.chain.url] } } }, transport: http(world.chain.url) });
    const commitHash = challengeCommitHash({ challenger: world.challenger, commitmentId, leafIndex: 1n, claimedOutputHash: truth, salt });
    const committed = await commitChallenge(wallet, { contracts: world.contracts, commitHash, approve: CHALLENGER_BOND });

    const logs: Record<string, unknown>[] = [];
    const daemon = await startChallenger({ rpcUrl: world.chain.url, privateKey: world.challengerKey, modelPaths: [MODEL_PATH], dataDir: dir, pollMs: 100, log: (r) => logs.push(r) });
    try {
      const [opened] = await waitFor("the dispute", async () => {
        const disputes = await world.disputesOn(commitmentId, world.challenger);
        return disputes.length > 0 && disputes;
      });
      // The dispute is the stored commit revealed: same id, no second commit.
      expect([opened.args.disputeId, opened.args.leafIndex, opened.args.claimedOutputHash]).to.deep.equal([committed.id, 1n, truth]);
      expect(logs.some((l) => l.event === "accusation.resume")).to.equal(true);
      const operator = playerWithStates("operator", world.model, items[1].input, items[1].states!);
      const game = await world.defend(cheater, opened.args.disputeId, operator);
      expect(game.status).to.equal(GameStatus.ChallengerWon);
      await waitFor("the win to be recorded", () => daemon.stats().disputesWon === 1);
      const commits = await world.publicClient.getContractEvents({
        address: world.contracts.ledger,
        abi: inferenceLedgerAbi,
        eventName: "ChallengeCommitted",
        args: { challenger: world.challenger },
        fromBlock: receipt.blockNumber,
        strict: true,
      });
      expect(commits.map((c) => c.args.commitHash)).to.deep.equal([commitHash]);
    } finally {
      await daemon.stop();
    }
  });
});
