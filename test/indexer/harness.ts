// Real processes for the indexer's tests and benchmark: a `hardhat node` on a free loopback port with the
// protocol deployed by Ignition at the addresses @vinfer/abis records, and `ponder start` / `ponder serve`
// as child processes on free ports, each in its own process group and stopped by the pid we started.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";
import { deployments } from "@vinfer/abis";
import { getAddress } from "viem";
import { freeLoopbackPort, startDevChain } from "../../scripts/demo/devchain.ts";
import type { DevChain } from "../../scripts/demo/devchain.ts";
import VinferModule from "../../ignition/modules/Vinfer.ts";

export const root = fileURLToPath(new URL("../../", import.meta.url));

/** A fresh dev chain, and Hardhat's viem, Ignition and network helpers connected to it. */
export async function startChain() {
  const chain = await startDevChain(root, await freeLoopbackPort());
  try {
    const connection = await network.create({ network: "devchain", override: { url: chain.url } });
    return { chain, connection };
  } catch (error) {
    await chain.stop();
    throw error;
  }
}

/** The protocol's contracts at the addresses @vinfer/abis records for the local chain. */
export async function protocolAt(connection: Awaited<ReturnType<typeof startChain>>["connection"]) {
  const at = (name: string) => deployments["31337"][name].address;
  const { viem } = connection;
  return {
    token: await viem.getContractAt("TestToken", at("TestToken")),
    registry: await viem.getContractAt("ModelRegistry", at("ModelRegistry")),
    stakeManager: await viem.getContractAt("StakeManager", at("StakeManager")),
    ledger: await viem.getContractAt("InferenceLedger", at("InferenceLedger")),
    bisectionResolver: await viem.getContractAt("BisectionResolver", at("BisectionResolver")),
    committeeResolver: await viem.getContractAt("CommitteeResolver", at("CommitteeResolver")),
  };
}

/** A dev chain with the protocol deployed by Ignition, at the addresses @vinfer/abis records. */
export async function startDeployedChain() {
  const { chain, connection } = await startChain();
  try {
    const deploymentId = `indexer-test-${process.pid}-${chain.pid}`;
    const journal = join(root, "ignition", "deployments", deploymentId);
    rmSync(journal, { recursive: true, force: true });
    const deployed = await connection.ignition.deploy(VinferModule, { deploymentId, displayUi: false });
    rmSync(journal, { recursive: true, force: true });
    // The indexer follows the addresses @vinfer/abis ships for the local chain: this deployment must be that one.
    const expected = deployments["31337"];
    for (const [name, contract] of Object.entries(deployed)) {
      const address = (contract as { address: string }).address;
      if (expected[name] !== undefined && getAddress(expected[name].address) !== getAddress(address)) {
        throw new Error(`${name} deployed at ${address}, but @vinfer/abis records ${expected[name].address} for chain 31337`);
      }
    }
    return { chain, connection, ...(await protocolAt(connection)) };
  } catch (error) {
    await chain.stop();
    throw error;
  }
}

export type DeployedChain = Awaited<ReturnType<typeof startDeployedChain>>;

export { getJson, graphql, indexedBlock, startIndexer, waitForBlock } from "../../scripts/demo/indexer.ts";
export type { Indexer, IndexerOptions } from "../../scripts/demo/indexer.ts";

export type { DevChain };

/** A contract enum member's name as the indexer spells it: `FraudulentLeaf` → `FRAUDULENT_LEAF`. */
export const upperSnake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
