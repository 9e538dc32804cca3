import { expect } from "chai";
import { keccak256, stringToBytes, zeroAddress, zeroHash } from "viem";
import { loadSystem, networkHelpers, viem, type System } from "../helpers/system.ts";

describe("ModelRegistry", () => {
  let system: System;
  beforeEach(async () => {
    system = await loadSystem();
  });

  function specWith(overrides: Partial<System["modelSpec"]> = {}) {
    return { ...system.modelSpec, weightsRoot: keccak256(stringToBytes("another model")), ...overrides };
  }

  it("registers a model under a deterministic id and stores it unchanged", async () => {
    const { registry, deployer, modelSpec, modelId } = system;
    const expectedId = keccak256(
      `0x${modelSpec.weightsRoot.slice(2)}${modelSpec.profileHash.slice(2)}${modelSpec.resolver.slice(2).toLowerCase().padStart(64, "0")}`,
    );
    expect(modelId).to.equal(expectedId);
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
    expect(terms).to.deep.equal({ index: 1, challengeWindow: 600, bondPerInference: modelSpec.bondPerInference, deprecated: false });
  });

  it("emits ModelRegistered with the new index", async () => {
    const { registry, deployer } = system;
    const spec = specWith();
    const id = await registry.read.computeModelId([spec.weightsRoot, spec.profileHash, spec.resolver]);
    await viem.assertions.emitWithArgs(registry.write.registerModel([spec]), registry, "ModelRegistered", [
      id,
      (owner: string) => owner.toLowerCase() === deployer.account.address.toLowerCase(),
      2,
      (stored: { uri: string }) => stored.uri === spec.uri,
    ] as never);
  });

  it("rejects a duplicate, even from another account", async () => {
    const { registry, modelSpec, modelId, stranger } = system;
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.registerModel([modelSpec], { account: stranger.account }),
      registry,
      "RegistryModelExists",
      [modelId],
    );
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

  it("rejects zero bonds, empty content and resolvers that are not contracts", async () => {
    const { registry, stranger } = system;
    await viem.assertions.revertWithCustomError(registry.write.registerModel([specWith({ bondPerInference: 0n })]), registry, "RegistryZeroBond");
    await viem.assertions.revertWithCustomError(registry.write.registerModel([specWith({ challengerBond: 0n })]), registry, "RegistryZeroBond");
    await viem.assertions.revertWithCustomError(registry.write.registerModel([specWith({ weightsRoot: zeroHash })]), registry, "RegistryEmptyContent");
    await viem.assertions.revertWithCustomError(registry.write.registerModel([specWith({ profileHash: zeroHash })]), registry, "RegistryEmptyContent");
    for (const resolver of [zeroAddress, stranger.account.address]) {
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.registerModel([specWith({ resolver })]),
        registry,
        "RegistryResolverRejected",
        [resolver],
      );
    }
  });

  it("rejects a resolver whose disputes can outlast the protocol bound", async () => {
    const { registry, ledger, arbiters } = system;
    const maxDispute = await registry.read.maxDisputeDuration();
    const slowCommittee = await viem.deployContract("CommitteeResolver", [
      ledger.address,
      arbiters.map((a) => a.account.address),
      2,
      maxDispute + 1,
    ]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.registerModel([specWith({ resolver: slowCommittee.address })]),
      registry,
      "RegistryResolverRejected",
      [slowCommittee.address],
    );
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
    // modelCount is the registry's first storage variable (the bounds and the ledger are immutables).
    await networkHelpers.setStorageAt(registry.address, 0n, 2n ** 24n - 1n);
    expect(await registry.read.modelCount()).to.equal(2 ** 24 - 1);
    await viem.assertions.revertWithCustomError(registry.write.registerModel([specWith()]), registry, "RegistryFull");
  });

  it("refuses inconsistent protocol bounds at deployment", async () => {
    const { registry } = system;
    for (const args of [[0, 10, 10], [20, 10, 10], [10, 20, 0]] as const) {
      await viem.assertions.revertWithCustomError(viem.deployContract("ModelRegistry", [...args]), registry, "RegistryInvalidBounds");
    }
  });
});
