import { expect } from "chai";
import { keccak256, stringToBytes } from "viem";
import {
  BOND_PER_INFERENCE,
  CHALLENGER_BOND,
  accuseAs,
  commitAccusation,
  INITIAL_RESERVE,
  INITIAL_STAKE,
  BPS,
  commitBatch,
  commitOne,
  loadSystem,
  networkHelpers,
  sampleInference,
  viem,
  type System,
} from "../helpers/system.ts";

const CLAIM = keccak256(stringToBytes("the output the challenger computed"));
const [OPERATOR_FAULT, CHALLENGER_FAULT, NO_FAULT] = [1, 2, 3] as const;

describe("InferenceLedger: dispute outcomes", () => {
  let system: System;
  beforeEach(async () => {
    system = await loadSystem();
  });

  async function batchUnderDispute(size = 8, leaf = 3) {
    const items = Array.from({ length: size }, (_, i) => sampleInference(i));
    const batch = await commitBatch(system, items);
    await accuseAs(system, system.challenger, { commitmentId: batch.id, leafIndex: leaf, inference: items[leaf], proof: batch.proof(leaf), claim: CLAIM });
    return { ...batch, items };
  }

  async function vote(disputeId: bigint, operatorAtFault: boolean, voters = 2) {
    for (const arbiter of system.arbiters.slice(0, voters)) {
      await system.committeeResolver.write.vote([disputeId, operatorAtFault], { account: arbiter.account });
    }
  }

  it("slashes the whole batch bond when the committee finds the operator at fault, and pays the reward once final", async () => {
    const { ledger, stakeManager, token, operator, challenger, deployer } = system;
    const batch = await batchUnderDispute(8, 3);
    const bond = 8n * BOND_PER_INFERENCE;
    const reward = (bond * BigInt(await ledger.read.challengerRewardBps())) / BPS;

    await system.committeeResolver.write.vote([1n, true], { account: system.arbiters[0].account });
    const decisive = system.committeeResolver.write.vote([1n, true], { account: system.arbiters[1].account });
    await viem.assertions.emitWithArgs(decisive, ledger, "CommitmentSlashed", [
      batch.id,
      (a: string) => a.toLowerCase() === operator.account.address.toLowerCase(),
      1n,
      3n,
      bond,
      reward,
    ] as never);

    expect((await ledger.read.getCommitment([batch.id])).status).to.equal(4); // Slashed
    expect((await ledger.read.getDispute([1n])).status).to.equal(2); // OperatorFault
    expect(await ledger.read.inferenceStatus([batch.id, 3n])).to.equal(4); // Fraudulent
    for (const i of [0n, 2n, 4n, 7n]) expect(await ledger.read.inferenceStatus([batch.id, i])).to.equal(5); // Voided
    expect(await stakeManager.read.stakeOf([operator.account.address])).to.deep.equal({
      free: INITIAL_STAKE - INITIAL_RESERVE,
      locked: INITIAL_RESERVE - bond,
    });
    expect(await ledger.read.bondReserveOf([operator.account.address])).to.equal(INITIAL_RESERVE - bond);
    // The bond is back at once; the reward waits in escrow until no earlier-committed accusation can appear.
    expect(await stakeManager.read.creditOf([challenger.account.address])).to.equal(CHALLENGER_BOND);
    expect(await stakeManager.read.creditOf([deployer.account.address])).to.equal(bond - reward); // treasury
    expect(await stakeManager.read.escrowed()).to.equal(reward);
    const tally = await ledger.read.getDisputeTally([batch.id]);
    expect(tally.rewardee.toLowerCase()).to.equal(challenger.account.address.toLowerCase());
    expect([tally.rewardAccusation, tally.rewardPaid]).to.deep.equal([1, false]);
    // Until the window closes, an accusation committed earlier could still be revealed.
    const deadline = (await ledger.read.getCommitment([batch.id])).challengeDeadline;
    await viem.assertions.revertWithCustomErrorWithArgs(ledger.write.payChallengerReward([batch.id]), ledger, "LedgerRewardNotFinal", [
      batch.id,
      0,
      deadline,
    ]);
    await networkHelpers.time.setNextBlockTimestamp(BigInt(deadline) + 1n);
    await viem.assertions.emitWithArgs(ledger.write.payChallengerReward([batch.id]), ledger, "ChallengerRewarded", [
      batch.id,
      1n,
      (a: string) => a.toLowerCase() === challenger.account.address.toLowerCase(),
      reward,
    ] as never);
    await viem.assertions.revertWithCustomErrorWithArgs(ledger.write.payChallengerReward([batch.id]), ledger, "LedgerNoReward", [batch.id]);
    expect(await stakeManager.read.creditOf([challenger.account.address])).to.equal(reward + CHALLENGER_BOND);
    expect(await stakeManager.read.escrowed()).to.equal(0n);

    const before = await token.read.balanceOf([challenger.account.address]);
    await stakeManager.write.claim({ account: challenger.account });
    expect(await token.read.balanceOf([challenger.account.address])).to.equal(before + reward + CHALLENGER_BOND);
    expect(await stakeManager.read.creditOf([challenger.account.address])).to.equal(0n);
  });

  it("keeps a slashed commitment terminal: no settlement, no accusation committed after the winning one", async () => {
    const { ledger, stranger } = system;
    const batch = await batchUnderDispute(4, 1);
    await vote(1n, true);
    const late = await commitAccusation(system, stranger, { commitmentId: batch.id, leafIndex: 0, claim: CLAIM });
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.challenge([batch.id, 0n, batch.items[0], batch.proof(0), CLAIM, late.salt], { account: stranger.account }),
      ledger,
      "LedgerAccusationTooLate",
      [batch.id, late.id, 1n],
    );
    await networkHelpers.time.increase(601);
    await viem.assertions.revertWithCustomErrorWithArgs(ledger.write.settle([batch.id]), ledger, "LedgerCommitmentStatusInvalid", [batch.id, 4]);
    expect((await ledger.simulate.settleMany([[batch.id]])).result).to.equal(0n);
  });

  it("gives a losing challenger's bond to the operator, less the burned share, and lets the commitment settle", async () => {
    const { ledger, stakeManager, operator, challenger, deployer } = system;
    const batch = await batchUnderDispute(4, 2);
    const burned = (CHALLENGER_BOND * BigInt(await ledger.read.challengerBurnBps())) / BPS;
    await vote(1n, false);

    expect((await ledger.read.getDispute([1n])).status).to.equal(3); // ChallengerFault
    expect((await ledger.read.getCommitment([batch.id])).status).to.equal(1); // Pending again
    expect(await ledger.read.inferenceStatus([batch.id, 2n])).to.equal(1);
    expect(await stakeManager.read.creditOf([operator.account.address])).to.equal(CHALLENGER_BOND - burned);
    expect(await stakeManager.read.creditOf([deployer.account.address])).to.equal(burned);
    expect(await stakeManager.read.creditOf([challenger.account.address])).to.equal(0n);

    await networkHelpers.time.increase(601);
    await ledger.write.settle([batch.id]);
    expect(await ledger.read.bondReserveOf([operator.account.address])).to.equal(INITIAL_RESERVE);
  });

  it("refunds the challenger less the burned share when the committee reaches no quorum", async () => {
    const { ledger, stakeManager, committeeResolver, challenger, deployer } = system;
    const batch = await batchUnderDispute(2, 0);
    const burned = (CHALLENGER_BOND * BigInt(await ledger.read.challengerBurnBps())) / BPS;
    await committeeResolver.write.vote([1n, true], { account: system.arbiters[0].account });
    await networkHelpers.time.increase(3601);
    await viem.assertions.emitWithArgs(committeeResolver.write.closeWithoutQuorum([1n]), ledger, "DisputeResolved", [1n, batch.id, 4]);
    expect(await stakeManager.read.creditOf([challenger.account.address])).to.equal(CHALLENGER_BOND - burned);
    expect(await stakeManager.read.creditOf([deployer.account.address])).to.equal(burned);
    expect((await ledger.read.getCommitment([batch.id])).status).to.equal(1);
  });

  it("pays later disputes on a slashed commitment only their own bonds, and the reward to the earliest", async () => {
    const { ledger, stakeManager, challenger, stranger, operator } = system;
    const items = Array.from({ length: 4 }, (_, i) => sampleInference(i));
    const batch = await commitBatch(system, items);
    for (const [who, leaf] of [[challenger, 1], [stranger, 2], [stranger, 3]] as const) {
      await accuseAs(system, who, { commitmentId: batch.id, leafIndex: leaf, inference: items[leaf], proof: batch.proof(leaf), claim: CLAIM });
    }
    const reward = (4n * BOND_PER_INFERENCE * BigInt(await ledger.read.challengerRewardBps())) / BPS;
    await vote(2n, true); // the stranger's dispute slashes the whole bond first
    const strangerCredit = await stakeManager.read.creditOf([stranger.account.address]);
    expect(strangerCredit).to.equal(CHALLENGER_BOND);
    await vote(1n, true); // the challenger's dispute, committed earlier, proves the operator at fault too
    expect(await stakeManager.read.creditOf([challenger.account.address])).to.equal(CHALLENGER_BOND);
    await networkHelpers.time.increase(601); // past the challenge window
    await vote(3n, false); // the stranger was wrong on leaf 3: the operator still earns its bond; the last close pays
    expect(await stakeManager.read.creditOf([operator.account.address])).to.equal(CHALLENGER_BOND - (CHALLENGER_BOND * BigInt(await ledger.read.challengerBurnBps())) / BPS);
    expect(await stakeManager.read.creditOf([challenger.account.address])).to.equal(CHALLENGER_BOND + reward);
    expect(await stakeManager.read.creditOf([stranger.account.address])).to.equal(strangerCredit);
    const tally = await ledger.read.getDisputeTally([batch.id]);
    expect([tally.open, tally.fraudulentLeaf, tally.rewardAccusation, tally.rewardPaid]).to.deep.equal([0, 2, 1, true]);
    expect((await ledger.read.getCommitment([batch.id])).status).to.equal(4);
    expect(await stakeManager.read.escrowed()).to.equal(0n);
  });

  it("closes a dispute its resolver never reports once the protocol bound has passed, burning the share", async () => {
    const { ledger, registry, stakeManager, challenger } = system;
    const refund = CHALLENGER_BOND - (CHALLENGER_BOND * BigInt(await ledger.read.challengerBurnBps())) / BPS;
    const batch = await batchUnderDispute(2, 1);
    const openedAt = BigInt((await ledger.read.getDispute([1n])).openedAt);
    const expiresAt = openedAt + BigInt(await registry.read.maxDisputeDuration());
    await networkHelpers.time.setNextBlockTimestamp(expiresAt);
    await viem.assertions.revertWithCustomErrorWithArgs(ledger.write.expireDispute([1n]), ledger, "LedgerDisputeNotExpired", [1n, expiresAt]);
    await networkHelpers.time.setNextBlockTimestamp(expiresAt + 1n);
    await viem.assertions.emitWithArgs(ledger.write.expireDispute([1n]), ledger, "DisputeResolved", [1n, batch.id, 4]);
    expect(await stakeManager.read.creditOf([challenger.account.address])).to.equal(refund);
    // The committee's ballot can still be closed, and reports nothing the ledger has already settled.
    await viem.assertions.revertWithCustomErrorWithArgs(
      system.committeeResolver.write.vote([1n, true], { account: system.arbiters[0].account }),
      system.committeeResolver,
      "CommitteeVotingEnded",
      [1n, (await system.committeeResolver.read.getBallot([1n])).deadline],
    );
    await system.committeeResolver.write.closeWithoutQuorum([1n]);
    expect((await system.committeeResolver.read.getBallot([1n])).status).to.equal(3); // NoQuorum
    expect((await ledger.read.getDispute([1n])).status).to.equal(4); // still NoFault, from the expiry
    expect(await stakeManager.read.creditOf([challenger.account.address])).to.equal(refund);
  });

  describe("the resolver callback", () => {
    async function manualModel() {
      const { registry, ledger, modelSpec, deployer } = system;
      const resolver = await viem.deployContract("ManualResolver", [ledger.address]);
      await registry.write.approveResolver([resolver.address], { account: deployer.account });
      const spec = { ...modelSpec, resolver: resolver.address, weightsRoot: keccak256(stringToBytes("manual")) };
      await registry.write.registerModel([spec], { account: deployer.account });
      const modelId = await registry.read.computeModelId([deployer.account.address, spec]);
      const inference = sampleInference(42);
      const id = await commitOne({ ...system, modelId }, inference);
      await accuseAs(system, system.challenger, { commitmentId: id, leafIndex: 0, inference, proof: [], claim: CLAIM });
      return { resolver, id };
    }

    it("accepts each final outcome once, from the dispute's resolver only", async () => {
      const { ledger, stranger } = system;
      const { resolver, id } = await manualModel();
      await viem.assertions.revertWithCustomError(ledger.write.resolveDispute([1n, NO_FAULT], { account: stranger.account }), ledger, "LedgerNotResolver");
      await viem.assertions.revertWithCustomErrorWithArgs(resolver.write.report([1n, 0]), ledger, "LedgerInvalidOutcome", [1n, 0]);
      await viem.assertions.revertWithCustomErrorWithArgs(resolver.write.report([2n, NO_FAULT]), ledger, "LedgerDisputeNotFound", [2n]);
      await resolver.write.report([1n, CHALLENGER_FAULT]);
      await viem.assertions.revertWithCustomErrorWithArgs(resolver.write.report([1n, OPERATOR_FAULT]), ledger, "LedgerDisputeClosed", [1n, 3]);
      expect((await ledger.read.getCommitment([id])).status).to.equal(1);
    });
  });
});
