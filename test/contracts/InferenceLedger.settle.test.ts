import { expect } from "chai";
import { keccak256, stringToBytes } from "viem";
import {
  accuseAs,
  BOND_PER_INFERENCE,
  INITIAL_RESERVE,
  commitBatch,
  commitOne,
  loadSystem,
  networkHelpers,
  sampleInference,
  viem,
  type System,
} from "../helpers/system.ts";

describe("InferenceLedger: settlement", () => {
  let system: System;
  beforeEach(async () => {
    system = await loadSystem();
  });

  it("settles only after the deadline, by anyone, and returns the bond to the operator's reserve", async () => {
    const { ledger, stakeManager, operator, stranger } = system;
    const items = Array.from({ length: 5 }, (_, i) => sampleInference(i));
    const { id } = await commitBatch(system, items);
    const deadline = BigInt((await ledger.read.getCommitment([id])).challengeDeadline);

    await networkHelpers.time.setNextBlockTimestamp(deadline);
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.settle([id], { account: stranger.account }),
      ledger,
      "LedgerChallengeWindowOpen",
      [id, Number(deadline)],
    );
    await networkHelpers.time.setNextBlockTimestamp(deadline + 1n);
    await viem.assertions.emitWithArgs(ledger.write.settle([id], { account: stranger.account }), ledger, "CommitmentSettled", [
      id,
      (a: string) => a.toLowerCase() === operator.account.address.toLowerCase(),
      5n * BOND_PER_INFERENCE,
    ] as never);
    expect((await ledger.read.getCommitment([id])).status).to.equal(3); // Settled
    expect(await ledger.read.inferenceStatus([id, 4n])).to.equal(3); // Settled
    expect(await ledger.read.bondReserveOf([operator.account.address])).to.equal(INITIAL_RESERVE);
    expect((await stakeManager.read.stakeOf([operator.account.address])).locked).to.equal(INITIAL_RESERVE);
  });

  it("never settles twice, nor an unknown commitment", async () => {
    const { ledger } = system;
    const id = await commitOne(system, sampleInference(1));
    await networkHelpers.time.increase(601);
    await ledger.write.settle([id]);
    await viem.assertions.revertWithCustomErrorWithArgs(ledger.write.settle([id]), ledger, "LedgerCommitmentStatusInvalid", [id, 3]);
    const unknown = keccak256(stringToBytes("unknown"));
    await viem.assertions.revertWithCustomErrorWithArgs(ledger.write.settle([unknown]), ledger, "LedgerCommitmentNotFound", [unknown]);
  });

  it("waits for open disputes before settling", async () => {
    const { ledger, challenger } = system;
    const inference = sampleInference(1);
    const id = await commitOne(system, inference);
    await accuseAs(system, challenger, { commitmentId: id, leafIndex: 0, inference, proof: [], claim: keccak256(stringToBytes("x")) });
    await networkHelpers.time.increase(601);
    await viem.assertions.revertWithCustomErrorWithArgs(ledger.write.settle([id]), ledger, "LedgerDisputesOpen", [id, 1]);
  });

  it("settles many at once, skipping what cannot settle yet", async () => {
    const { ledger, operator, challenger } = system;
    const early = await Promise.all([0, 1, 2].map((i) => commitOne(system, sampleInference(i))));
    const disputed = sampleInference(3);
    const disputedId = await commitOne(system, disputed);
    await accuseAs(system, challenger, { commitmentId: disputedId, leafIndex: 0, inference: disputed, proof: [], claim: keccak256(stringToBytes("x")) });
    await networkHelpers.time.increase(601);
    const late = await commitOne(system, sampleInference(4));
    const unknown = keccak256(stringToBytes("unknown"));

    const ids = [...early, disputedId, late, unknown, early[0]];
    expect((await ledger.simulate.settleMany([ids])).result).to.equal(3n);
    await ledger.write.settleMany([ids]);
    for (const id of early) expect((await ledger.read.getCommitment([id])).status).to.equal(3);
    expect((await ledger.read.getCommitment([disputedId])).status).to.equal(2);
    expect((await ledger.read.getCommitment([late])).status).to.equal(1);
    expect(await ledger.read.bondReserveOf([operator.account.address])).to.equal(INITIAL_RESERVE - 2n * BOND_PER_INFERENCE);
  });
});
