// The daemon's view of the chain: one public client, one wallet client for the operator's key, the protocol's
// contracts, the reads the daemon needs, and the ledger events that concern it. The wallet's transport tells
// the batcher the hash of a signed transaction before it is broadcast, so the hash can be recorded first.
import { bisectionResolverAbi, inferenceLedgerAbi } from "@vinfer/abis";
import { getModel, getVinferContracts, VinferContractError, type GetModelReturnType, type VinferContracts } from "@vinfer/sdk";
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeAbiParameters,
  getAbiItem,
  getAddress,
  http,
  keccak256,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
  type Account,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { getChainId } from "viem/actions";

export type Head = { number: bigint; timestamp: bigint };

/** What the registry holds for the served model. */
export type ModelRecord = GetModelReturnType;

export type CommitmentRecord = { operator: Address; challengeDeadline: number; status: number; count: number };

const followed = [
  getAbiItem({ abi: inferenceLedgerAbi, name: "DisputeOpened" }),
  getAbiItem({ abi: inferenceLedgerAbi, name: "DisputeResolved" }),
  getAbiItem({ abi: inferenceLedgerAbi, name: "DataDemanded" }),
  getAbiItem({ abi: inferenceLedgerAbi, name: "DataDemandClosed" }),
  getAbiItem({ abi: inferenceLedgerAbi, name: "CommitmentSettled" }),
  getAbiItem({ abi: inferenceLedgerAbi, name: "CommitmentSlashed" }),
] as const;

export type ChainClient = Awaited<ReturnType<typeof connect>>;

/** The ledger's commitment id: keccak256(abi.encode(modelId, operator, root)). */
export function commitmentIdOf(modelId: Hex, operator: Address, root: Hex): Hex {
  return keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "address" }, { type: "bytes32" }], [modelId, operator, root]));
}

/** Connects to the node, finds the protocol's contracts and the operator's account. */
export async function connect({ rpcUrl, privateKey, ledger, pollMs }: { rpcUrl: string; privateKey: Hex; ledger?: Address; pollMs: number }) {
  const probe = createPublicClient({ transport: http(rpcUrl, { retryCount: 2 }) });
  const chainId = await getChainId(probe);
  const chain: Chain = defineChain({
    id: chainId,
    name: `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  const pollingInterval = Math.min(pollMs, 1000);
  const publicClient: PublicClient = createPublicClient({ chain, transport: http(rpcUrl, { retryCount: 2 }), pollingInterval });
  const account = privateKeyToAccount(privateKey);

  // Called with the hash of every signed transaction just before it is broadcast.
  let beforeBroadcast: ((hash: Hex) => void) | undefined;
  const base = http(rpcUrl, { retryCount: 2 });
  const recording: Transport = (options) => {
    const transport = base(options);
    const request = (async (args: { method: string; params?: unknown }) => {
      if (args.method === "eth_sendRawTransaction" && beforeBroadcast !== undefined) {
        const [serialized] = args.params as [Hex];
        beforeBroadcast(keccak256(serialized));
      }
      return transport.request(args as never);
    }) as typeof transport.request;
    return { ...transport, request };
  };
  const walletClient = createWalletClient({ account, chain, transport: recording, pollingInterval }) as WalletClient<Transport, Chain, Account>;

  const contracts: VinferContracts = await getVinferContracts(publicClient, { ledger });
  const operator = getAddress(account.address);
  const ledgerContract = { address: contracts.ledger, abi: inferenceLedgerAbi } as const;

  return {
    chainId,
    publicClient,
    walletClient,
    operator,
    contracts,

    /**
     * Runs `send` with `hook` told the hash of each transaction it signs before the transaction leaves: the
     * caller records it durably, so a crash right after the broadcast still knows what was sent.
     */
    async recordingHashes<T>(hook: (hash: Hex) => void, send: () => Promise<T>): Promise<T> {
      beforeBroadcast = hook;
      try {
        return await send();
      } finally {
        beforeBroadcast = undefined;
      }
    },

    async head(): Promise<Head> {
      const block = await publicClient.getBlock({ blockTag: "latest" });
      return { number: block.number, timestamp: block.timestamp };
    },

    /** The registry's record of `modelId`; undefined when it is not registered. */
    async model(modelId: Hex): Promise<ModelRecord | undefined> {
      try {
        return await getModel(publicClient, { contracts, modelId });
      } catch (error) {
        if (error instanceof VinferContractError && error.errorName === "RegistryModelNotFound") return undefined;
        throw error;
      }
    },

    async resolverProfile(resolver: Address): Promise<Hex | undefined> {
      try {
        return await publicClient.readContract({ address: resolver, abi: bisectionResolverAbi, functionName: "profileHash" });
      } catch {
        return undefined;
      }
    },

    maxBatchSize(): Promise<bigint> {
      return publicClient.readContract({ ...ledgerContract, functionName: "maxBatchSize" });
    },

    bondReserve(): Promise<bigint> {
      return publicClient.readContract({ ...ledgerContract, functionName: "bondReserveOf", args: [operator] });
    },

    dataURI(): Promise<string> {
      return publicClient.readContract({ ...ledgerContract, functionName: "dataURIOf", args: [operator] });
    },

    async commitment(commitmentId: Hex): Promise<CommitmentRecord> {
      const c = await publicClient.readContract({ ...ledgerContract, functionName: "getCommitment", args: [commitmentId] });
      return { operator: c.operator, challengeDeadline: Number(c.challengeDeadline), status: c.status, count: Number(c.count) };
    },

    inferenceStatus(commitmentId: Hex, leafIndex: number): Promise<number> {
      return publicClient.readContract({ ...ledgerContract, functionName: "inferenceStatus", args: [commitmentId, BigInt(leafIndex)] });
    },

    async dataDemandStatus(key: Hex): Promise<number> {
      const demand = await publicClient.readContract({ ...ledgerContract, functionName: "getDataDemand", args: [key] });
      return demand.status;
    },

    /** The block and transaction that created a commitment, from its BatchCommitted or InferenceCommitted event. */
    async commitmentEvent(commitmentId: Hex): Promise<{ block: bigint; txHash: Hex } | undefined> {
      for (const eventName of ["BatchCommitted", "InferenceCommitted"] as const) {
        const logs = await publicClient.getContractEvents({
          ...ledgerContract,
          eventName,
          args: { commitmentId, operator },
          fromBlock: 0n,
          toBlock: "latest",
          strict: true,
        });
        if (logs.length > 0) return { block: logs[0].blockNumber, txHash: logs[0].transactionHash };
      }
      return undefined;
    },

    /** The ledger's dispute, demand and settlement events in [fromBlock, toBlock]. */
    events(fromBlock: bigint, toBlock: bigint) {
      return publicClient.getLogs({ address: contracts.ledger, events: followed, fromBlock, toBlock, strict: true });
    },
  };
}
