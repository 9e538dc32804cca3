import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as abis from "@vinfer/abis";

// packages/abis is generated from the artifacts; this fails when a contract changed and the package did not.
describe("@vinfer/abis", () => {
  for (const [name, source] of [
    ["InferenceLedger", "contracts/InferenceLedger.sol"],
    ["ModelRegistry", "contracts/ModelRegistry.sol"],
    ["StakeManager", "contracts/StakeManager.sol"],
    ["CommitteeResolver", "contracts/resolvers/CommitteeResolver.sol"],
  ] as const) {
    it(`exports the current ABI of ${name}`, () => {
      const artifact = JSON.parse(readFileSync(`artifacts/${source}/${name}.json`, "utf8"));
      const exported = (abis as Record<string, unknown>)[`${name[0].toLowerCase()}${name.slice(1)}Abi`];
      expect(exported).to.deep.equal(artifact.abi);
    });
  }

  it("leaves test-only contracts out", () => {
    expect(Object.keys(abis)).to.not.include("testTokenAbi");
    expect(Object.keys(abis)).to.not.include("manualResolverAbi");
  });
});

describe("@vinfer/abis deployments", () => {
  it("records the addresses the Ignition module deploys on a fresh local chain", async () => {
    const { network } = await import("hardhat");
    const { default: VinferModule } = await import("../ignition/modules/Vinfer.ts");
    const { ignition } = await network.create();
    const deployed = await ignition.deploy(VinferModule);
    const shipped = Object.values(abis.deployments["31337"]).map(({ address }) => address.toLowerCase()).sort();
    expect(shipped).to.deep.equal(Object.values(deployed).map((contract) => contract.address.toLowerCase()).sort());
    expect(abis.deployments["31337"].InferenceLedger.address.toLowerCase()).to.equal(deployed.ledger.address.toLowerCase());
    // Each start block is a block the deployment used: the first few of a fresh chain.
    for (const { startBlock } of Object.values(abis.deployments["31337"])) expect(startBlock).to.be.within(1, 6);
  });
});
