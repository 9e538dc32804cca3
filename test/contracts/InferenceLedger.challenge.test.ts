import { expect } from "chai";
import { keccak256, stringToBytes } from "viem";
import {
  CHALLENGER_BOND,
  commitBatch,
  commitOne,
  loadSystem,
  networkHelpers,
  sampleInference,
  viem,
  type System,
} from "../helpers/system.ts";

const WRONG = keccak256(stringToBytes("the output the challenger computed"));

describe("InferenceLedger: challenges", () => {
  let system: System;
  beforeEach(async () => {
    system = await loadSystem();
  });

  it("opens a dispute on a batch leaf with a valid proof, escrowing the exact bond", async () => {
    const { ledger, stakeManager, committeeResolver, token, challenger, modelId, operator } = system;
    const items = Array.from({ length: 7 }, (_, i) => sampleInference(i));
    const batch = await commitBatch(system, items);
    expect(await ledger.read.challengeBond([batch.id])).to.equal(CHALLENGER_BOND);
    const balanceBefore = await token.read.balanceOf([challenger.account.address]);

    const tx = ledger.write.challenge([batch.id, 6n, items[6], batch.proof(6), WRONG], { account: challenger.account });
    await viem.assertions.emitWithArgs(tx, ledger, "DisputeOpened", [
      1n,
      batch.id,
      (a: string) => a.toLowerCase() === challenger.account.address.toLowerCase(),
      6n,
      WRONG,
      (a: string) => a.toLowerCase() === committeeResolver.address.toLowerCase(),
      CHALLENGER_BOND,
    ] as never);

    expect(await token.read.balanceOf([challenger.account.address])).to.equal(balanceBefore - CHALLENGER_BOND);
    expect(await stakeManager.read.escrowed()).to.equal(CHALLENGER_BOND);
    const dispute = await ledger.read.getDispute([1n]);
    expect(dispute.commitmentId).to.equal(batch.id);
    expect(dispute.leafIndex).to.equal(6);
    expect(dispute.status).to.equal(1); // Open
    expect(dispute.bond).to.equal(CHALLENGER_BOND);
    expect((await ledger.read.getCommitment([batch.id])).status).to.equal(2); // Disputed
    expect(await ledger.read.getDisputeTally([batch.id])).to.deep.equal({ open: 1, total: 1, fraudulentLeaf: 0 });
    expect(await ledger.read.inferenceStatus([batch.id, 6n])).to.equal(2); // Disputed
    expect(await ledger.read.inferenceStatus([batch.id, 5n])).to.equal(1); // Pending
    expect((await committeeResolver.read.getBallot([1n])).status).to.equal(1); // Voting
    expect(await ledger.read.disputeCount()).to.equal(1n);
    void modelId;
    void operator;
  });

  it("accepts a proof for every leaf of batches of many shapes", async () => {
    const { ledger, challenger } = system;
    let seed = 1000;
    for (const size of [1, 2, 3, 5, 8, 9, 16, 17]) {
      const items = Array.from({ length: size }, () => sampleInference(seed++));
      const batch = await commitBatch(system, items);
      for (let i = 0; i < size; i++) {
        await ledger.simulate.challenge([batch.id, BigInt(i), items[i], batch.proof(i), WRONG], { account: challenger.account.address });
      }
    }
  });

  it("rejects a wrong index, a tampered proof, a wrong length and a wrong leaf", async () => {
    const { ledger, challenger } = system;
    const items = Array.from({ length: 9 }, (_, i) => sampleInference(i));
    const batch = await commitBatch(system, items);
    const proof = batch.proof(4);
    const cases: [bigint, typeof items[number], readonly `0x${string}`[]][] = [
      [5n, items[4], proof], // the proof of leaf 4 presented as leaf 5
      [4n, items[4], [proof[0], keccak256(stringToBytes("tampered")), ...proof.slice(2)]],
      [4n, items[4], proof.slice(0, -1)],
      [4n, items[4], [...proof, proof[0]]],
      [4n, { ...items[4], outputHash: keccak256(stringToBytes("not committed")) }, proof],
    ];
    for (const [index, item, siblings] of cases) {
      await viem.assertions.revertWithCustomErrorWithArgs(
        ledger.write.challenge([batch.id, index, item, siblings, WRONG], { account: challenger.account }),
        ledger,
        "LedgerInvalidProof",
        [batch.id, index],
      );
    }
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.challenge([batch.id, 9n, items[0], proof, WRONG], { account: challenger.account }),
      ledger,
      "LedgerLeafIndexOutOfRange",
      [batch.id, 9n, 9],
    );
  });

  it("rejects a claim equal to the committed output and unknown commitments", async () => {
    const { ledger, challenger } = system;
    const inference = sampleInference(1);
    const id = await commitOne(system, inference);
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.challenge([id, 0n, inference, [], inference.outputHash], { account: challenger.account }),
      ledger,
      "LedgerClaimMatchesCommitment",
      [id, inference.outputHash],
    );
    const unknown = keccak256(stringToBytes("unknown"));
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.challenge([unknown, 0n, inference, [], WRONG], { account: challenger.account }),
      ledger,
      "LedgerCommitmentNotFound",
      [unknown],
    );
  });

  it("accepts a challenge exactly at the deadline and rejects it one second later", async () => {
    const { ledger, challenger } = system;
    const [a, b] = [sampleInference(1), sampleInference(2)];
    const idA = await commitOne(system, a);
    const deadline = BigInt((await ledger.read.getCommitment([idA])).challengeDeadline);
    const idB = await commitOne(system, b); // one second later, so its deadline is one second later too
    await networkHelpers.time.setNextBlockTimestamp(deadline);
    await ledger.write.challenge([idA, 0n, a, [], WRONG], { account: challenger.account });
    await networkHelpers.time.setNextBlockTimestamp(deadline + 2n);
    const deadlineB = (await ledger.read.getCommitment([idB])).challengeDeadline;
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.challenge([idB, 0n, b, [], WRONG], { account: challenger.account }),
      ledger,
      "LedgerChallengeWindowClosed",
      [idB, deadlineB],
    );
  });

  it("rejects a challenge without an approved bond and leaves no trace", async () => {
    const { ledger, token, stakeManager, stranger } = system;
    const inference = sampleInference(1);
    const id = await commitOne(system, inference);
    await token.write.approve([stakeManager.address, 0n], { account: stranger.account });
    await viem.assertions.revertWithCustomError(
      ledger.write.challenge([id, 0n, inference, [], WRONG], { account: stranger.account }),
      token,
      "ERC20InsufficientAllowance",
    );
    expect(await ledger.read.disputeCount()).to.equal(0n);
    expect((await ledger.read.getCommitment([id])).status).to.equal(1);
  });

  it("lets several challengers dispute the same commitment", async () => {
    const { ledger, challenger, stranger } = system;
    const items = Array.from({ length: 4 }, (_, i) => sampleInference(i));
    const batch = await commitBatch(system, items);
    await ledger.write.challenge([batch.id, 1n, items[1], batch.proof(1), WRONG], { account: challenger.account });
    await ledger.write.challenge([batch.id, 1n, items[1], batch.proof(1), WRONG], { account: stranger.account });
    await ledger.write.challenge([batch.id, 3n, items[3], batch.proof(3), WRONG], { account: stranger.account });
    expect(await ledger.read.getDisputeTally([batch.id])).to.deep.equal({ open: 3, total: 3, fraudulentLeaf: 0 });
  });
});
