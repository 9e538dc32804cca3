// The chain and contracts this indexer follows: VINFER_CHAIN_ID (default 31337, the local dev chain) and the
// addresses and deployment blocks @vinfer/abis records for it.
import { deployments } from "@vinfer/abis";
import type { Deployment } from "@vinfer/abis";

export const chainId = Number(process.env.VINFER_CHAIN_ID ?? 31337);
export const rpcUrl = process.env.VINFER_RPC_URL ?? "http://127.0.0.1:8545";

const deployed = deployments[String(chainId)];

/** Where `name` lives on the indexed chain and the block it was deployed in. */
export function deploymentOf(name: string): Deployment {
  if (deployed === undefined) {
    throw new Error(`@vinfer/abis has no deployment for chain ${chainId}: deploy, then run \`node scripts/generate-abis.ts --deployments\``);
  }
  const record = deployed[name];
  if (record === undefined) throw new Error(`@vinfer/abis has no ${name} on chain ${chainId}`);
  return record;
}
