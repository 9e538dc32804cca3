// The operator daemon defends its commitments on its own: it plays and wins the bisection game against a
// challenger that disputes an honest inference (with a wrong claim, or with a forged trace), claims the
// timeout a silent challenger misses, publishes an input a data demand asks for, loses (as it must) when it
// served a wrong output, and refuses requests its bond reserve cannot back.
import { expect } from "chai";
import { bisectionResolverAbi, DataDemandStatus, DisputeStatus, GameStatus, inferenceLedgerAbi } from "@vinfer/abis";
import { infer, vectorHash } from "@vinfer/runtime";
import {
  challenge,
  dataDemandKey,
  demandData,
  honestPlayer,
  int8ToHex,
  nextMove,
  readGame,
  submitMove,
  type InferenceReceipt,
  type Player,
} from "@vinfer/sdk";
import { faultyTrace, playerWithStates } from "@vinfer/sdk/testing";
import { startOperator, type OperatorConfig, type OperatorDaemon } from "@vinfer/operator";
import { keccak256, parseEther, stringToBytes, type Address, type Hex } from "viem";
import { digit, freshDataDir, get, logSink, metric, MODEL_PATH, post, removeTempDirs, startOperatorChain, waitFor, type OperatorChain } from "./fixture.ts";

type Receipt = InferenceReceipt & { status: string; requestId: Hex; chainStatus: string; leafIndex: number };

describe("Operator: defending disputes and data demands", function () {
  this.timeout(120_000);
  let env: OperatorChain;
  const daemons: OperatorDaemon[] = [];
  /** The honest daemon and the four inferences of its first batch (digits 0–3). */
  let honest: OperatorDaemon;
  let batch: { receipt: Receipt; input: Int8Array }[];

  before(async () => {
    env = await startOperatorChain({ challengeWindow: 600 });
    honest = await launch(await env.newOperator(), { batchSize: 4 });
    const answers = await Promise.all([0, 1, 2, 3].map((k) => ask(honest, digit(k))));
    batch = await Promise.all(answers.map(async (a, k) => ({ receipt: await committed(honest, a.requestId), input: digit(k) })));
  });

  after(async () => {
    for (const d of daemons) await d.stop();
    await env?.chain.stop();
    removeTempDirs();
  });

  async function launch(operator: { privateKey: Hex }, overrides: Partial<OperatorConfig> = {}) {
    const daemon = await startOperator({
      rpcUrl: env.chain.url,
      privateKey: operator.privateKey,
      modelId: env.modelId,
      modelPath: MODEL_PATH,
      dataDir: freshDataDir(),
      batchAgeMs: 200,
      pollMs: 100,
      log: logSink().log,
      ...overrides,
    });
    daemons.push(daemon);
    return daemon;
  }

  async function ask(daemon: OperatorDaemon, input: Int8Array) {
    const { status, body } = await post<{ requestId: Hex; outputHash: Hex; output: number[]; error?: string }>(`${daemon.url}/v1/infer`, {
      modelId: env.modelId,
      input: Array.from(input),
    });
    expect(status, body.error).to.equal(200);
    return body;
  }

  const receiptOf = async (daemon: OperatorDaemon, requestId: Hex) => (await get<Receipt>(`${daemon.url}/v1/receipts/${requestId}`)).body;

  function committed(daemon: OperatorDaemon, requestId: Hex, chainStatus = "PENDING") {
    return waitFor(`receipt ${requestId} ${chainStatus}`, async () => {
      const r = await receiptOf(daemon, requestId);
      return r.status === "committed" && r.chainStatus === chainStatus ? r : undefined;
    });
  }

  /** Opens a dispute on a committed receipt as the challenger. */
  async function dispute(receipt: Receipt, claimedOutputHash: Hex) {
    const { disputeId, resolver } = await challenge(env.challenger, {
      contracts: env.contracts,
      commitmentId: receipt.commitmentId,
      leafIndex: BigInt(receipt.leafIndex),
      inference: receipt.inference,
      proof: receipt.proof,
      claimedOutputHash,
    });
    return { disputeId, resolver: resolver as Address };
  }

  /** Plays the challenger's side as `player` until the game ends; the daemon plays the operator's. */
  function playChallenger(disputeId: bigint, resolver: Address, player: Player) {
    return waitFor(
      `game ${disputeId} to end`,
      async () => {
        const game = await readGame(env.publicClient, { resolver, disputeId });
        if (game.status === GameStatus.OperatorWon || game.status === GameStatus.ChallengerWon) return game;
        const move = nextMove(player, game);
        if (move.type !== "wait" && move.type !== "done") await submitMove(env.challenger, { contracts: env.contracts, disputeId, move });
        return undefined;
      },
      60_000,
      50,
    );
  }

  const disputeStatus = async (disputeId: bigint) => (await env.ledger.read.getDispute([disputeId])).status;
  const metrics = async (daemon: OperatorDaemon) => (await get(`${daemon.url}/metrics`)).text;

  it("wins the game against a challenger that claims a wrong output for an honest inference", async () => {
    const { receipt, input } = batch[0];
    const { disputeId, resolver } = await dispute(receipt, keccak256(stringToBytes("a wrong output")));
    const game = await playChallenger(disputeId, resolver, honestPlayer("challenger", env.model, input));
    expect(game.status).to.equal(GameStatus.OperatorWon);
    expect(await disputeStatus(disputeId)).to.equal(DisputeStatus.ChallengerFault);
    await waitFor("the won dispute in the metrics", async () =>
      metric(await metrics(honest), "vinfer_operator_disputes_total", '{outcome="won"}') === 1 ? true : undefined,
    );
    expect((await receiptOf(honest, receipt.requestId)).chainStatus).to.equal("PENDING");
  });

  it("wins at the one-step proof against a challenger standing by a forged trace", async () => {
    const { receipt, input } = batch[1];
    const step = 5;
    const forged = faultyTrace(env.model, input, step, 127);
    expect(forged.outputHash).not.to.equal(receipt.inference.outputHash);
    const { disputeId, resolver } = await dispute(receipt, forged.outputHash);
    const game = await playChallenger(disputeId, resolver, playerWithStates("challenger", env.model, input, forged.states));
    expect(game.status).to.equal(GameStatus.OperatorWon);
    // The daemon proved the first step the two traces disagree on.
    const proven = await env.publicClient.getContractEvents({
      address: resolver,
      abi: bisectionResolverAbi,
      eventName: "StepProven",
      args: { disputeId },
      fromBlock: 0n,
      strict: true,
    });
    expect(proven).to.have.length(1);
    expect(Number(proven[0].args.step)).to.equal(step);
    expect(await disputeStatus(disputeId)).to.equal(DisputeStatus.ChallengerFault);
  });

  it("publishes the input a data demand asks for", async () => {
    const { receipt, input } = batch[3];
    const { demandId, deadline } = await demandData(env.challenger, {
      contracts: env.contracts,
      commitmentId: receipt.commitmentId,
      leafIndex: BigInt(receipt.leafIndex),
      inference: receipt.inference,
      proof: receipt.proof,
    });
    const key = dataDemandKey(demandId, receipt.commitmentId, BigInt(receipt.leafIndex), receipt.inference.inputHash);
    const status = await waitFor("the demand answered", async () => {
      const s = (await env.ledger.read.getDataDemand([key])).status;
      return s === DataDemandStatus.Collected ? s : undefined;
    });
    expect(status).to.equal(DataDemandStatus.Collected);
    const [published] = await env.publicClient.getContractEvents({
      address: env.contracts.ledger,
      abi: inferenceLedgerAbi,
      eventName: "InputPublished",
      args: { demandId },
      fromBlock: 0n,
      strict: true,
    });
    expect(published.args.input).to.equal(int8ToHex(input));
    expect(Number((await env.publicClient.getBlock({ blockNumber: published.blockNumber })).timestamp)).to.be.at.most(Number(deadline));
  });

  it("defends a wrong output it served with the trace it computed, and loses", async () => {
    const cheater = await launch(await env.newOperator(), { batchSize: 1, cheat: { fraction: 1 } });
    const input = digit(4);
    const answer = await ask(cheater, input);
    const truth = infer(env.model, input);
    expect(answer.outputHash).not.to.equal(vectorHash(truth));
    const receipt = await committed(cheater, answer.requestId);
    const { disputeId, resolver } = await dispute(receipt, vectorHash(truth));
    const game = await playChallenger(disputeId, resolver, honestPlayer("challenger", env.model, input));
    expect(game.status).to.equal(GameStatus.ChallengerWon);
    expect(await disputeStatus(disputeId)).to.equal(DisputeStatus.OperatorFault);
    expect((await committed(cheater, answer.requestId, "FRAUDULENT")).chainStatus).to.equal("FRAUDULENT");
    await waitFor("the lost dispute in the metrics", async () =>
      metric(await metrics(cheater), "vinfer_operator_disputes_total", '{outcome="lost"}') === 1 ? true : undefined,
    );
  });

  it("claims the timeout when the challenger stops answering", async () => {
    const { receipt } = batch[2];
    const { disputeId, resolver } = await dispute(receipt, keccak256(stringToBytes("another wrong output")));
    // The daemon posts its first midpoint; the challenger never answers.
    await waitFor("the first midpoint", async () =>
      (await readGame(env.publicClient, { resolver, disputeId })).status === GameStatus.AwaitingResponse ? true : undefined,
    );
    const moveTimeout = await env.bisectionResolver.read.moveTimeout();
    await env.advanceTime(Number(moveTimeout) + 1);
    const game = await waitFor("the timeout claimed", async () => {
      const g = await readGame(env.publicClient, { resolver, disputeId });
      return g.status === GameStatus.OperatorWon ? g : undefined;
    });
    expect(game.status).to.equal(GameStatus.OperatorWon);
    const logs = await env.publicClient.getContractEvents({ address: resolver, abi: bisectionResolverAbi, eventName: "MoveTimedOut", args: { disputeId }, fromBlock: 0n });
    expect(logs).to.have.length(1);
    expect(await disputeStatus(disputeId)).to.equal(DisputeStatus.ChallengerFault);
    // Every dispute on the batch is over and its window has passed: the daemon settles it.
    const settled = await committed(honest, receipt.requestId, "SETTLED");
    expect(settled.chainStatus).to.equal("SETTLED");
  });

  it("refuses requests with 503 once its bond reserve cannot back them", async () => {
    // Bond 1 token per inference, batches of 4, one spare batch: a reserve of 6 backs two queued requests.
    const small = await launch(await env.newOperator(parseEther("6")), { batchSize: 4, batchAgeMs: 600_000, minReserveBatches: 1 });
    await ask(small, digit(10));
    await ask(small, digit(11));
    const refused = await post<{ error: string }>(`${small.url}/v1/infer`, { modelId: env.modelId, input: Array.from(digit(12)) });
    expect(refused.status).to.equal(503);
    expect(refused.body.error).to.match(/bond reserve/);
    expect(metric(await metrics(small), "vinfer_operator_queue_depth")).to.equal(2);
  });
});
