// The chain and contracts this indexer follows: VINFER_CHAIN_ID (default 31337, the local dev chain) and the
// addresses and deployment blocks @vinfer/abis records for it.
import { deployments } from "@vinfer/abis";
import type { Deployment } from "@vinfer/abis";

export const chainId = Number(process.env.VINFER_CHAIN_ID ?? 31337);
export const rpcUrl = process.env.VINFER_RPC_URL ?? "http://127.0.0.1:8545";

/**
 * The RPC endpoints Ponder balances requests over. VINFER_RPC_URL may list several, comma-separated.
 * Ponder paces each endpoint on its own, starting at 20 requests/s and ramping up by 5 % per few hundred
 * successes, which protects rate-limited providers but makes a backfill from a node you run yourself crawl:
 * VINFER_RPC_LANES (default 8 on the local chain, 1 elsewhere) opens that many lanes per endpoint.
 */
export function rpcEndpoints(): string | string[] {
  const urls = rpcUrl.split(",").map((u) => u.trim()).filter((u) => u !== "");
  const lanes = Number(process.env.VINFER_RPC_LANES ?? (chainId === 31337 ? 8 : 1));
  if (!Number.isInteger(lanes) || lanes < 1 || lanes > 64) throw new Error(`VINFER_RPC_LANES must be an integer from 1 to 64, not ${process.env.VINFER_RPC_LANES}`);
  const endpoints = urls.flatMap((url) => Array.from({ length: lanes }, () => url));
  return endpoints.length === 1 ? endpoints[0] : endpoints;
}

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
