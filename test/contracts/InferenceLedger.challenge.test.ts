import { expect } from "chai";
import { keccak256, stringToBytes } from "viem";
import {
  CHALLENGE_DEPOSIT,
  CHALLENGER_BOND,
  REVEAL_WINDOW,
  accuseAs,
  commitAccusation,
  commitBatch,
  commitOne,
  loadSystem,
  networkHelpers,
  sampleInference,
  viem,
  type System,
} from "../helpers/system.ts";

const WRONG = keccak256(stringToBytes("the output the challenger computed"));
const SALT = keccak256(stringToBytes("salt"));

describe("InferenceLedger: challenges", () => {
  let system: System;
  beforeEach(async () => {
    system = await loadSystem();
  });

  it("takes the deposit with a hidden commit, then opens the dispute on reveal with the exact bond", async () => {
    const { ledger, stakeManager, committeeResolver, token, challenger } = system;
    const items = Array.from({ length: 7 }, (_, i) => sampleInference(i));
    const batch = await commitBatch(system, items);
    expect(await ledger.read.challengeBond([batch.id])).to.equal(CHALLENGER_BOND);
    const balanceBefore = await token.read.balanceOf([challenger.account.address]);

    const commitHash = await ledger.read.computeChallengeCommit([challenger.account.address, batch.id, 6n, WRONG, SALT]);
    const committedAt = (await networkHelpers.time.latest()) + 5;
    await networkHelpers.time.setNextBlockTimestamp(committedAt);
    const commitTx = ledger.write.commitChallenge([commitHash], { account: challenger.account });
    await viem.assertions.emitWithArgs(commitTx, ledger, "ChallengeCommitted", [
      1n,
      commitHash,
      (a: string) => a.toLowerCase() === challenger.account.address.toLowerCase(),
      committedAt + REVEAL_WINDOW,
      CHALLENGE_DEPOSIT,
    ] as never);
    // The commit names no commitment: nothing is disputed yet.
    expect(await token.read.balanceOf([challenger.account.address])).to.equal(balanceBefore - CHALLENGE_DEPOSIT);
    expect((await ledger.read.getCommitment([batch.id])).status).to.equal(1);
    expect((await ledger.read.getChallengeCommit([commitHash])).status).to.equal(1); // Committed

    const reveal = ledger.write.challenge([batch.id, 6n, items[6], batch.proof(6), WRONG, SALT], { account: challenger.account });
    await viem.assertions.emitWithArgs(reveal, ledger, "DisputeOpened", [
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
    expect((await ledger.read.getChallengeCommit([commitHash])).status).to.equal(2); // Revealed
    expect((await ledger.read.getCommitment([batch.id])).status).to.equal(2); // Disputed
    expect((await ledger.read.getDisputeTally([batch.id])).open).to.equal(1);
    expect(await ledger.read.inferenceStatus([batch.id, 6n])).to.equal(2); // Disputed
    expect(await ledger.read.inferenceStatus([batch.id, 5n])).to.equal(1); // Pending
    expect((await committeeResolver.read.getBallot([1n])).status).to.equal(1); // Voting
    expect(await ledger.read.disputeCount()).to.equal(1n);
  });

  it("accepts a proof for every leaf of batches of many shapes", async () => {
    const { ledger, challenger } = system;
    let seed = 1000;
    for (const size of [1, 2, 3, 5, 8, 9, 16, 17]) {
      const items = Array.from({ length: size }, () => sampleInference(seed++));
      const batch = await commitBatch(system, items);
      for (let i = 0; i < size; i++) {
        const { salt } = await commitAccusation(system, challenger, { commitmentId: batch.id, leafIndex: i, claim: WRONG });
        await ledger.simulate.challenge([batch.id, BigInt(i), items[i], batch.proof(i), WRONG, salt], { account: challenger.account.address });
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
    const { salt: salt4 } = await commitAccusation(system, challenger, { commitmentId: batch.id, leafIndex: 4, claim: WRONG });
    const { salt: salt5 } = await commitAccusation(system, challenger, { commitmentId: batch.id, leafIndex: 5, claim: WRONG });
    for (const [index, item, siblings] of cases) {
      await viem.assertions.revertWithCustomErrorWithArgs(
        ledger.write.challenge([batch.id, index, item, siblings, WRONG, index === 4n ? salt4 : salt5], { account: challenger.account }),
        ledger,
        "LedgerInvalidProof",
        [batch.id, index],
      );
    }
    const { salt: salt9 } = await commitAccusation(system, challenger, { commitmentId: batch.id, leafIndex: 9, claim: WRONG });
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.challenge([batch.id, 9n, items[0], proof, WRONG, salt9], { account: challenger.account }),
      ledger,
      "LedgerLeafIndexOutOfRange",
      [batch.id, 9n, 9],
    );
  });

  it("rejects a claim equal to the committed output, a missing claim and unknown commitments", async () => {
    const { ledger, challenger } = system;
    const inference = sampleInference(1);
    const id = await commitOne(system, inference);
    const { salt } = await commitAccusation(system, challenger, { commitmentId: id, leafIndex: 0, claim: inference.outputHash });
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.challenge([id, 0n, inference, [], inference.outputHash, salt], { account: challenger.account }),
      ledger,
      "LedgerClaimMatchesCommitment",
      [id, inference.outputHash],
    );
    const unknown = keccak256(stringToBytes("unknown"));
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.challenge([unknown, 0n, inference, [], WRONG, SALT], { account: challenger.account }),
      ledger,
      "LedgerCommitmentNotFound",
      [unknown],
    );
  });

  it("reveals only the sender's own commit, once, and never another accusation than the one committed", async () => {
    const { ledger, challenger, stranger } = system;
    const items = Array.from({ length: 4 }, (_, i) => sampleInference(i));
    const batch = await commitBatch(system, items);
    const { salt, commitHash } = await commitAccusation(system, challenger, { commitmentId: batch.id, leafIndex: 2, claim: WRONG });
    const reveal = (who = challenger, leaf = 2n, claim = WRONG, s = salt) =>
      ledger.write.challenge([batch.id, leaf, items[Number(leaf)], batch.proof(Number(leaf)), claim, s], { account: who.account });
    const hashOf = (who: string, leaf: bigint, claim: `0x${string}`, s: `0x${string}`) =>
      ledger.read.computeChallengeCommit([who as `0x${string}`, batch.id, leaf, claim, s]);

    // A copied reveal from another account, another leaf, another claim or another salt matches no commit.
    for (const [who, leaf, claim, s] of [
      [stranger, 2n, WRONG, salt],
      [challenger, 3n, WRONG, salt],
      [challenger, 2n, keccak256(stringToBytes("other")), salt],
      [challenger, 2n, WRONG, SALT],
    ] as const) {
      await viem.assertions.revertWithCustomErrorWithArgs(reveal(who, leaf, claim, s), ledger, "LedgerChallengeCommitNotFound", [
        await hashOf(who.account.address, leaf, claim, s),
      ]);
    }
    await reveal();
    await viem.assertions.revertWithCustomErrorWithArgs(reveal(), ledger, "LedgerChallengeCommitClosed", [commitHash, 2]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.commitChallenge([commitHash], { account: challenger.account }),
      ledger,
      "LedgerChallengeCommitExists",
      [commitHash],
    );
  });

  it("accepts a reveal at the end of the reveal window and rejects it one second later", async () => {
    const { ledger, challenger } = system;
    const items = Array.from({ length: 2 }, (_, i) => sampleInference(i));
    const batch = await commitBatch(system, items);
    const a = await commitAccusation(system, challenger, { commitmentId: batch.id, leafIndex: 0, claim: WRONG });
    const b = await commitAccusation(system, challenger, { commitmentId: batch.id, leafIndex: 1, claim: WRONG });
    const revealDeadlineA = BigInt((await ledger.read.getChallengeCommit([a.commitHash])).committedAt) + BigInt(REVEAL_WINDOW);
    await networkHelpers.time.setNextBlockTimestamp(revealDeadlineA);
    await ledger.write.challenge([batch.id, 0n, items[0], batch.proof(0), WRONG, a.salt], { account: challenger.account });
    const revealDeadlineB = BigInt((await ledger.read.getChallengeCommit([b.commitHash])).committedAt) + BigInt(REVEAL_WINDOW);
    await networkHelpers.time.setNextBlockTimestamp(revealDeadlineB + 1n);
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.challenge([batch.id, 1n, items[1], batch.proof(1), WRONG, b.salt], { account: challenger.account }),
      ledger,
      "LedgerRevealWindowClosed",
      [b.commitHash, revealDeadlineB],
    );
  });

  it("accepts a reveal exactly at the challenge deadline and rejects it one second later", async () => {
    const { ledger, challenger } = system;
    const [a, b] = [sampleInference(1), sampleInference(2)];
    const idA = await commitOne(system, a);
    const deadline = BigInt((await ledger.read.getCommitment([idA])).challengeDeadline);
    const idB = await commitOne(system, b); // one second later, so its deadline is one second later too
    await networkHelpers.time.setNextBlockTimestamp(deadline - 10n); // commits inside both windows and their reveal windows
    const commitA = await commitAccusation(system, challenger, { commitmentId: idA, leafIndex: 0, claim: WRONG });
    const commitB = await commitAccusation(system, challenger, { commitmentId: idB, leafIndex: 0, claim: WRONG });
    await networkHelpers.time.setNextBlockTimestamp(deadline);
    await ledger.write.challenge([idA, 0n, a, [], WRONG, commitA.salt], { account: challenger.account });
    await networkHelpers.time.setNextBlockTimestamp(deadline + 2n);
    const deadlineB = (await ledger.read.getCommitment([idB])).challengeDeadline;
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.challenge([idB, 0n, b, [], WRONG, commitB.salt], { account: challenger.account }),
      ledger,
      "LedgerChallengeWindowClosed",
      [idB, deadlineB],
    );
  });

  it("sends the deposit of a commit never revealed to the treasury, after its reveal window only", async () => {
    const { ledger, stakeManager, challenger, stranger, deployer } = system;
    const inference = sampleInference(1);
    const id = await commitOne(system, inference);
    const { commitHash, id: commitId } = await commitAccusation(system, challenger, { commitmentId: id, leafIndex: 0, claim: WRONG });
    const revealDeadline = BigInt((await ledger.read.getChallengeCommit([commitHash])).committedAt) + BigInt(REVEAL_WINDOW);
    await networkHelpers.time.setNextBlockTimestamp(revealDeadline);
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.forfeitChallengeCommit([commitHash], { account: stranger.account }),
      ledger,
      "LedgerRevealWindowOpen",
      [commitHash, revealDeadline],
    );
    const treasuryBefore = await stakeManager.read.creditOf([deployer.account.address]);
    await networkHelpers.time.setNextBlockTimestamp(revealDeadline + 1n); // the refused call mined no block
    await viem.assertions.emitWithArgs(
      ledger.write.forfeitChallengeCommit([commitHash], { account: stranger.account }),
      ledger,
      "ChallengeCommitForfeited",
      [commitId, commitHash, CHALLENGE_DEPOSIT],
    );
    expect(await stakeManager.read.creditOf([deployer.account.address])).to.equal(treasuryBefore + CHALLENGE_DEPOSIT);
    expect(await stakeManager.read.escrowed()).to.equal(0n);
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.forfeitChallengeCommit([commitHash], { account: stranger.account }),
      ledger,
      "LedgerChallengeCommitClosed",
      [commitHash, 3],
    );
    const unknown = keccak256(stringToBytes("never committed"));
    await viem.assertions.revertWithCustomErrorWithArgs(ledger.write.forfeitChallengeCommit([unknown]), ledger, "LedgerChallengeCommitNotFound", [unknown]);
    expect((await ledger.read.getCommitment([id])).status).to.equal(1); // untouched
  });

  it("rejects a commit without an approved deposit and leaves no trace", async () => {
    const { ledger, token, stakeManager, stranger } = system;
    const inference = sampleInference(1);
    const id = await commitOne(system, inference);
    await token.write.approve([stakeManager.address, 0n], { account: stranger.account });
    const commitHash = await ledger.read.computeChallengeCommit([stranger.account.address, id, 0n, WRONG, SALT]);
    await viem.assertions.revertWithCustomError(
      ledger.write.commitChallenge([commitHash], { account: stranger.account }),
      token,
      "ERC20InsufficientAllowance",
    );
    expect(await ledger.read.disputeCount()).to.equal(0n);
    expect((await ledger.read.getChallengeCommit([commitHash])).status).to.equal(0);
    expect((await ledger.read.getCommitment([id])).status).to.equal(1);
  });

  it("lets several challengers dispute the same commitment", async () => {
    const { ledger, challenger, stranger } = system;
    const items = Array.from({ length: 4 }, (_, i) => sampleInference(i));
    const batch = await commitBatch(system, items);
    for (const [who, leaf] of [[challenger, 1], [stranger, 1], [stranger, 3]] as const) {
      await accuseAs(system, who, { commitmentId: batch.id, leafIndex: leaf, inference: items[leaf], proof: batch.proof(leaf), claim: WRONG });
    }
    expect((await ledger.read.getDisputeTally([batch.id])).open).to.equal(3);
  });
});
