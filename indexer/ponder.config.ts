// Where the indexer reads from: the chain at VINFER_RPC_URL (chain id VINFER_CHAIN_ID), and the protocol's
// contracts as @vinfer/abis records them for that chain, each from its deployment block. The database is
// embedded PGlite (under .ponder/) unless DATABASE_URL names a PostgreSQL server.
import { createConfig } from "ponder";
import {
  bisectionResolverAbi,
  committeeResolverAbi,
  inferenceLedgerAbi,
  modelRegistryAbi,
  stakeManagerAbi,
} from "@vinfer/abis";
import { chainId, deploymentOf, rpcEndpoints } from "./src/lib/deployment.ts";

function contract<const abi>(name: string, abi: abi) {
  const { address, startBlock } = deploymentOf(name);
  return { chain: "vinfer" as const, abi, address, startBlock };
}

export default createConfig({
  // A local chain's blocks are final at once and its RPC is free: poll often, cache nothing across runs
  // (a restarted dev chain reuses block numbers with different contents).
  chains: {
    vinfer: {
      id: chainId,
      rpc: rpcEndpoints(),
      pollingInterval: Number(process.env.VINFER_POLLING_MS ?? 250),
      disableCache: chainId === 31337,
    },
  },
  database: process.env.DATABASE_URL
    ? { kind: "postgres", connectionString: process.env.DATABASE_URL }
    : { kind: "pglite", directory: process.env.VINFER_PGLITE_DIR ?? ".ponder/pglite" },
  contracts: {
    ModelRegistry: contract("ModelRegistry", modelRegistryAbi),
    StakeManager: contract("StakeManager", stakeManagerAbi),
    InferenceLedger: contract("InferenceLedger", inferenceLedgerAbi),
    // The explorer shows the gas of every move of a game: those transactions' receipts are fetched.
    BisectionResolver: { ...contract("BisectionResolver", bisectionResolverAbi), includeTransactionReceipts: true },
    CommitteeResolver: contract("CommitteeResolver", committeeResolverAbi),
  },
});
