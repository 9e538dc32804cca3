// Data availability: when an operator's endpoint withholds an input, anyone demands it on chain; the operator
// publishes it (checked against the committed input hash) before the deadline or is slashed as if at fault.
import { expect } from "chai";
import { decodeEventLog, hexToBytes, toHex, type Hex } from "viem";
import { infer, vectorHash } from "@vinfer/runtime";
import { DataDemandStatus, inferenceLedgerAbi } from "@vinfer/abis";
import { BOND_PER_INFERENCE, BPS, CHALLENGE_DEPOSIT, DATA_ANSWER_WINDOW, CHALLENGE_WINDOW, accuseAs, networkHelpers, viem } from "../helpers/system.ts";
import { ledgerOf } from "../helpers/wealth.ts";
import { commitMnistBatch, loadBisection, mnistBatch, mnistModel, type BisectionSystem } from "../bisection/fixtures.ts";

const bytesOf = (v: Int8Array): Hex => toHex(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
const LEAF = 1;

describe("InferenceLedger: data availability", () => {
  let system: BisectionSystem;
  beforeEach(async () => {
    system = await loadBisection();
  });

  /** Commits three real MNIST inferences and has `demander` demand the input of leaf 1. */
  async function demanded(forgedOutput = false, count = 3) {
    const batch = mnistBatch(count, forgedOutput ? new Map([[LEAF, new Int8Array(10)]]) : new Map());
    const inferences = batch.map((b) => b.inference);
    const { commitmentId, proof } = await commitMnistBatch(system, inferences);
    const demandId = await accuseAs(system, system.stranger, { commitmentId, leafIndex: LEAF, inference: inferences[LEAF], proof: proof(LEAF) });
    const inputHash = inferences[LEAF].inputHash;
    const key = await system.ledger.read.computeDemandKey([demandId, commitmentId, BigInt(LEAF), inputHash]);
    return { batch, inferences, commitmentId, proof, demandId, inputHash, key, input: bytesOf(batch[LEAF].input) };
  }

  it("opens a demand that holds the commitment and answers it with the input, which any challenger can then use", async () => {
    const { ledger, stakeManager, operator, stranger } = system;
    const books = await ledgerOf(system, { operator: operator.account.address, demander: stranger.account.address });
    const d = await demanded(true);
    const demand = await ledger.read.getDataDemand([d.key]);
    expect(demand.status).to.equal(DataDemandStatus.Open);
    expect(demand.demander.toLowerCase()).to.equal(stranger.account.address.toLowerCase());
    expect((await ledger.read.getCommitment([d.commitmentId])).status).to.equal(2); // Disputed
    expect(await ledger.read.inferenceStatus([d.commitmentId, BigInt(LEAF)])).to.equal(2);
    await networkHelpers.time.increase(601);
    await viem.assertions.revertWithCustomError(ledger.write.settle([d.commitmentId]), ledger, "LedgerDisputesOpen");

    // Anyone holding the input may publish it; the operator's daemon does.
    const tx = ledger.write.publishInput([d.demandId, d.commitmentId, BigInt(LEAF), d.input], { account: operator.account });
    await viem.assertions.emitWithArgs(tx, ledger, "InputPublished", [d.demandId, d.commitmentId, BigInt(LEAF), d.input]);
    expect((await ledger.read.getDataDemand([d.key])).status).to.equal(DataDemandStatus.Answered);
    expect((await ledger.read.getCommitment([d.commitmentId])).status).to.equal(1); // Pending again
    expect(await stakeManager.read.escrowed()).to.equal(CHALLENGE_DEPOSIT);
    // Demanding the data of an honest operator costs the demander its deposit, credited to the operator.
    await viem.assertions.emitWithArgs(
      ledger.write.collectDataDemand([d.demandId, d.commitmentId, BigInt(LEAF), d.inputHash]),
      ledger,
      "DataDemandClosed",
      [d.demandId, d.commitmentId, DataDemandStatus.Collected],
    );
    expect(await stakeManager.read.escrowed()).to.equal(0n);
    expect(await books.delta()).to.deep.equal({ operator: CHALLENGE_DEPOSIT, demander: -CHALLENGE_DEPOSIT });
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.collectDataDemand([d.demandId, d.commitmentId, BigInt(LEAF), d.inputHash]),
      ledger,
      "LedgerDataDemandStatusInvalid",
      [d.key, DataDemandStatus.Collected],
    );
    await ledger.write.settle([d.commitmentId]);

    // A watcher reads the published input from the event, re-executes it and finds the forged output.
    const logs = await system.publicClient.getLogs({ address: ledger.address, fromBlock: 0n });
    const published = logs
      .map((log) => decodeEventLog({ abi: inferenceLedgerAbi, ...log, strict: false }))
      .find((e) => e.eventName === "InputPublished");
    const input = new Int8Array(hexToBytes((published!.args as { input: Hex }).input));
    expect(vectorHash(input)).to.equal(d.inputHash);
    const truth = vectorHash(infer(mnistModel(), input));
    expect(truth).to.not.equal(d.inferences[LEAF].outputHash);
  });

  it("refuses an input that does not hash to the committed one, a second answer and a late answer", async () => {
    const { ledger, operator } = system;
    const d = await demanded();
    const wrong = toHex(new Uint8Array(784).fill(1));
    const wrongKey = await ledger.read.computeDemandKey([d.demandId, d.commitmentId, BigInt(LEAF), vectorHash(new Int8Array(784).fill(1))]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.publishInput([d.demandId, d.commitmentId, BigInt(LEAF), wrong], { account: operator.account }),
      ledger,
      "LedgerDataDemandNotFound",
      [wrongKey],
    );
    const deadline = (await ledger.read.getDataDemand([d.key])).deadline;
    await networkHelpers.time.setNextBlockTimestamp(BigInt(deadline) + 1n);
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.publishInput([d.demandId, d.commitmentId, BigInt(LEAF), d.input], { account: operator.account }),
      ledger,
      "LedgerDataAnswerWindowClosed",
      [d.key, deadline],
    );

    const fresh = await demanded(false, 4);
    const freshDeadline = (await ledger.read.getDataDemand([fresh.key])).deadline;
    await networkHelpers.time.setNextBlockTimestamp(BigInt(freshDeadline));
    await ledger.write.publishInput([fresh.demandId, fresh.commitmentId, BigInt(LEAF), fresh.input], { account: operator.account });
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.publishInput([fresh.demandId, fresh.commitmentId, BigInt(LEAF), fresh.input], { account: operator.account }),
      ledger,
      "LedgerDataDemandStatusInvalid",
      [fresh.key, DataDemandStatus.Answered],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.expireDataDemand([fresh.demandId, fresh.commitmentId, BigInt(LEAF), fresh.inputHash]),
      ledger,
      "LedgerDataDemandStatusInvalid",
      [fresh.key, DataDemandStatus.Answered],
    );
  });

  it("slashes the commitment as if at fault when the input is withheld past the deadline", async () => {
    const { ledger, stakeManager, operator, stranger, deployer } = system;
    const books = await ledgerOf(system, { operator: operator.account.address, demander: stranger.account.address, treasury: deployer.account.address });
    const d = await demanded();
    const deadline = (await ledger.read.getDataDemand([d.key])).deadline;
    const expire = () => ledger.write.expireDataDemand([d.demandId, d.commitmentId, BigInt(LEAF), d.inputHash]);
    await networkHelpers.time.setNextBlockTimestamp(BigInt(deadline));
    await viem.assertions.revertWithCustomErrorWithArgs(expire(), ledger, "LedgerDataAnswerWindowOpen", [d.key, deadline]);
    // A refused call mines no block: the next one is the first past the deadline.
    await networkHelpers.time.setNextBlockTimestamp(BigInt(deadline) + 1n);
    await viem.assertions.emitWithArgs(expire(), ledger, "DataDemandClosed", [d.demandId, d.commitmentId, DataDemandStatus.Withheld]);

    const slashed = 3n * BOND_PER_INFERENCE;
    const reward = (slashed * BigInt(await ledger.read.challengerRewardBps())) / BPS;
    expect((await ledger.read.getCommitment([d.commitmentId])).status).to.equal(4); // Slashed
    expect(await ledger.read.inferenceStatus([d.commitmentId, BigInt(LEAF)])).to.equal(4); // Fraudulent
    expect(await ledger.read.inferenceStatus([d.commitmentId, 0n])).to.equal(5); // Voided
    // The answer deadline is past the challenge window, so the reward was paid in the same transaction.
    expect(await books.delta()).to.deep.equal({ operator: -slashed, demander: reward, treasury: slashed - reward });
    expect(await stakeManager.read.escrowed()).to.equal(0n);
    await viem.assertions.revertWithCustomErrorWithArgs(expire(), ledger, "LedgerDataDemandStatusInvalid", [d.key, DataDemandStatus.Withheld]);
    expect(DATA_ANSWER_WINDOW > CHALLENGE_WINDOW).to.equal(true);
  });

  it("pays the escrowed reward when an answer closes the last open accusation on a slashed commitment", async () => {
    const { ledger, stakeManager, operator, stranger, challenger } = system;
    const d = await demanded();
    // A second demander asks for leaf 0 a little later; the operator withholds that one and answers leaf 1.
    await networkHelpers.time.increase(10);
    const other = await accuseAs(system, challenger, { commitmentId: d.commitmentId, leafIndex: 0, inference: d.inferences[0], proof: d.proof(0) });
    const otherKey = await ledger.read.computeDemandKey([other, d.commitmentId, 0n, d.inferences[0].inputHash]);
    const books = await ledgerOf(system, { demander: stranger.account.address, second: challenger.account.address });
    await networkHelpers.time.setNextBlockTimestamp(BigInt((await ledger.read.getDataDemand([d.key])).deadline) + 1n);
    await viem.assertions.emit(
      ledger.write.expireDataDemand([d.demandId, d.commitmentId, BigInt(LEAF), d.inputHash]),
      ledger,
      "CommitmentSlashed",
    );
    // Slashed, but the reward waits: the other demand is still open.
    expect((await stakeManager.read.escrowed()) > CHALLENGE_DEPOSIT).to.equal(true);
    const otherDeadline = (await ledger.read.getDataDemand([otherKey])).deadline;
    expect(Number(otherDeadline) > (await networkHelpers.time.latest())).to.equal(true);
    const reward = (3n * BOND_PER_INFERENCE * BigInt(await ledger.read.challengerRewardBps())) / BPS;
    await viem.assertions.emitWithArgs(
      ledger.write.publishInput([other, d.commitmentId, 0n, bytesOf(d.batch[0].input)], { account: operator.account }),
      ledger,
      "ChallengerRewarded",
      [d.commitmentId, d.demandId, stranger.account.address, reward],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(ledger.write.payChallengerReward([d.commitmentId]), ledger, "LedgerNoReward", [d.commitmentId]);
    // Only the answered demand's deposit stays escrowed, until it is collected.
    expect(await stakeManager.read.escrowed()).to.equal(CHALLENGE_DEPOSIT);
    expect(await books.delta()).to.deep.equal({ demander: CHALLENGE_DEPOSIT + reward, second: 0n });
  });

  it("reports unknown demands, and refuses to collect a deposit before the input is published", async () => {
    const { ledger } = system;
    const d = await demanded();
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.collectDataDemand([d.demandId, d.commitmentId, BigInt(LEAF), d.inputHash]),
      ledger,
      "LedgerDataDemandStatusInvalid",
      [d.key, DataDemandStatus.Open],
    );
    const key = await ledger.read.computeDemandKey([d.demandId + 1n, d.commitmentId, BigInt(LEAF), d.inputHash]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.expireDataDemand([d.demandId + 1n, d.commitmentId, BigInt(LEAF), d.inputHash]),
      ledger,
      "LedgerDataDemandNotFound",
      [key],
    );
  });
});
