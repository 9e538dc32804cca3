// The challenger daemon against a real `hardhat node`: it leaves an honest batch alone and settles it, disputes
// a cheater's wrong leaf and wins the game, demands a withheld input and has the commitment slashed when the
// demand expires, and treats an endpoint serving a wrong input as withholding.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { inferenceLedgerAbi } from "@vinfer/abis";
import { infer, vectorHash } from "@vinfer/runtime";
import { CommitmentStatus, DataDemandStatus, GameStatus, InferenceStatus, int8ToHex, publishInput, readGame } from "@vinfer/sdk";
import { playerWithStates } from "@vinfer/sdk/testing";
import { startChallenger } from "@vinfer/challenger";
import type { ChallengerDaemon } from "@vinfer/challenger";
import { getAddress, type Hex } from "viem";
import {
  CHALLENGE_WINDOW,
  cheatedInference,
  DATA_ANSWER_WINDOW,
  honestInference,
  MODEL_PATH,
  sampleInput,
  startWorld,
  waitFor,
  type World,
} from "./fixtures.ts";

describe("Challenger: catching operators", function () {
  this.timeout(120_000);
  let world: World;
  let daemon: ChallengerDaemon;
  let dataDir: string;
  const logs: Record<string, unknown>[] = [];
  let seed = 0;

  before(async () => {
    world = await startWorld(5);
    dataDir = mkdtempSync(join(tmpdir(), "vinfer-challenger-"));
    daemon = await startChallenger({
      rpcUrl: world.chain.url,
      privateKey: world.challengerKey,
      modelPaths: [MODEL_PATH],
      dataDir,
      pollMs: 100,
      port: 0,
      log: (record) => logs.push(record),
    });
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(logs.slice(-40).map((r) => JSON.stringify(r, (_, v) => (typeof v === "bigint" ? v.toString() : v))).join("\n"));
  });

  after(async () => {
    await daemon?.stop();
    await world?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const commitmentStatus = async (id: Hex) => (await world.ledger.read.getCommitment([id])).status;
  const honestItems = (n: number) => Array.from({ length: n }, () => honestInference(world.model, sampleInput(world.model, seed++)));
  const settledBy = async (commitmentId: Hex) => {
    const [event] = await world.publicClient.getContractEvents({
      address: world.contracts.ledger,
      abi: inferenceLedgerAbi,
      eventName: "CommitmentSettled",
      args: { commitmentId },
      fromBlock: 0n,
      strict: true,
    });
    return event === undefined ? undefined : getAddress((await world.publicClient.getTransaction({ hash: event.transactionHash })).from);
  };
  const demandsOn = (commitmentId: Hex) =>
    world.publicClient.getContractEvents({
      address: world.contracts.ledger,
      abi: inferenceLedgerAbi,
      eventName: "DataDemanded",
      args: { commitmentId, demander: world.challenger },
      fromBlock: 0n,
      strict: true,
    });

  it("checks an honest batch, leaves it alone, and settles it once its window has closed", async () => {
    const [operator] = world.operators;
    const before = daemon.stats();
    const { commitmentId } = await world.commitServed(operator, honestItems(5));

    await waitFor("the batch to be checked", () => daemon.stats().commitmentsChecked === before.commitmentsChecked + 1);
    const after = daemon.stats();
    expect(after.inferencesChecked - before.inferencesChecked).to.equal(5);
    expect([after.wrongFound, after.disputesOpened, after.dataDemands]).to.deep.equal([before.wrongFound, before.disputesOpened, before.dataDemands]);
    expect(after.withholdingOperators[getAddress(operator.address)]).to.equal(undefined);
    expect(await commitmentStatus(commitmentId)).to.equal(CommitmentStatus.Pending);

    await world.advanceTime(CHALLENGE_WINDOW + 1);
    await waitFor("the batch to be settled", async () => (await commitmentStatus(commitmentId)) === CommitmentStatus.Settled);
    expect(await settledBy(commitmentId)).to.equal(daemon.address);
  });

  it("disputes the wrong leaf of a cheating batch, wins the game, and claims the reward", async () => {
    const cheater = world.operators[1];
    const before = daemon.stats();
    const items = honestItems(4);
    items[2] = cheatedInference(world.model, sampleInput(world.model, seed++));
    const balanceBefore = await world.token.read.balanceOf([world.challenger]);
    const { commitmentId } = await world.commitServed(cheater, items);

    const [opened] = await waitFor("the dispute", async () => {
      const disputes = await world.disputesOn(commitmentId, world.challenger);
      return disputes.length > 0 && disputes;
    });
    expect(opened.args.leafIndex).to.equal(2n);
    expect(opened.args.claimedOutputHash).to.equal(vectorHash(infer(world.model, items[2].input)));

    // The cheater defends the trace it really computed, wrong neuron included.
    const game = await world.defend(cheater, opened.args.disputeId, playerWithStates("operator", world.model, items[2].input, items[2].states!));
    expect(game.status).to.equal(GameStatus.ChallengerWon);
    await waitFor("the dispute to be recorded as won", () => daemon.stats().disputesWon === before.disputesWon + 1);
    const after = daemon.stats();
    expect([after.wrongFound - before.wrongFound, after.disputesOpened - before.disputesOpened, after.disputesLost]).to.deep.equal([1, 1, before.disputesLost]);
    expect(after.inferencesChecked - before.inferencesChecked).to.equal(4);

    expect(await commitmentStatus(commitmentId)).to.equal(CommitmentStatus.Slashed);
    const statuses = await Promise.all(items.map((_, i) => world.ledger.read.inferenceStatus([commitmentId, BigInt(i)])));
    expect(statuses).to.deep.equal([InferenceStatus.Voided, InferenceStatus.Voided, InferenceStatus.Fraudulent, InferenceStatus.Voided]);

    // The reward is final once the window has closed: the daemon has it paid and claims everything it is owed.
    await world.advanceTime(CHALLENGE_WINDOW + 1);
    await waitFor("the reward to be paid and claimed", async () => {
      const tally = await world.ledger.read.getDisputeTally([commitmentId]);
      return tally.rewardPaid && (await world.stakeManager.read.creditOf([world.challenger])) === 0n;
    });
    const [slashed] = await world.publicClient.getContractEvents({
      address: world.contracts.ledger,
      abi: inferenceLedgerAbi,
      eventName: "CommitmentSlashed",
      args: { commitmentId },
      fromBlock: 0n,
      strict: true,
    });
    const [rewarded] = await world.publicClient.getContractEvents({
      address: world.contracts.ledger,
      abi: inferenceLedgerAbi,
      eventName: "ChallengerRewarded",
      args: { commitmentId },
      fromBlock: 0n,
      strict: true,
    });
    expect(getAddress(rewarded.args.rewardee)).to.equal(daemon.address);
    expect(slashed.args.reward > 0n).to.equal(true);
    // Bond back and reward in its wallet: it is richer by the reward.
    expect((await world.token.read.balanceOf([world.challenger])) - balanceBefore).to.equal(slashed.args.reward);
  });

  it("demands a withheld input on chain and, left unanswered, has the commitment slashed when the demand expires", async () => {
    const operator = world.operators[2];
    const before = daemon.stats();
    const { commitmentId } = await world.commitServed(operator, honestItems(2), () => ({ status: 404, body: { error: "not found" } }));

    const demands = await waitFor("a demand for each withheld leaf", async () => {
      const found = await demandsOn(commitmentId);
      return found.length === 2 && found;
    });
    expect(demands.map((d) => d.args.leafIndex).sort()).to.deep.equal([0n, 1n]);
    await waitFor("the demands to be counted", () => daemon.stats().dataDemands === before.dataDemands + 2);
    const after = daemon.stats();
    expect(after.withholdingOperators[getAddress(operator.address)]).to.equal(1);
    expect(after.inferencesChecked).to.equal(before.inferencesChecked);
    expect(await commitmentStatus(commitmentId)).to.equal(CommitmentStatus.Disputed);

    await world.advanceTime(DATA_ANSWER_WINDOW + 1);
    await waitFor("the commitment to be slashed", async () => (await commitmentStatus(commitmentId)) === CommitmentStatus.Slashed);
    const [slashed] = await world.publicClient.getContractEvents({
      address: world.contracts.ledger,
      abi: inferenceLedgerAbi,
      eventName: "CommitmentSlashed",
      args: { commitmentId },
      fromBlock: 0n,
      strict: true,
    });
    expect(demands.map((d) => d.args.demandId)).to.include(slashed.args.accusationId);
    const closed = await waitFor("both demands to be closed as withheld", async () => {
      const events = await world.publicClient.getContractEvents({
        address: world.contracts.ledger,
        abi: inferenceLedgerAbi,
        eventName: "DataDemandClosed",
        args: { commitmentId },
        fromBlock: 0n,
        strict: true,
      });
      return events.length === 2 && events;
    });
    expect(closed.map((e) => e.args.status)).to.deep.equal([DataDemandStatus.Withheld, DataDemandStatus.Withheld]);
    // Both deposits back and the reward: nothing left unclaimed.
    await waitFor("the credit to be claimed", async () => (await world.stakeManager.read.creditOf([world.challenger])) === 0n && (await world.ledger.read.getDisputeTally([commitmentId])).rewardPaid);
  });

  it("treats an endpoint serving an input of another hash as withholding, and checks the input once it is published on chain", async () => {
    const operator = world.operators[3];
    const before = daemon.stats();
    const items = honestItems(3);
    const other = sampleInput(world.model, 10_000 + seed++);
    // The endpoint answers, but leaf 1's input is not the committed one.
    const { commitmentId } = await world.commitServed(operator, items, (data) => ({
      status: 200,
      body: { ...data, items: data.items.map((item, i) => (i === 1 ? { ...item, input: int8ToHex(other) } : item)) },
    }));

    const [demand] = await waitFor("a demand for the leaf served wrong", async () => {
      const found = await demandsOn(commitmentId);
      return found.length > 0 && found;
    });
    expect(demand.args.leafIndex).to.equal(1n);
    await waitFor("the other leaves to be re-executed", () => daemon.stats().inferencesChecked === before.inferencesChecked + 2);
    expect(daemon.stats().withholdingOperators[getAddress(operator.address)]).to.equal(1);
    expect((await demandsOn(commitmentId)).length).to.equal(1);

    // The operator answers the demand on chain: the daemon re-executes the published input and finds it right.
    await publishInput(operator.wallet, { contracts: world.contracts, demandId: demand.args.demandId, commitmentId, leafIndex: 1n, input: items[1].input });
    await waitFor("the published input to be re-executed", () => daemon.stats().inferencesChecked === before.inferencesChecked + 3);
    const after = daemon.stats();
    expect([after.wrongFound, after.disputesOpened]).to.deep.equal([before.wrongFound, before.disputesOpened]);

    await world.advanceTime(CHALLENGE_WINDOW + 1);
    await waitFor("the batch to be settled", async () => (await commitmentStatus(commitmentId)) === CommitmentStatus.Settled);
    expect(await settledBy(commitmentId)).to.equal(daemon.address);
  });

  it("challenges a wrong output it learns from an answered demand, and wins by timeout when the operator stops playing", async () => {
    const cheater = world.operators[4];
    const before = daemon.stats();
    const items = [honestInference(world.model, sampleInput(world.model, seed++)), cheatedInference(world.model, sampleInput(world.model, seed++))];
    const other = sampleInput(world.model, 20_000 + seed++);
    const { commitmentId } = await world.commitServed(cheater, items, (data) => ({
      status: 200,
      body: { ...data, items: data.items.map((item, i) => (i === 1 ? { ...item, input: int8ToHex(other) } : item)) },
    }));
    const [demand] = await waitFor("a demand for the leaf served wrong", async () => {
      const found = await demandsOn(commitmentId);
      return found.length > 0 && found;
    });
    await publishInput(cheater.wallet, { contracts: world.contracts, demandId: demand.args.demandId, commitmentId, leafIndex: 1n, input: items[1].input });

    const [opened] = await waitFor("the dispute", async () => {
      const disputes = await world.disputesOn(commitmentId, world.challenger);
      return disputes.length > 0 && disputes;
    });
    expect(opened.args.leafIndex).to.equal(1n);
    // The cheater never posts a midpoint: once its move's deadline has passed, the daemon claims the game.
    const moveTimeout = await world.bisectionResolver.read.moveTimeout();
    await world.advanceTime(Number(moveTimeout) + 1);
    await waitFor("the game to be claimed", async () => (await readGame(world.publicClient, { resolver: world.contracts.bisectionResolver!, disputeId: opened.args.disputeId })).status === GameStatus.ChallengerWon);
    await waitFor("the dispute to be recorded as won", () => daemon.stats().disputesWon === before.disputesWon + 1);
    expect(await commitmentStatus(commitmentId)).to.equal(CommitmentStatus.Slashed);
    expect(await world.ledger.read.inferenceStatus([commitmentId, 1n])).to.equal(InferenceStatus.Fraudulent);
    const after = daemon.stats();
    expect([after.wrongFound - before.wrongFound, after.dataDemands - before.dataDemands, after.inferencesChecked - before.inferencesChecked]).to.deep.equal([1, 1, 2]);
    await waitFor("the reward to be claimed", async () => (await world.ledger.read.getDisputeTally([commitmentId])).rewardPaid && (await world.stakeManager.read.creditOf([world.challenger])) === 0n);
  });

  it("reports its progress on /health and /metrics", async () => {
    const health = await fetch(`${daemon.url}/health`);
    expect(health.status).to.equal(200);
    const body = (await health.json()) as { status: string; address: string };
    expect([body.status, getAddress(body.address)]).to.deep.equal(["ok", daemon.address]);

    const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
    const stats = daemon.stats();
    expect(metrics).to.include(`vinfer_challenger_commitments_checked_total ${stats.commitmentsChecked}`);
    expect(metrics).to.include(`vinfer_challenger_inferences_checked_total ${stats.inferencesChecked}`);
    expect(metrics).to.include(`vinfer_challenger_disputes_total{outcome="won"} 2`);
    expect(metrics).to.include(`vinfer_challenger_data_demands_total{result="opened"} 4`);
    expect(metrics).to.include(`vinfer_challenger_withholding_operators 3`);
    for (const operator of world.operators.slice(2)) {
      expect(metrics).to.include(`vinfer_challenger_withholding_commitments_total{operator="${getAddress(operator.address)}"} 1`);
    }
    expect(stats).to.deep.include({ commitmentsChecked: 5, inferencesChecked: 14, wrongFound: 2, disputesOpened: 2, disputesWon: 2, disputesLost: 0, dataDemands: 4 });
    // The key never appears in what it logged.
    expect(JSON.stringify(logs, (_, v) => (typeof v === "bigint" ? v.toString() : v))).not.to.include(world.challengerKey.slice(2));
    expect((await fetch(`${daemon.url}/nothing`)).status).to.equal(404);
  });
});
