// Challenger priority: whatever a cheating operator does once an honest accusation is on its way (a second
// dispute of its own that it resolves first, front-running in the same block, stalling the honest game, a
// data demand it leaves unanswered), the first honest challenger gets the whole reward and the operator's
// addresses together lose the whole bond. A self-challenge made before anyone else costs half and gains nothing.
import { expect } from "chai";
import { parseGwei, type Hash, type Hex } from "viem";
import { trace, vectorHash } from "@vinfer/runtime";
import { challengeCommitHash, CommitmentStatus, honestPlayer, InferenceStatus, playGame, type WriteClient } from "@vinfer/sdk";
import { playerWithStates, statesClaimingOutput } from "@vinfer/sdk/testing";
import { BOND_PER_INFERENCE, BPS, CHALLENGE_WINDOW, accuseAs, connection, networkHelpers } from "../helpers/system.ts";
import { ledgerOf } from "../helpers/wealth.ts";
import { commitMnistBatch, loadBisection, mnistBatch, mnistModel, MOVE_TIMEOUT, type BisectionSystem } from "../bisection/fixtures.ts";

const WRONG_LEAF = 2;

/** The operator commits four real MNIST inferences, one of them with a forged output. */
async function cheatingBatch(system: BisectionSystem) {
  const truth = mnistBatch(4);
  const forged = truth[WRONG_LEAF].output.slice();
  forged[0] = forged[0] === 127 ? 126 : forged[0] + 1;
  const batch = mnistBatch(4, new Map([[WRONG_LEAF, forged]]));
  const inferences = batch.map((b) => b.inference);
  const { commitmentId, proof } = await commitMnistBatch(system, inferences);
  const input = batch[WRONG_LEAF].input;
  const target = {
    commitmentId,
    leafIndex: WRONG_LEAF,
    inference: inferences[WRONG_LEAF],
    proof: proof(WRONG_LEAF),
    claim: vectorHash(truth[WRONG_LEAF].output),
  };
  const lyingOperator = playerWithStates("operator", mnistModel(), input, statesClaimingOutput(trace(mnistModel(), input).states, vectorHash(forged)));
  return { commitmentId, target, input, lyingOperator };
}

/** Plays dispute `id` to its end: the operator defends its forged output, `challenger` plays honestly. */
function playOut(system: BisectionSystem, id: bigint, cheat: Awaited<ReturnType<typeof cheatingBatch>>, challenger: WriteClient) {
  return playGame(system.publicClient, {
    contracts: system.contracts,
    disputeId: id,
    sides: [
      { player: cheat.lyingOperator, client: system.operator },
      { player: honestPlayer("challenger", mnistModel(), cheat.input), client: challenger },
    ],
  });
}

/** Sends the transactions in order into one block (automine off, decreasing priority fees), then mines it. */
async function inOneBlock(sends: ((fees: { maxPriorityFeePerGas: bigint; maxFeePerGas: bigint; gas: bigint }) => Promise<Hash>)[]) {
  await connection.provider.request({ method: "evm_setAutomine", params: [false] });
  try {
    const hashes: Hash[] = [];
    for (const [i, send] of sends.entries()) {
      const tip = parseGwei(String(100 - i));
      hashes.push(await send({ maxPriorityFeePerGas: tip, maxFeePerGas: parseGwei("1000"), gas: 2_000_000n }));
    }
    await networkHelpers.mine();
    const receipts = await Promise.all(hashes.map((hash) => connection.viem.getPublicClient().then((c) => c.getTransactionReceipt({ hash }))));
    expect(new Set(receipts.map((r) => r.blockNumber)).size).to.equal(1);
    expect(receipts.map((r) => r.transactionIndex)).to.deep.equal(receipts.map((_, i) => i));
    return receipts;
  } finally {
    await connection.provider.request({ method: "evm_setAutomine", params: [true] });
  }
}

describe("InferenceLedger: challenger priority", () => {
  let system: BisectionSystem;
  let parties: Record<string, Hex>;
  const slashed = 4n * BOND_PER_INFERENCE;
  let reward: bigint;
  beforeEach(async () => {
    system = await loadBisection();
    // otherOperator plays the cheating operator's second address.
    parties = {
      operator: system.operator.account.address,
      accomplice: system.otherOperator.account.address,
      challenger: system.challenger.account.address,
      treasury: system.deployer.account.address,
    };
    reward = (slashed * BigInt(await system.ledger.read.challengerRewardBps())) / BPS;
  });

  it("pays the honest challenger when the operator resolves a later dispute of its own first and stalls the honest one", async () => {
    const { ledger, resolver, challenger, otherOperator: accomplice } = system;
    const books = await ledgerOf(system, parties);
    const cheat = await cheatingBatch(system);
    const honest = await accuseAs(system, challenger, cheat.target);
    const own = await accuseAs(system, accomplice, cheat.target);
    expect(own > honest).to.equal(true);

    // The operator loses its own dispute at once: the commitment is slashed through it...
    await playOut(system, own, cheat, accomplice);
    expect((await ledger.read.getCommitment([cheat.commitmentId])).status).to.equal(CommitmentStatus.Slashed);
    let tally = await ledger.read.getDisputeTally([cheat.commitmentId]);
    expect([tally.rewardAccusation, tally.rewardPaid]).to.deep.equal([Number(own), false]);
    // ...but while the honest dispute is open the reward cannot go anywhere, even after the window.
    await networkHelpers.time.increase(CHALLENGE_WINDOW + 1);
    await connection.viem.assertions.revertWithCustomError(ledger.write.payChallengerReward([cheat.commitmentId]), ledger, "LedgerRewardNotFinal");

    // The operator stalls the honest game; the challenger claims the timeout and is paid in the same transaction.
    await networkHelpers.time.increase(MOVE_TIMEOUT);
    await resolver.write.claimTimeout([honest], { account: challenger.account });
    tally = await ledger.read.getDisputeTally([cheat.commitmentId]);
    expect(tally.rewardee.toLowerCase()).to.equal(challenger.account.address.toLowerCase());
    expect([tally.rewardAccusation, tally.rewardPaid, tally.open]).to.deep.equal([Number(honest), true, 0]);
    expect(await ledger.read.inferenceStatus([cheat.commitmentId, BigInt(WRONG_LEAF)])).to.equal(InferenceStatus.Fraudulent);

    expect(await books.delta()).to.deep.equal({ operator: -slashed, accomplice: 0n, challenger: reward, treasury: slashed - reward });
    expect(await system.stakeManager.read.escrowed()).to.equal(0n);
  });

  it("pays the honest challenger when the operator front-runs the honest reveal in the same block", async () => {
    const { ledger, challenger, otherOperator: accomplice } = system;
    const books = await ledgerOf(system, parties);
    const cheat = await cheatingBatch(system);
    // The honest commit is mined: it hides which commitment it accuses.
    const salt = `0x${"5a".repeat(32)}` as Hex;
    const honestHash = challengeCommitHash({ challenger: challenger.account.address, commitmentId: cheat.commitmentId, leafIndex: BigInt(WRONG_LEAF), claimedOutputHash: cheat.target.claim, salt });
    await ledger.write.commitChallenge([honestHash], { account: challenger.account });
    const honest = await ledger.read.disputeCount();

    // The reveal shows the target; the operator's accomplice commits and reveals in front of it, in the same block.
    const ownSalt = `0x${"a5".repeat(32)}` as Hex;
    const ownHash = challengeCommitHash({ challenger: accomplice.account.address, commitmentId: cheat.commitmentId, leafIndex: BigInt(WRONG_LEAF), claimedOutputHash: cheat.target.claim, salt: ownSalt });
    const args = (s: Hex) => [cheat.commitmentId, BigInt(WRONG_LEAF), cheat.target.inference, cheat.target.proof, cheat.target.claim, s] as const;
    await inOneBlock([
      (fees) => ledger.write.commitChallenge([ownHash], { account: accomplice.account, ...fees }),
      (fees) => ledger.write.challenge(args(ownSalt), { account: accomplice.account, ...fees }),
      (fees) => ledger.write.challenge(args(salt), { account: challenger.account, ...fees }),
    ]);
    const own = honest + 1n;
    expect((await ledger.read.getDispute([own])).challenger.toLowerCase()).to.equal(accomplice.account.address.toLowerCase());
    expect((await ledger.read.getDispute([honest])).challenger.toLowerCase()).to.equal(challenger.account.address.toLowerCase());

    // The accomplice's game ends first; the honest one is played to the end too.
    await playOut(system, own, cheat, accomplice);
    await playOut(system, honest, cheat, challenger);
    await networkHelpers.time.increase(CHALLENGE_WINDOW + 1);
    await ledger.write.payChallengerReward([cheat.commitmentId]);

    expect(await books.delta()).to.deep.equal({ operator: -slashed, accomplice: 0n, challenger: reward, treasury: slashed - reward });
  });

  it("pays the honest challenger when the operator answers with a data demand it leaves unanswered", async () => {
    const { ledger, resolver, challenger, otherOperator: accomplice } = system;
    const books = await ledgerOf(system, parties);
    const cheat = await cheatingBatch(system);
    const honest = await accuseAs(system, challenger, cheat.target);
    // The accomplice demands the input of the same leaf and the operator withholds it: slashed as if at fault.
    const demand = await accuseAs(system, accomplice, { ...cheat.target, claim: undefined });
    await networkHelpers.time.increase(Number(await ledger.read.dataAnswerWindow()) + 1);
    await ledger.write.expireDataDemand([demand, cheat.commitmentId, BigInt(WRONG_LEAF), cheat.target.inference.inputHash]);
    expect((await ledger.read.getDisputeTally([cheat.commitmentId])).rewardAccusation).to.equal(Number(demand));

    await networkHelpers.time.increase(MOVE_TIMEOUT);
    await resolver.write.claimTimeout([honest], { account: challenger.account });
    expect(await books.delta()).to.deep.equal({ operator: -slashed, accomplice: 0n, challenger: reward, treasury: slashed - reward });
  });

  it("a self-challenge committed before anyone else costs the operator half its bond and marks its inference fraudulent", async () => {
    const { ledger, challenger, otherOperator: accomplice } = system;
    const books = await ledgerOf(system, parties);
    const cheat = await cheatingBatch(system);
    // A blind front-run of the honest commit is indistinguishable from a proactive self-challenge: the commit
    // names nothing, so the operator can only guess, and it must reveal (exposing its fraud) or forfeit.
    const salt = `0x${"5a".repeat(32)}` as Hex;
    const ownSalt = `0x${"a5".repeat(32)}` as Hex;
    const hashOf = (who: Hex, s: Hex) =>
      challengeCommitHash({ challenger: who, commitmentId: cheat.commitmentId, leafIndex: BigInt(WRONG_LEAF), claimedOutputHash: cheat.target.claim, salt: s });
    await inOneBlock([
      (fees) => ledger.write.commitChallenge([hashOf(accomplice.account.address, ownSalt)], { account: accomplice.account, ...fees }),
      (fees) => ledger.write.commitChallenge([hashOf(challenger.account.address, salt)], { account: challenger.account, ...fees }),
    ]);
    const own = (await ledger.read.disputeCount()) - 1n;
    const args = (s: Hex) => [cheat.commitmentId, BigInt(WRONG_LEAF), cheat.target.inference, cheat.target.proof, cheat.target.claim, s] as const;
    await ledger.write.challenge(args(ownSalt), { account: accomplice.account });
    await ledger.write.challenge(args(salt), { account: challenger.account });
    await playOut(system, own, cheat, accomplice);
    await playOut(system, own + 1n, cheat, challenger);
    await networkHelpers.time.increase(CHALLENGE_WINDOW + 1);
    await ledger.write.payChallengerReward([cheat.commitmentId]);

    const delta = await books.delta();
    expect(delta).to.deep.equal({ operator: -slashed, accomplice: reward, challenger: 0n, treasury: slashed - reward });
    expect(delta.operator + delta.accomplice).to.equal(-(slashed - reward));
    // It gained nothing: the forged inference is fraudulent and the rest of the batch void, never settled.
    expect(await ledger.read.inferenceStatus([cheat.commitmentId, BigInt(WRONG_LEAF)])).to.equal(InferenceStatus.Fraudulent);
    expect(await ledger.read.inferenceStatus([cheat.commitmentId, 0n])).to.equal(InferenceStatus.Voided);
  });
});
