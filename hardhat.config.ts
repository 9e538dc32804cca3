import { createRequire } from "node:module";
import { defineConfig } from "hardhat/config";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import hardhatViemAssertions from "@nomicfoundation/hardhat-viem-assertions";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatIgnitionViem from "@nomicfoundation/hardhat-ignition-viem";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";
import hardhatTypechain from "@nomicfoundation/hardhat-typechain";

// The machine cannot download compilers: every profile compiles with the npm `solc`
// (WebAssembly) build, whose version must match `version` exactly.
const solcPath = createRequire(import.meta.url).resolve("solc/soljson.js");
const compiler = {
  version: "0.8.30",
  path: solcPath,
  settings: {
    optimizer: { enabled: true, runs: 20_000 },
    evmVersion: "prague",
    viaIR: true,
  },
};

export default defineConfig({
  plugins: [
    hardhatViem,
    hardhatViemAssertions,
    hardhatNetworkHelpers,
    hardhatMocha,
    hardhatIgnitionViem,
    hardhatEthers,
    hardhatTypechain,
  ],
  solidity: {
    profiles: {
      default: compiler,
      production: compiler,
    },
  },
  paths: {
    tests: { mocha: "test", solidity: "contracts/test" },
  },
  test: {
    mocha: { timeout: 120_000 },
    solidity: { fuzz: { runs: 256 }, invariant: { runs: 64, depth: 32 } },
  },
  networks: {
    localhost: { type: "http", chainType: "l1", url: "http://127.0.0.1:8545" },
    // The demo's node (`hardhat --network realtime node`), closer to a live chain: a block every second even when
    // nobody sends a transaction (so time passes and windows close), and several blocks may share a second (so a
    // burst of transactions does not run block time ahead of the wall clock).
    realtime: {
      type: "edr-simulated",
      chainType: "l1",
      allowBlocksWithSameTimestamp: true,
      mining: { auto: true, interval: 1000 },
    },
    // A dev chain started by a script on a port of its choosing (scripts/demo.ts).
    devchain: { type: "http", chainType: "l1", url: process.env.VINFER_RPC_URL ?? "http://127.0.0.1:8545" },
  },
});
