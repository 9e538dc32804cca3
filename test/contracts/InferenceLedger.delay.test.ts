// Delay is never free: for each way a challenger can hold an honest commitment open past its deadline, the
// worst-case delay it imposes and what that costs it, measured on chain (docs/protocol-decisions.md quotes them).
import { expect } from "chai";
import { keccak256, stringToBytes, type Hex } from "viem";
import { honestPlayer, maxRounds, nextMove, readGame, submitMove, GameStatus } from "@vinfer/sdk";
import { playerWithStates } from "@vinfer/sdk/testing";
import { trace, vectorHash } from "@vinfer/runtime";
import {
  BPS,
  CHALLENGE_DEPOSIT,
  CHALLENGER_BOND,
  commitAccusation,
  commitOne,
  networkHelpers,
  now,
  sampleInference,
  viem,
  type Inference,
  type System,
} from "../helpers/system.ts";
import { ledgerOf } from "../helpers/wealth.ts";
import { commitMnistBatch, loadBisection, mnistBatch, mnistModel, MOVE_TIMEOUT, type BisectionSystem } from "../bisection/fixtures.ts";

describe("InferenceLedger: the cost of delaying an honest operator", () => {
  let system: BisectionSystem;
  let burned: bigint;
  beforeEach(async () => {
    system = await loadBisection();
    burned = (CHALLENGER_BOND * BigInt(await system.ledger.read.challengerBurnBps())) / BPS;
  });

  /** Reveals `target`'s accusation exactly at the commitment's deadline: the latest a challenger can start. */
  async function accuseAtDeadline(commitmentId: Hex, inference: Inference, proof: readonly Hex[] = [], claim?: Hex) {
    const { ledger, challenger } = system;
    const deadline = BigInt((await ledger.read.getCommitment([commitmentId])).challengeDeadline);
    // Committed inside the reveal window of the deadline.
    await networkHelpers.time.setNextBlockTimestamp(deadline - 10n);
    const { salt } = await commitAccusation(system, challenger, { commitmentId, leafIndex: 0, claim });
    await networkHelpers.time.setNextBlockTimestamp(deadline);
    if (claim === undefined) await ledger.write.demandData([commitmentId, 0n, inference, proof, salt], { account: challenger.account });
    else await ledger.write.challenge([commitmentId, 0n, inference, proof, claim, salt], { account: challenger.account });
    return { deadline, id: await ledger.read.disputeCount() };
  }

  /** Settles and returns how long after its undisputed settlement time (deadline + 1) it settled. */
  async function settleDelay(commitmentId: Hex, deadline: bigint): Promise<bigint> {
    await system.ledger.write.settle([commitmentId]);
    expect((await system.ledger.read.getCommitment([commitmentId])).status).to.equal(3); // Settled
    return (await now()) - (deadline + 1n);
  }

  const parties = (s: System) => ({ operator: s.operator.account.address, challenger: s.challenger.account.address });
  const claim = keccak256(stringToBytes("a wrong claim"));

  it("committee, arbiters silent: at most the voting period, for the burned share of the bond", async () => {
    const { committeeResolver } = system;
    const books = await ledgerOf(system, parties(system));
    const inference = sampleInference(1);
    const id = await commitOne(system, inference);
    const { deadline, id: disputeId } = await accuseAtDeadline(id, inference, [], claim);
    const votingPeriod = BigInt(await committeeResolver.read.votingPeriod());
    await networkHelpers.time.setNextBlockTimestamp(BigInt((await committeeResolver.read.getBallot([disputeId])).deadline) + 1n);
    await committeeResolver.write.closeWithoutQuorum([disputeId]);
    const delay = await settleDelay(id, deadline);
    expect(delay).to.equal(votingPeriod + 1n);
    expect(await books.delta()).to.deep.equal({ operator: 0n, challenger: -burned });
  });

  it("committee, the operator found right: at most the voting period, for the whole bond", async () => {
    const { committeeResolver, arbiters } = system;
    const books = await ledgerOf(system, parties(system));
    const inference = sampleInference(2);
    const id = await commitOne(system, inference);
    const { deadline, id: disputeId } = await accuseAtDeadline(id, inference, [], claim);
    const ballotDeadline = BigInt((await committeeResolver.read.getBallot([disputeId])).deadline);
    await committeeResolver.write.vote([disputeId, false], { account: arbiters[0].account });
    await networkHelpers.time.setNextBlockTimestamp(ballotDeadline);
    await committeeResolver.write.vote([disputeId, false], { account: arbiters[1].account });
    const delay = await settleDelay(id, deadline);
    expect(delay <= BigInt(await committeeResolver.read.votingPeriod())).to.equal(true);
    expect(await books.delta()).to.deep.equal({ operator: CHALLENGER_BOND - burned, challenger: -CHALLENGER_BOND });
  });

  it("bisection, a challenger that uses every one of its deadlines: ceil(log2 T) move timeouts, for the whole bond", async () => {
    const { resolver, operator, challenger, publicClient } = system;
    const books = await ledgerOf(system, parties(system));
    const [item] = mnistBatch(1);
    const { commitmentId } = await commitMnistBatch(system, [item.inference]);
    const { deadline, id: disputeId } = await accuseAtDeadline(commitmentId, item.inference, [], claim);
    const sides = [
      { player: honestPlayer("operator", mnistModel(), item.input), client: operator },
      // The challenger's trace departs only at the last step, so the game takes the most rounds: ceil(log2 74) = 7.
      { player: playerWithStates("challenger", mnistModel(), item.input, trace(mnistModel(), item.input).states.map((s, i) => (i < 73 ? s : vectorHash(new Int8Array([i]))))), client: challenger },
    ];
    for (;;) {
      const game = await readGame(publicClient, { resolver: resolver.address, disputeId });
      if (game.status === GameStatus.OperatorWon || game.status === GameStatus.ChallengerWon) break;
      const side = game.status === GameStatus.AwaitingResponse ? sides[1] : sides[0];
      // The stalling challenger answers at the last second of each of its deadlines.
      if (side === sides[1]) await networkHelpers.time.setNextBlockTimestamp(BigInt(game.deadline));
      await submitMove(side.client, { contracts: system.contracts, disputeId, move: nextMove(side.player, game) });
    }
    expect((await readGame(publicClient, { resolver: resolver.address, disputeId })).status).to.equal(GameStatus.OperatorWon);
    const delay = await settleDelay(commitmentId, deadline);
    const rounds = BigInt(maxRounds(74));
    // Every round costs the challenger one timeout; the operator's own moves take a second each.
    expect(delay <= rounds * BigInt(MOVE_TIMEOUT) + 2n * rounds + 2n).to.equal(true);
    expect(delay >= rounds * BigInt(MOVE_TIMEOUT)).to.equal(true);
    expect(await books.delta()).to.deep.equal({ operator: CHALLENGER_BOND - burned, challenger: -CHALLENGER_BOND });
  });

  it("a resolver that never reports: the protocol's dispute bound, for the burned share", async () => {
    const { ledger, registry, deployer, modelSpec } = system;
    const manual = await viem.deployContract("ManualResolver", [ledger.address]);
    await registry.write.approveResolver([manual.address], { account: deployer.account });
    const spec = { ...modelSpec, resolver: manual.address, uri: "ipfs://silent" };
    await registry.write.registerModel([spec], { account: deployer.account });
    const modelId = await registry.read.computeModelId([deployer.account.address, spec]);
    const books = await ledgerOf(system, parties(system));
    const inference = sampleInference(3);
    const id = await commitOne({ ...system, modelId }, inference);
    const { deadline, id: disputeId } = await accuseAtDeadline(id, inference, [], claim);
    const bound = BigInt(await registry.read.maxDisputeDuration());
    await networkHelpers.time.setNextBlockTimestamp(deadline + bound + 1n);
    await ledger.write.expireDispute([disputeId]);
    expect(await settleDelay(id, deadline)).to.equal(bound + 1n);
    expect(await books.delta()).to.deep.equal({ operator: 0n, challenger: -burned });
  });

  it("a data demand the operator answers: as long as the operator takes, for the deposit", async () => {
    const { ledger, operator } = system;
    const books = await ledgerOf(system, parties(system));
    const [item] = mnistBatch(1);
    const { commitmentId } = await commitMnistBatch(system, [item.inference]);
    const { deadline, id: demandId } = await accuseAtDeadline(commitmentId, item.inference);
    const input = `0x${Buffer.from(item.input.buffer, item.input.byteOffset, item.input.byteLength).toString("hex")}` as Hex;
    await ledger.write.publishInput([demandId, commitmentId, 0n, input], { account: operator.account });
    expect(await settleDelay(commitmentId, deadline)).to.equal(1n);
    await ledger.write.collectDataDemand([demandId, commitmentId, 0n, item.inference.inputHash]);
    expect(await books.delta()).to.deep.equal({ operator: CHALLENGE_DEPOSIT, challenger: -CHALLENGE_DEPOSIT });
  });
});
