// The SDK's actions on the real contracts: what they return, the approvals they make, and reverts decoded to
// the contracts' custom errors with their arguments.
import { expect } from "chai";
import { getAddress, parseEther, zeroAddress } from "viem";
import {
  cancelWithdrawal,
  commit,
  commitBatch,
  CommitmentStatus,
  deposit,
  fundBondReserve,
  getModel,
  getStake,
  getVinferContracts,
  releaseBondReserve,
  revealChallenge,
  revealDataDemand,
  requestWithdrawal,
  settle,
  settleMany,
  vinferActions,
  VinferContractError,
  VinferError,
} from "@vinfer/sdk";
import {
  CHALLENGE_WINDOW,
  commitAccusation,
  commitBatch as commitBatchOf,
  INITIAL_RESERVE,
  INITIAL_STAKE,
  leafOf,
  loadSystem,
  networkHelpers,
  sampleInference,
} from "../helpers/system.ts";

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("SDK: actions", () => {
  it("commits one inference and a batch, returning the ids the ledger computes", async () => {
    const { contracts, ledger, modelId, operator } = await loadSystem();
    const single = sampleInference(1);
    const one = await commit(operator, { contracts, modelId, inference: single });
    expect(one.commitmentId).to.equal(await ledger.read.computeCommitmentId([modelId, operator.account.address, leafOf(single)]));
    expect(one.receipt.status).to.equal("success");
    const batch = await commitBatch(operator, { contracts, modelId, inferences: [sampleInference(2), sampleInference(3)] });
    const onChain = await ledger.read.getCommitment([batch.commitmentId]);
    expect([onChain.status, onChain.count, BigInt(onChain.challengeDeadline)]).to.deep.equal([CommitmentStatus.Pending, 2, batch.challengeDeadline]);
  });

  it("decodes a revert to its custom error name and arguments before sending anything", async () => {
    const { contracts, modelId, operator, publicClient } = await loadSystem();
    const nonce = await publicClient.getTransactionCount({ address: operator.account.address });
    const tooMany = Array.from({ length: 2049 }, (_, i) => sampleInference(i));
    const error = await rejection(commitBatch(operator, { contracts, modelId, inferences: tooMany }));
    expect(error).to.be.instanceOf(VinferContractError);
    const { errorName, args, shortMessage, functionName } = error as VinferContractError;
    expect([functionName, errorName, args]).to.deep.equal(["commitBatch", "LedgerBatchSizeInvalid", [2049n, 2048n]]);
    expect(shortMessage).to.equal("commitBatch reverted: LedgerBatchSizeInvalid(2049, 2048)");
    expect(await publicClient.getTransactionCount({ address: operator.account.address })).to.equal(nonce);
  });

  it("decodes an error raised by a contract the called one called", async () => {
    const { contracts, stranger } = await loadSystem();
    // The ledger asks the stake manager to lock stake the stranger does not have.
    const error = (await rejection(fundBondReserve(stranger, { contracts, amount: 1n }))) as VinferContractError;
    expect([error.errorName, error.args]).to.deep.equal(["StakeInsufficientFree", [getAddress(stranger.account.address), 0n, 1n]]);
  });

  it("deposits with the approval it needs, and reads stake, reserve, withdrawal and credit", async () => {
    const { contracts, token, stranger, stakeManager } = await loadSystem();
    await token.write.approve([stakeManager.address, 0n], { account: stranger.account });
    await deposit(stranger, { contracts, amount: parseEther("10") });
    await fundBondReserve(stranger, { contracts, amount: parseEther("4") });
    await releaseBondReserve(stranger, { contracts, amount: parseEther("1") });
    const queued = await requestWithdrawal(stranger, { contracts, amount: parseEther("2") });
    expect(queued.total).to.equal(parseEther("2"));
    expect(await getStake(stranger, { contracts, account: stranger.account.address })).to.deep.equal({
      free: parseEther("5"),
      locked: parseEther("3"),
      bondReserve: parseEther("3"),
      withdrawal: { amount: parseEther("2"), readyAt: queued.readyAt },
      credit: 0n,
    });
    await cancelWithdrawal(stranger, { contracts });
    expect((await getStake(stranger, { contracts, account: stranger.account.address })).withdrawal.amount).to.equal(0n);
  });

  it("refuses a deposit the balance cannot cover before sending anything, the approval included", async () => {
    const { contracts, token, stranger, stakeManager, publicClient } = await loadSystem();
    await token.write.approve([stakeManager.address, 0n], { account: stranger.account });
    const balance = await token.read.balanceOf([stranger.account.address]);
    const nonce = await publicClient.getTransactionCount({ address: stranger.account.address });
    const error = (await rejection(deposit(stranger, { contracts, amount: balance + 1n }))) as VinferContractError;
    expect(error).to.be.instanceOf(VinferContractError);
    expect([error.contract, error.functionName, error.data?.slice(0, 10)]).to.deep.equal([contracts.token, "transfer", "0xe450d38c"]);
    expect(await publicClient.getTransactionCount({ address: stranger.account.address })).to.equal(nonce);
    expect(await token.read.allowance([stranger.account.address, stakeManager.address])).to.equal(0n);
  });

  it("reveals accusations already committed, a data demand and a dispute, each under its commit's id", async () => {
    const system = await loadSystem();
    const { contracts, challenger, committeeResolver } = system;
    const items = [sampleInference(1), sampleInference(2)];
    const batch = await commitBatchOf(system, items);
    const leaf = (i: number) => ({ contracts, commitmentId: batch.id, leafIndex: BigInt(i), inference: items[i], proof: batch.proof(i) });

    const demandCommit = await commitAccusation(system, challenger, { commitmentId: batch.id, leafIndex: 1 });
    const demand = await revealDataDemand(challenger, { ...leaf(1), salt: demandCommit.salt });
    expect(demand.demandId).to.equal(demandCommit.id);

    const claim = sampleInference(2, "-right").outputHash;
    const disputeCommit = await commitAccusation(system, challenger, { commitmentId: batch.id, leafIndex: 0, claim });
    const dispute = await revealChallenge(challenger, { ...leaf(0), claimedOutputHash: claim, salt: disputeCommit.salt });
    expect([dispute.disputeId, getAddress(dispute.resolver)]).to.deep.equal([disputeCommit.id, getAddress(committeeResolver.address)]);
  });

  it("settles one commitment and many, skipping what cannot settle", async () => {
    const { contracts, modelId, operator, stranger } = await loadSystem();
    const a = await commit(operator, { contracts, modelId, inference: sampleInference(1) });
    const b = await commit(operator, { contracts, modelId, inference: sampleInference(2) });
    await networkHelpers.time.increase(CHALLENGE_WINDOW + 1);
    const c = await commit(operator, { contracts, modelId, inference: sampleInference(3) });
    expect((await settle(stranger, { contracts, commitmentId: a.commitmentId })).bond).to.equal(parseEther("1"));
    const many = await settleMany(stranger, { contracts, commitmentIds: [a.commitmentId, b.commitmentId, c.commitmentId] });
    expect(many.settled).to.deep.equal([b.commitmentId]);
  });

  it("binds every action to a client and a deployment with vinferActions", async () => {
    const { contracts, ledger, modelId, operator } = await loadSystem();
    const bound = operator.extend(vinferActions(contracts));
    await bound.setDataURI({ uri: "http://127.0.0.1:9/v1/data" });
    const inference = sampleInference(9);
    const { commitmentId } = await bound.commit({ modelId, inference });
    expect(commitmentId).to.equal(await ledger.read.computeCommitmentId([modelId, operator.account.address, leafOf(inference)]));
    expect(await ledger.read.dataURIOf([operator.account.address])).to.equal("http://127.0.0.1:9/v1/data");
  });

  it("resolves the protocol's contracts from the ledger, and names what it cannot find", async () => {
    const { contracts, publicClient } = await loadSystem();
    const resolved = await getVinferContracts(publicClient, { ledger: contracts.ledger, committeeResolver: contracts.committeeResolver });
    expect([resolved.registry, resolved.stakeManager, resolved.token]).to.deep.equal([contracts.registry, contracts.stakeManager, contracts.token]);
    const error = await rejection(getVinferContracts(publicClient, { ledger: zeroAddress }));
    expect(error).to.be.instanceOf(VinferError);
    expect((error as VinferError).shortMessage).to.match(/^reading the protocol's contracts from ledger 0x0{40} failed/);
  });

  it("reads a registered model, and names an unknown one with the registry's error", async () => {
    const { contracts, publicClient, deployer, modelId, modelSpec } = await loadSystem();
    expect(await getModel(publicClient, { contracts, modelId })).to.deep.equal({
      modelId,
      index: 1,
      owner: getAddress(deployer.account.address),
      deprecated: false,
      ...modelSpec,
      resolver: getAddress(modelSpec.resolver),
    });
    const unknown = `0x${"ab".repeat(32)}` as const;
    const error = (await rejection(getModel(publicClient, { contracts, modelId: unknown }))) as VinferContractError;
    expect(error).to.be.instanceOf(VinferContractError);
    expect([error.functionName, error.errorName, error.args]).to.deep.equal(["getModel", "RegistryModelNotFound", [unknown]]);
  });

  it("counts the bond reserve as locked stake", async () => {
    const { contracts, operator } = await loadSystem();
    const stake = await getStake(operator, { contracts, account: operator.account.address });
    expect([stake.free, stake.locked, stake.bondReserve]).to.deep.equal([INITIAL_STAKE - INITIAL_RESERVE, INITIAL_RESERVE, INITIAL_RESERVE]);
  });
});
