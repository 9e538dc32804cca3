import { expect } from "chai";
import { keccak256, stringToBytes } from "viem";
import {
  BOND_PER_INFERENCE,
  CHALLENGE_WINDOW,
  INITIAL_RESERVE,
  INITIAL_STAKE,
  commitBatch,
  commitOne,
  leafOf,
  loadSystem,
  now,
  sampleInference,
  viem,
  type System,
} from "../helpers/system.ts";
import { merkleRoot } from "@vinfer/runtime";

describe("InferenceLedger: commitments", () => {
  let system: System;
  beforeEach(async () => {
    system = await loadSystem();
  });

  it("commits one inference, takes its bond from the reserve and emits every leaf field", async () => {
    const { ledger, stakeManager, operator, modelId } = system;
    const inference = sampleInference(1);
    const id = await ledger.read.computeCommitmentId([modelId, operator.account.address, leafOf(inference)]);
    const tx = ledger.write.commit([modelId, inference.requestId, inference.inputHash, inference.outputHash], { account: operator.account });
    await viem.assertions.emitWithArgs(tx, ledger, "InferenceCommitted", [
      id,
      modelId,
      (address: string) => address.toLowerCase() === operator.account.address.toLowerCase(),
      inference.requestId,
      inference.inputHash,
      inference.outputHash,
      (deadline: number) => BigInt(deadline) > 0n,
      BOND_PER_INFERENCE,
    ] as never);
    const commitment = await ledger.read.getCommitment([id]);
    expect(commitment.status).to.equal(1); // Pending
    expect(commitment.count).to.equal(1);
    expect(commitment.modelIndex).to.equal(1);
    expect(BigInt(commitment.challengeDeadline)).to.equal((await now()) + BigInt(CHALLENGE_WINDOW));
    expect(await ledger.read.modelOf([id])).to.equal(modelId);
    expect(await ledger.read.bondOf([id])).to.equal(BOND_PER_INFERENCE);
    expect(await ledger.read.inferenceStatus([id, 0n])).to.equal(1); // Pending
    expect(await ledger.read.inferenceStatus([id, 1n])).to.equal(0); // None
    expect(await ledger.read.bondReserveOf([operator.account.address])).to.equal(INITIAL_RESERVE - BOND_PER_INFERENCE);
    // The bond was locked in the stake manager when the reserve was funded; the commitment moves nothing there.
    expect(await stakeManager.read.stakeOf([operator.account.address])).to.deep.equal({
      free: INITIAL_STAKE - INITIAL_RESERVE,
      locked: INITIAL_RESERVE,
    });
  });

  it("commits a batch under the root the contract computes, listing every leaf in the event", async () => {
    const { ledger, stakeManager, operator, modelId, publicClient } = system;
    const items = Array.from({ length: 13 }, (_, i) => sampleInference(100 + i));
    const root = merkleRoot(items.map(leafOf));
    const id = await ledger.read.computeCommitmentId([modelId, operator.account.address, root]);
    const hash = await ledger.write.commitBatch([modelId, items], { account: operator.account });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    const events = await ledger.getEvents.BatchCommitted({}, { blockHash: receipt.blockHash });
    expect(events).to.have.length(1);
    expect(events[0].args.commitmentId).to.equal(id);
    expect(events[0].args.root).to.equal(root);
    expect(events[0].args.bond).to.equal(13n * BOND_PER_INFERENCE);
    expect(events[0].args.items).to.deep.equal(items);
    expect((await ledger.read.getCommitment([id])).count).to.equal(13);
    expect(await ledger.read.bondReserveOf([operator.account.address])).to.equal(INITIAL_RESERVE - 13n * BOND_PER_INFERENCE);
    expect((await stakeManager.read.stakeOf([operator.account.address])).locked).to.equal(INITIAL_RESERVE);
  });

  it("rejects empty and oversized batches", async () => {
    const { ledger, operator, modelId } = system;
    const max = await ledger.read.maxBatchSize();
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.commitBatch([modelId, []], { account: operator.account }),
      ledger,
      "LedgerBatchSizeInvalid",
      [0n, max],
    );
    const tooMany = Array.from({ length: Number(max) + 1 }, (_, i) => sampleInference(i));
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.commitBatch([modelId, tooMany], { account: operator.account }),
      ledger,
      "LedgerBatchSizeInvalid",
      [max + 1n, max],
    );
  });

  it("rejects the same commitment twice but accepts it from another operator", async () => {
    const { ledger, operator, otherOperator, modelId } = system;
    const inference = sampleInference(2);
    const id = await commitOne(system, inference);
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.commit([modelId, inference.requestId, inference.inputHash, inference.outputHash], { account: operator.account }),
      ledger,
      "LedgerCommitmentExists",
      [id],
    );
    const otherId = await commitOne(system, inference, otherOperator);
    expect(otherId).to.not.equal(id);
  });

  it("rejects unknown and deprecated models", async () => {
    const { ledger, registry, operator, modelId } = system;
    const unknown = keccak256(stringToBytes("no such model"));
    const inference = sampleInference(3);
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.commit([unknown, inference.requestId, inference.inputHash, inference.outputHash], { account: operator.account }),
      ledger,
      "LedgerModelNotFound",
      [unknown],
    );
    await registry.write.deprecateModel([modelId]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.commitBatch([modelId, [inference]], { account: operator.account }),
      ledger,
      "LedgerModelDeprecated",
      [modelId],
    );
  });

  it("rejects a commitment the operator's bond reserve cannot back", async () => {
    const { ledger, stranger, modelId } = system;
    const inference = sampleInference(4);
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.commit([modelId, inference.requestId, inference.inputHash, inference.outputHash], { account: stranger.account }),
      ledger,
      "LedgerInsufficientBondReserve",
      [(a: string) => a.toLowerCase() === stranger.account.address.toLowerCase(), 0n, BOND_PER_INFERENCE] as never,
    );
    const tooMany = Array.from({ length: 501 }, (_, i) => sampleInference(i));
    await viem.assertions.revertWithCustomError(ledger.write.commitBatch([modelId, tooMany], { account: system.operator.account }), ledger, "LedgerInsufficientBondReserve");
  });

  it("funds and releases the bond reserve from and to free stake", async () => {
    const { ledger, stakeManager, operator } = system;
    await viem.assertions.emitWithArgs(ledger.write.fundBondReserve([7n], { account: operator.account }), ledger, "BondReserveFunded", [
      (a: string) => a.toLowerCase() === operator.account.address.toLowerCase(),
      7n,
      INITIAL_RESERVE + 7n,
    ] as never);
    await viem.assertions.emitWithArgs(ledger.write.releaseBondReserve([10n], { account: operator.account }), ledger, "BondReserveReleased", [
      (a: string) => a.toLowerCase() === operator.account.address.toLowerCase(),
      10n,
      INITIAL_RESERVE - 3n,
    ] as never);
    expect(await stakeManager.read.stakeOf([operator.account.address])).to.deep.equal({
      free: INITIAL_STAKE - INITIAL_RESERVE + 3n,
      locked: INITIAL_RESERVE - 3n,
    });
    await viem.assertions.revertWithCustomError(
      ledger.write.fundBondReserve([INITIAL_STAKE], { account: operator.account }),
      stakeManager,
      "StakeInsufficientFree",
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      ledger.write.releaseBondReserve([INITIAL_RESERVE], { account: operator.account }),
      ledger,
      "LedgerInsufficientBondReserve",
      [(a: string) => a.toLowerCase() === operator.account.address.toLowerCase(), INITIAL_RESERVE - 3n, INITIAL_RESERVE] as never,
    );
  });

  it("keeps stake behind open commitments out of reach of withdrawals", async () => {
    const { ledger, stakeManager, operator } = system;
    await commitBatch(system, Array.from({ length: 10 }, (_, i) => sampleInference(i)));
    const bonded = 10n * BOND_PER_INFERENCE;
    // Release everything that is not behind a commitment, then try to take more.
    await ledger.write.releaseBondReserve([INITIAL_RESERVE - bonded], { account: operator.account });
    await viem.assertions.revertWithCustomError(ledger.write.releaseBondReserve([1n], { account: operator.account }), ledger, "LedgerInsufficientBondReserve");
    const free = INITIAL_STAKE - bonded;
    await viem.assertions.revertWithCustomErrorWithArgs(
      stakeManager.write.requestWithdrawal([INITIAL_STAKE], { account: operator.account }),
      stakeManager,
      "StakeInsufficientFree",
      [(a: string) => a.toLowerCase() === operator.account.address.toLowerCase(), free, INITIAL_STAKE] as never,
    );
    await stakeManager.write.requestWithdrawal([free], { account: operator.account });
    expect(await stakeManager.read.stakeOf([operator.account.address])).to.deep.equal({ free: 0n, locked: bonded });
  });

  it("accepts model terms only from its registry", async () => {
    const { ledger, stranger, modelId } = system;
    await viem.assertions.revertWithCustomError(
      ledger.write.syncModelTerms([modelId, { index: 1, challengeWindow: 1, bondPerInference: 0n, deprecated: false, challengerBond: 0n }, stranger.account.address], { account: stranger.account }),
      ledger,
      "LedgerOnlyRegistry",
    );
  });

  it("records each operator's data endpoint", async () => {
    const { ledger, operator } = system;
    await viem.assertions.emitWithArgs(ledger.write.setDataURI(["http://127.0.0.1:7000/v1/data"], { account: operator.account }), ledger, "DataURISet", [
      (a: string) => a.toLowerCase() === operator.account.address.toLowerCase(),
      "http://127.0.0.1:7000/v1/data",
    ] as never);
    expect(await ledger.read.dataURIOf([operator.account.address])).to.equal("http://127.0.0.1:7000/v1/data");
  });

  it("answers views about unknown commitments with a named error", async () => {
    const { ledger } = system;
    const unknown = keccak256(stringToBytes("no such commitment"));
    for (const call of [ledger.read.modelOf([unknown]), ledger.read.bondOf([unknown]), ledger.read.challengeBond([unknown])]) {
      await viem.assertions.revertWithCustomErrorWithArgs(call, ledger, "LedgerCommitmentNotFound", [unknown]);
    }
    expect(await ledger.read.inferenceStatus([unknown, 0n])).to.equal(0);
  });

  it("refuses an unbonding delay that a slash could outrun, shares above 100%, and empty reveal or answer windows", async () => {
    const { ledger, token, deployer } = system;
    const [minWindow, maxWindow, maxDispute] = [10, 1000, 500] as const;
    const exposure = BigInt(maxWindow + maxDispute);
    const config = {
      minChallengeWindow: minWindow,
      maxChallengeWindow: maxWindow,
      maxDisputeDuration: maxDispute,
      revealWindow: 60,
      dataAnswerWindow: 300,
      unbondingDelay: exposure + 1n,
      challengerRewardBps: 5000,
      challengerBurnBps: 1000,
      challengeDeposit: 10n,
      stakeToken: token.address,
      treasury: deployer.account.address,
      governance: deployer.account.address,
    };
    for (const bad of [
      { unbondingDelay: exposure },
      { challengerRewardBps: 10_001 },
      { challengerBurnBps: 10_001 },
      { revealWindow: 0 },
      { dataAnswerWindow: 0 },
      { dataAnswerWindow: maxDispute + 1 },
    ]) {
      await viem.assertions.revertWithCustomError(
        viem.deployContract("InferenceLedger", [{ ...config, ...bad }]),
        ledger,
        "LedgerInvalidConfiguration",
      );
    }
    const fresh = await viem.deployContract("InferenceLedger", [config]);
    const registry = await viem.getContractAt("ModelRegistry", await fresh.read.registry());
    expect((await registry.read.ledger()).toLowerCase()).to.equal(fresh.address.toLowerCase());
    expect(await registry.read.maxChallengeWindow()).to.equal(maxWindow);
    expect(await registry.read.minChallengerBond()).to.equal(10n);
    expect([await fresh.read.revealWindow(), await fresh.read.dataAnswerWindow(), await fresh.read.challengeDeposit()]).to.deep.equal([60, 300, 10n]);
  });
});
