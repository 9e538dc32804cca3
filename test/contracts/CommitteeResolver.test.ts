import { expect } from "chai";
import { keccak256, stringToBytes, zeroAddress } from "viem";
import { accuseAs, commitOne, loadSystem, networkHelpers, sampleInference, viem, type System } from "../helpers/system.ts";

/** A dispute context as a ledger would send it; the committee reads only the ids. */
function disputeContext(disputeId: bigint, operator: `0x${string}`, challenger: `0x${string}`) {
  const tag = (s: string) => keccak256(stringToBytes(s));
  return {
    disputeId,
    commitmentId: tag("c"),
    modelId: tag("m"),
    operator,
    challenger,
    leafIndex: 0n,
    requestId: tag("r"),
    inputHash: tag("i"),
    outputHash: tag("o"),
    claimedOutputHash: tag("x"),
    weightsRoot: tag("w"),
    traceLength: 0,
  };
}

describe("CommitteeResolver", () => {
  let system: System;
  let disputeId: bigint;
  beforeEach(async () => {
    system = await loadSystem();
    const inference = sampleInference(1);
    const id = await commitOne(system, inference);
    disputeId = await accuseAs(system, system.challenger, { commitmentId: id, leafIndex: 0, inference, proof: [], claim: keccak256(stringToBytes("x")) });
  });

  it("is configured with its committee, threshold and period", async () => {
    const { committeeResolver, arbiters, ledger } = system;
    expect((await committeeResolver.read.arbiters()).map((a) => a.toLowerCase())).to.deep.equal(
      arbiters.map((a) => a.account.address.toLowerCase()),
    );
    expect(await committeeResolver.read.threshold()).to.equal(2);
    expect(await committeeResolver.read.votingPeriod()).to.equal(3600);
    expect(await committeeResolver.read.maxDisputeDuration()).to.equal(3600n);
    expect((await committeeResolver.read.ledger()).toLowerCase()).to.equal(ledger.address.toLowerCase());
    expect(await committeeResolver.read.isArbiter([arbiters[0].account.address])).to.equal(true);
  });

  it("records votes and refuses strangers, double votes and late votes", async () => {
    const { committeeResolver, arbiters, stranger } = system;
    await viem.assertions.emitWithArgs(
      committeeResolver.write.vote([disputeId, true], { account: arbiters[0].account }),
      committeeResolver,
      "VoteCast",
      [disputeId, (a: string) => a.toLowerCase() === arbiters[0].account.address.toLowerCase(), true] as never,
    );
    expect(await committeeResolver.read.hasVoted([disputeId, arbiters[0].account.address])).to.equal(true);
    await viem.assertions.revertWithCustomError(
      committeeResolver.write.vote([disputeId, true], { account: arbiters[0].account }),
      committeeResolver,
      "CommitteeAlreadyVoted",
    );
    await viem.assertions.revertWithCustomError(
      committeeResolver.write.vote([disputeId, true], { account: stranger.account }),
      committeeResolver,
      "CommitteeNotArbiter",
    );
    const ballot = await committeeResolver.read.getBallot([disputeId]);
    expect(ballot.faultVotes).to.equal(1);
    await networkHelpers.time.setNextBlockTimestamp(BigInt(ballot.deadline) + 1n);
    await viem.assertions.revertWithCustomErrorWithArgs(
      committeeResolver.write.vote([disputeId, true], { account: arbiters[1].account }),
      committeeResolver,
      "CommitteeVotingEnded",
      [disputeId, ballot.deadline],
    );
  });

  it("closes without quorum only after the period, and only once", async () => {
    const { committeeResolver } = system;
    const { deadline } = await committeeResolver.read.getBallot([disputeId]);
    await networkHelpers.time.setNextBlockTimestamp(BigInt(deadline));
    await viem.assertions.revertWithCustomErrorWithArgs(
      committeeResolver.write.closeWithoutQuorum([disputeId]),
      committeeResolver,
      "CommitteeVotingOngoing",
      [disputeId, deadline],
    );
    await networkHelpers.time.setNextBlockTimestamp(BigInt(deadline) + 1n);
    await committeeResolver.write.closeWithoutQuorum([disputeId]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      committeeResolver.write.closeWithoutQuorum([disputeId]),
      committeeResolver,
      "CommitteeBallotClosed",
      [disputeId, 3],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      committeeResolver.write.vote([7n, true], { account: system.arbiters[0].account }),
      committeeResolver,
      "CommitteeBallotNotFound",
      [7n],
    );
  });

  it("accepts disputes only from its ledger", async () => {
    const { committeeResolver, stranger } = system;
    const ctx = disputeContext(99n, stranger.account.address, stranger.account.address);
    await viem.assertions.revertWithCustomError(
      committeeResolver.write.openDispute([ctx], { account: stranger.account }),
      committeeResolver,
      "CommitteeOnlyLedger",
    );
  });

  it("refuses committees without a majority threshold, with duplicates or zero members", async () => {
    const { committeeResolver, ledger, arbiters } = system;
    const [a, b, c] = arbiters.map((w) => w.account.address);
    const bad: [readonly `0x${string}`[], number, number][] = [
      [[a, b, c], 1, 60], // 1 of 3 is no majority: both sides could decide
      [[a, b, c], 4, 60],
      [[a, a, c], 2, 60],
      [[a, zeroAddress, c], 2, 60],
      [[], 0, 60],
      [[a, b, c], 2, 0],
    ];
    for (const [members, threshold, period] of bad) {
      await viem.assertions.revertWithCustomError(
        viem.deployContract("CommitteeResolver", [ledger.address, members, threshold, period]),
        committeeResolver,
        "CommitteeInvalidConfiguration",
      );
    }
  });
});

describe("CommitteeResolver opened by its ledger", () => {
  it("refuses to open the same dispute twice", async () => {
    const system = await loadSystem();
    const ledgerAccount = system.stranger.account;
    const committee = await viem.deployContract("CommitteeResolver", [
      ledgerAccount.address,
      system.arbiters.map((a) => a.account.address),
      2,
      60,
    ]);
    const ctx = disputeContext(5n, system.operator.account.address, system.challenger.account.address);
    await committee.write.openDispute([ctx], { account: ledgerAccount });
    await viem.assertions.revertWithCustomErrorWithArgs(committee.write.openDispute([ctx], { account: ledgerAccount }), committee, "CommitteeBallotExists", [5n]);
  });
});
