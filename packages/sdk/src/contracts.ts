// Where the protocol lives on a chain. The ledger is the root: it names its registry and stake manager, and
// the stake manager its token; resolvers come from the shipped deployments or from the caller.
import { bisectionResolverAbi, committeeResolverAbi, deployments, inferenceLedgerAbi, modelRegistryAbi, stakeManagerAbi } from "@vinfer/abis";
import { getAddress, type Abi, type Address, type Client } from "viem";
import { getChainId, readContract } from "viem/actions";
import { VinferError, VinferRpcError } from "./errors.ts";

/** The protocol's contracts on one chain. */
export type VinferContracts = {
  ledger: Address;
  registry: Address;
  stakeManager: Address;
  /** The stake token (an ERC-20). */
  token: Address;
  bisectionResolver?: Address;
  committeeResolver?: Address;
};

export type GetVinferContractsParameters = {
  /** The ledger; default: the shipped deployment for the client's chain id. */
  ledger?: Address;
  bisectionResolver?: Address;
  committeeResolver?: Address;
};

/** Resolves every contract of the protocol from the ledger (three reads). */
export async function getVinferContracts(client: Client, params: GetVinferContractsParameters = {}): Promise<VinferContracts> {
  let chainId: number;
  try {
    chainId = client.chain?.id ?? (await getChainId(client));
  } catch (error) {
    throw new VinferRpcError("reading the chain id", error);
  }
  const shipped = deployments[String(chainId)] ?? {};
  const ledger = params.ledger ?? shipped.InferenceLedger?.address;
  if (ledger === undefined) throw new VinferError(`no vinfer deployment is known for chain ${chainId}: give the ledger's address`);
  try {
    const [registry, stakeManager] = await Promise.all([
      readContract(client, { address: ledger, abi: inferenceLedgerAbi, functionName: "registry" }),
      readContract(client, { address: ledger, abi: inferenceLedgerAbi, functionName: "stakeManager" }),
    ]);
    const token = await readContract(client, { address: stakeManager, abi: stakeManagerAbi, functionName: "token" });
    return {
      ledger: getAddress(ledger),
      registry,
      stakeManager,
      token,
      bisectionResolver: params.bisectionResolver ?? shipped.BisectionResolver?.address,
      committeeResolver: params.committeeResolver ?? shipped.CommitteeResolver?.address,
    };
  } catch (error) {
    throw new VinferRpcError(`reading the protocol's contracts from ledger ${ledger}`, error);
  }
}

/** Every custom error of the protocol, so that a revert raised by a contract another one called still decodes. */
export const protocolErrorsAbi: Abi = dedupe(
  [inferenceLedgerAbi, modelRegistryAbi, stakeManagerAbi, bisectionResolverAbi, committeeResolverAbi].flatMap((abi) =>
    (abi as Abi).filter((item) => item.type === "error"),
  ),
);

function dedupe(items: Abi): Abi {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = JSON.stringify(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The resolver of `kind` or a clear error when the deployment has none. */
export function resolverOf(contracts: Partial<VinferContracts>, kind: "bisection" | "committee"): Address {
  const address = kind === "bisection" ? contracts.bisectionResolver : contracts.committeeResolver;
  if (address === undefined) throw new VinferError(`no ${kind} resolver is configured: give its address`);
  return address;
}
