import { expect } from "chai";
import { encodeAbiParameters, keccak256, parseEther, stringToBytes, zeroAddress, zeroHash } from "viem";
import { CHALLENGE_DEPOSIT, commitOne, loadSystem, networkHelpers, sampleInference, viem, type System } from "../helpers/system.ts";

const SPEC_ABI = [
  { type: "address" },
  {
    type: "tuple",
    components: [
      { name: "weightsRoot", type: "bytes32" },
      { name: "profileHash", type: "bytes32" },
      { name: "traceLength", type: "uint32" },
      { name: "resolver", type: "address" },
      { name: "challengeWindow", type: "uint32" },
      { name: "bondPerInference", type: "uint96" },
      { name: "challengerBond", type: "uint96" },
      { name: "uri", type: "string" },
    ],
  },
] as const;

describe("ModelRegistry", () => {
  let system: System;
  beforeEach(async () => {
    system = await loadSystem();
  });

  function specWith(overrides: Partial<System["modelSpec"]> = {}) {
    return { ...system.modelSpec, weightsRoot: keccak256(stringToBytes("another model")), ...overrides };
  }

  it("registers a model under an id committing to its owner and every term, and stores it unchanged", async () => {
    const { registry, deployer, modelSpec, modelId } = system;
    expect(modelId).to.equal(keccak256(encodeAbiParameters(SPEC_ABI, [deployer.account.address, modelSpec])));
    const model = await registry.read.getModel([modelId]);
    expect(model.owner.toLowerCase()).to.equal(deployer.account.address.toLowerCase());
    expect(model.index).to.equal(1);
    expect(model.deprecated).to.equal(false);
    expect(model.spec.weightsRoot).to.equal(modelSpec.weightsRoot);
    expect(model.spec.challengeWindow).to.equal(modelSpec.challengeWindow);
    expect(model.spec.bondPerInference).to.equal(modelSpec.bondPerInference);
    expect(model.spec.challengerBond).to.equal(modelSpec.challengerBond);
    expect(model.spec.uri).to.equal(modelSpec.uri);
    expect(await registry.read.modelIdAt([1])).to.equal(modelId);
    expect(await registry.read.modelCount()).to.equal(1);
    const terms = await registry.read.commitTerms([modelId]);
    expect(terms).to.deep.equal({ index: 1, challengeWindow: 600, bondPerInference: modelSpec.bondPerInference, deprecated: false, challengerBond: modelSpec.challengerBond });
  });

  it("emits ModelRegistered with the new index", async () => {
    const { registry, deployer } = system;
    const spec = specWith();
    const id = await registry.read.computeModelId([deployer.account.address, spec]);
    await viem.assertions.emitWithArgs(registry.write.registerModel([spec]), registry, "ModelRegistered", [
      id,
      (owner: string) => owner.toLowerCase() === deployer.account.address.toLowerCase(),
      2,
      (stored: { uri: string }) => stored.uri === spec.uri,
    ] as never);
  });

  it("rejects the same owner registering the same spec twice", async () => {
    const { registry, modelSpec, modelId } = system;
    await viem.assertions.revertWithCustomErrorWithArgs(registry.write.registerModel([modelSpec]), registry, "RegistryModelExists", [modelId]);
  });

  it("cannot be squatted: a stranger's registration of the same weights under worse terms blocks, alters and deprecates nothing", async () => {
    const { registry, ledger, stranger, deployer } = system;
    const owners = specWith({ weightsRoot: keccak256(stringToBytes("the owner's weights")) });
    // The stranger front-runs with the minimum window, a 1-wei bond per inference and a prohibitive challenger bond.
    const squat = { ...owners, challengeWindow: await registry.read.minChallengeWindow(), bondPerInference: 1n, challengerBond: parseEther("1000000") };
    const squatId = await registry.read.computeModelId([stranger.account.address, squat]);
    await registry.write.registerModel([squat], { account: stranger.account });
    // Even the very same spec from another account is another model.
    await registry.write.registerModel([owners], { account: stranger.account });

    const ownersId = await registry.read.computeModelId([deployer.account.address, owners]);
    expect(ownersId).to.not.equal(squatId);
    await registry.write.registerModel([owners], { account: deployer.account });
    const model = await registry.read.getModel([ownersId]);
    expect(model.owner.toLowerCase()).to.equal(deployer.account.address.toLowerCase());
    expect([model.spec.challengeWindow, model.spec.bondPerInference, model.spec.challengerBond]).to.deep.equal([
      owners.challengeWindow,
      owners.bondPerInference,
      owners.challengerBond,
    ]);
    // Commitments under the owner's model carry the owner's terms.
    const commitmentId = await commitOne({ ...system, modelId: ownersId }, sampleInference(77));
    expect(await ledger.read.challengeBond([commitmentId])).to.equal(owners.challengerBond);
    expect(await ledger.read.bondOf([commitmentId])).to.equal(owners.bondPerInference);
    await viem.assertions.revertWithCustomError(registry.write.deprecateModel([ownersId], { account: stranger.account }), registry, "RegistryNotModelOwner");
    expect((await registry.read.getModel([ownersId])).deprecated).to.equal(false);
  });

  it("rejects challenge windows outside the protocol bounds", async () => {
    const { registry } = system;
    const [min, max] = [await registry.read.minChallengeWindow(), await registry.read.maxChallengeWindow()];
    for (const window of [min - 1, max + 1]) {
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.registerModel([specWith({ challengeWindow: window })]),
        registry,
        "RegistryChallengeWindowOutOfBounds",
        [window, min, max],
      );
    }
    await registry.write.registerModel([specWith({ challengeWindow: min })]);
    await registry.write.registerModel([specWith({ challengeWindow: max, weightsRoot: keccak256(stringToBytes("max")) })]);
  });

  it("rejects zero bonds, a challenger bond below the deposit, empty content and unapproved resolvers", async () => {
    const { registry, stranger } = system;
    expect(await registry.read.minChallengerBond()).to.equal(CHALLENGE_DEPOSIT);
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.registerModel([specWith({ challengerBond: CHALLENGE_DEPOSIT - 1n })]),
      registry,
      "RegistryChallengerBondTooLow",
      [CHALLENGE_DEPOSIT - 1n, CHALLENGE_DEPOSIT],
    );
    await viem.assertions.revertWithCustomError(registry.write.registerModel([specWith({ bondPerInference: 0n })]), registry, "RegistryZeroBond");
    await viem.assertions.revertWithCustomError(registry.write.registerModel([specWith({ challengerBond: 0n })]), registry, "RegistryZeroBond");
    await viem.assertions.revertWithCustomError(registry.write.registerModel([specWith({ weightsRoot: zeroHash })]), registry, "RegistryEmptyContent");
    await viem.assertions.revertWithCustomError(registry.write.registerModel([specWith({ profileHash: zeroHash })]), registry, "RegistryEmptyContent");
    for (const resolver of [zeroAddress, stranger.account.address]) {
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.registerModel([specWith({ resolver })]),
        registry,
        "RegistryResolverNotApproved",
        [resolver],
      );
    }
  });

  it("lets governance alone approve and revoke resolvers", async () => {
    const { registry, ledger, arbiters, stranger, deployer } = system;
    expect((await registry.read.owner()).toLowerCase()).to.equal(deployer.account.address.toLowerCase());
    const committee = await viem.deployContract("CommitteeResolver", [ledger.address, arbiters.map((a) => a.account.address), 2, 60]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.approveResolver([committee.address], { account: stranger.account }),
      registry,
      "OwnableUnauthorizedAccount",
      [(a: string) => a.toLowerCase() === stranger.account.address.toLowerCase()] as never,
    );
    await viem.assertions.emitWithArgs(registry.write.approveResolver([committee.address]), registry, "ResolverApproved", [
      (a: string) => a.toLowerCase() === committee.address.toLowerCase(),
    ] as never);
    expect(await registry.read.isResolverApproved([committee.address])).to.equal(true);
    await viem.assertions.revertWithCustomError(registry.write.approveResolver([committee.address]), registry, "RegistryResolverAlreadyApproved");
    const spec = specWith({ resolver: committee.address });
    await registry.write.registerModel([spec]);

    await viem.assertions.revertWithCustomError(registry.write.revokeResolver([committee.address], { account: stranger.account }), registry, "OwnableUnauthorizedAccount");
    await viem.assertions.emitWithArgs(registry.write.revokeResolver([committee.address]), registry, "ResolverRevoked", [
      (a: string) => a.toLowerCase() === committee.address.toLowerCase(),
    ] as never);
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.registerModel([{ ...spec, uri: "ipfs://another" }]),
      registry,
      "RegistryResolverNotApproved",
      [committee.address],
    );
    // A model that named it before keeps it.
    expect((await registry.read.getModel([await registry.read.computeModelId([deployer.account.address, spec])])).spec.resolver.toLowerCase()).to.equal(
      committee.address.toLowerCase(),
    );
    await viem.assertions.revertWithCustomError(registry.write.revokeResolver([committee.address]), registry, "RegistryResolverNotApproved");
  });

  it("refuses a resolver bound to another ledger and a contract that merely implements the interface", async () => {
    const { registry, ledger, stranger } = system;
    // A bisection resolver deployed for another ledger (here an ordinary account) could never report to this one.
    const foreign = await viem.deployContract("BisectionResolver", [stranger.account.address, 3600]);
    await viem.assertions.revertWithCustomErrorWithArgs(registry.write.approveResolver([foreign.address]), registry, "RegistryResolverNotBound", [
      foreign.address,
      stranger.account.address,
    ]);
    // A contract that implements the interface and is bound to this ledger is still refused until governance approves it.
    const manual = await viem.deployContract("ManualResolver", [ledger.address]);
    await viem.assertions.revertWithCustomErrorWithArgs(registry.write.registerModel([specWith({ resolver: manual.address })]), registry, "RegistryResolverNotApproved", [
      manual.address,
    ]);
    await viem.assertions.revertWithCustomErrorWithArgs(registry.write.approveResolver([stranger.account.address]), registry, "RegistryResolverRejected", [
      stranger.account.address,
    ]);
    // A contract that is no resolver at all (here the stake token) is refused by name too.
    await viem.assertions.revertWithCustomErrorWithArgs(registry.write.approveResolver([system.token.address]), registry, "RegistryResolverRejected", [
      system.token.address,
    ]);
  });

  it("refuses to approve a resolver whose disputes can outlast the protocol bound", async () => {
    const { registry, ledger, arbiters } = system;
    const maxDispute = await registry.read.maxDisputeDuration();
    const slowCommittee = await viem.deployContract("CommitteeResolver", [
      ledger.address,
      arbiters.map((a) => a.account.address),
      2,
      maxDispute + 1,
    ]);
    await viem.assertions.revertWithCustomErrorWithArgs(registry.write.approveResolver([slowCommittee.address]), registry, "RegistryResolverRejected", [
      slowCommittee.address,
    ]);
  });

  it("lets only the owner deprecate, once, and reports unknown models", async () => {
    const { registry, modelId, stranger } = system;
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.deprecateModel([modelId], { account: stranger.account }),
      registry,
      "RegistryNotModelOwner",
      [modelId, (caller: string) => caller.toLowerCase() === stranger.account.address.toLowerCase()] as never,
    );
    await viem.assertions.emitWithArgs(registry.write.deprecateModel([modelId]), registry, "ModelDeprecated", [modelId]);
    expect((await registry.read.getModel([modelId])).deprecated).to.equal(true);
    expect((await registry.read.commitTerms([modelId])).deprecated).to.equal(true);
    await viem.assertions.revertWithCustomErrorWithArgs(registry.write.deprecateModel([modelId]), registry, "RegistryModelDeprecated", [modelId]);

    const unknown = keccak256(stringToBytes("unknown"));
    await viem.assertions.revertWithCustomErrorWithArgs(registry.write.deprecateModel([unknown]), registry, "RegistryModelNotFound", [unknown]);
    await viem.assertions.revertWithCustomErrorWithArgs(registry.read.getModel([unknown]), registry, "RegistryModelNotFound", [unknown]);
    await viem.assertions.revertWithCustomErrorWithArgs(registry.read.modelIdAt([9]), registry, "RegistryModelIndexNotFound", [9]);
    expect((await registry.read.commitTerms([unknown])).index).to.equal(0);
  });

  it("refuses a model once its compact index is exhausted", async () => {
    const { registry } = system;
    // modelCount is packed after Ownable2Step's pending owner in slot 1 (the bounds and the ledger are immutables).
    await networkHelpers.setStorageAt(registry.address, 1n, (2n ** 24n - 1n) << 160n);
    expect(await registry.read.modelCount()).to.equal(2 ** 24 - 1);
    await viem.assertions.revertWithCustomError(registry.write.registerModel([specWith()]), registry, "RegistryFull");
  });

  it("refuses inconsistent protocol bounds at deployment", async () => {
    const { registry } = system;
    const governance = system.deployer.account.address;
    for (const args of [[0, 10, 10, 1n], [20, 10, 10, 1n], [10, 20, 0, 1n], [10, 20, 10, 0n]] as const) {
      await viem.assertions.revertWithCustomError(viem.deployContract("ModelRegistry", [...args, governance]), registry, "RegistryInvalidBounds");
    }
  });
});
