// The daemon's connection to the chain: a public client for reads, a wallet client for its own key, the
// protocol's contracts, and the few reads every part needs.
import { inferenceLedgerAbi, stakeManagerAbi } from "@vinfer/abis";
import { getVinferContracts, toVinferError, type VinferContracts, type WriteClient } from "@vinfer/sdk";
import { createPublicClient, createWalletClient, defineChain, http, type Abi, type Address, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { getBlock, getChainId, readContract } from "viem/actions";
import { errorText } from "./log.ts";

export type Chain = {
  chainId: number;
  public: PublicClient;
  wallet: WriteClient;
  address: Address;
  contracts: VinferContracts;
};

export async function connect(rpcUrl: string, privateKey: Hex, ledger: Address | undefined, pollMs: number): Promise<Chain> {
  // Receipts are awaited by polling: no slower than the daemon's own loop, and not hammering the node either.
  const pollingInterval = Math.max(50, Math.min(pollMs, 1_000));
  const probe = createPublicClient({ transport: http(rpcUrl, { retryCount: 1 }), pollingInterval });
  let chainId: number;
  try {
    chainId = await getChainId(probe);
  } catch (error) {
    // The origin only: a provider URL may carry an access token in its path or query.
    throw new Error(`cannot reach the node at ${new URL(rpcUrl).origin}: ${errorText(error)}`);
  }
  const chain = defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl, { retryCount: 1 }), pollingInterval }) as PublicClient;
  const account = privateKeyToAccount(privateKey);
  const wallet = createWalletClient({ account, chain, transport: http(rpcUrl, { retryCount: 1 }), pollingInterval }) as WriteClient;
  const contracts = await getVinferContracts(publicClient, { ledger });
  return { chainId, public: publicClient, wallet, address: account.address, contracts };
}

/** A view call whose revert is decoded like the SDK's. */
export async function view<T>(chain: Chain, address: Address, abi: Abi, functionName: string, args: readonly unknown[] = []): Promise<T> {
  try {
    return (await readContract(chain.public, { address, abi, functionName, args } as never)) as T;
  } catch (error) {
    throw toVinferError(error, { contract: address, functionName });
  }
}

export const ledgerView = <T>(chain: Chain, functionName: string, args: readonly unknown[] = []) =>
  view<T>(chain, chain.contracts.ledger, inferenceLedgerAbi as Abi, functionName, args);

export const stakeView = <T>(chain: Chain, functionName: string, args: readonly unknown[] = []) =>
  view<T>(chain, chain.contracts.stakeManager, stakeManagerAbi as Abi, functionName, args);

/** The latest block's number and timestamp: the clock every deadline is compared with. */
export async function latestBlock(chain: Chain): Promise<{ number: bigint; timestamp: number }> {
  const block = await getBlock(chain.public, { blockTag: "latest" });
  return { number: block.number, timestamp: Number(block.timestamp) };
}

/** The ledger's record of a commitment. */
export type CommitmentRecord = { operator: Address; challengeDeadline: number; status: number; count: number; modelIndex: number };

export const commitmentOf = (chain: Chain, id: Hex) => ledgerView<CommitmentRecord>(chain, "getCommitment", [id]);
