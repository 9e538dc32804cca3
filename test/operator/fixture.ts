// The operator daemon's tests run against a real `hardhat node` with the protocol deployed (test/indexer's
// harness), the MNIST model registered with the bisection resolver, and operators that stake through SDK
// actions with fresh keys (the daemon needs a private key, not a node-managed account).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { inferenceLedgerAbi } from "@vinfer/abis";
import { parseModel, type Int8Model } from "@vinfer/runtime";
import { heldOutInputs, type MnistDigits } from "@vinfer/runtime/training";
import { deposit, fundBondReserve, getVinferContracts, registerModel, type VinferContracts } from "@vinfer/sdk";
import { confirmed } from "@vinfer/sdk/testing";
import { createPublicClient, createWalletClient, defineChain, http, parseEther, toHex, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { root, startDeployedChain, type DeployedChain } from "../indexer/harness.ts";

export const MODEL_PATH = join(root, "models", "mnist-mlp.json");
export const BOND_PER_INFERENCE = parseEther("1");
export const CHALLENGER_BOND = parseEther("5");

let digits: Int8Array[] | undefined;
/** Held-out MNIST digits as int8 model inputs. */
export function digit(k: number): Int8Array {
  digits ??= heldOutInputs(createRequire(import.meta.url)("mnist") as MnistDigits).inputs;
  return digits[k % digits.length];
}

export type OperatorChain = Awaited<ReturnType<typeof startOperatorChain>>;

/** A dev chain with the protocol, the MNIST model registered (bisection) with `challengeWindow`, and a funded challenger. */
export async function startOperatorChain({ challengeWindow = 60 }: { challengeWindow?: number } = {}) {
  const system: DeployedChain = await startDeployedChain();
  try {
    const { connection, chain, token } = system;
    const publicClient = await connection.viem.getPublicClient();
    const [deployer, , , challenger] = await connection.viem.getWalletClients();
    const contracts: VinferContracts = await getVinferContracts(publicClient);
    const model: Int8Model = parseModel(readFileSync(MODEL_PATH, "utf8"));
    const { modelId } = await registerModel(deployer, {
      contracts,
      model,
      resolver: "bisection",
      challengeWindow,
      bondPerInference: BOND_PER_INFERENCE,
      challengerBond: CHALLENGER_BOND,
      uri: "models/mnist-mlp.json",
    });
    await confirmed(publicClient, await token.write.mint([challenger.account.address, parseEther("1000")]), "mint");
    const viemChain = defineChain({
      id: 31337,
      name: "devchain",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [chain.url] } },
    });

    /** A fresh operator key with ETH, stake and `reserve` in its bond reserve. */
    async function newOperator(reserve = parseEther("500"), stake = parseEther("1000")) {
      const privateKey = generatePrivateKey();
      const account = privateKeyToAccount(privateKey);
      await connection.provider.request({ method: "hardhat_setBalance", params: [account.address, toHex(parseEther("100"))] });
      await confirmed(publicClient, await token.write.mint([account.address, stake]), "mint");
      const wallet = createWalletClient({ account, chain: viemChain, transport: http(chain.url) });
      await deposit(wallet, { contracts, amount: stake });
      if (reserve > 0n) await fundBondReserve(wallet, { contracts, amount: reserve });
      return { privateKey, address: account.address, wallet };
    }

    /** Moves the chain's clock: evm_increaseTime, then one evm_mine. */
    async function advanceTime(seconds: number) {
      await connection.provider.request({ method: "evm_increaseTime", params: [seconds] });
      await connection.provider.request({ method: "evm_mine", params: [] });
    }

    /** Every inference `operator` committed on chain, in commit order, from BatchCommitted and InferenceCommitted. */
    async function committedLeaves(operator: Address) {
      const client = createPublicClient({ chain: viemChain, transport: http(chain.url) });
      const batches = await client.getContractEvents({
        address: contracts.ledger,
        abi: inferenceLedgerAbi,
        eventName: "BatchCommitted",
        args: { operator },
        fromBlock: 0n,
        strict: true,
      });
      const singles = await client.getContractEvents({
        address: contracts.ledger,
        abi: inferenceLedgerAbi,
        eventName: "InferenceCommitted",
        args: { operator },
        fromBlock: 0n,
        strict: true,
      });
      const leaves: { commitmentId: Hex; requestId: Hex; outputHash: Hex; block: bigint }[] = [];
      for (const b of batches) for (const item of b.args.items) leaves.push({ commitmentId: b.args.commitmentId, requestId: item.requestId, outputHash: item.outputHash, block: b.blockNumber });
      for (const s of singles) leaves.push({ commitmentId: s.args.commitmentId, requestId: s.args.requestId, outputHash: s.args.outputHash, block: s.blockNumber });
      return leaves.sort((a, b) => Number(a.block - b.block));
    }

    return { ...system, publicClient, deployer, challenger, contracts, model, modelId, newOperator, advanceTime, committedLeaves };
  } catch (error) {
    await system.chain.stop();
    throw error;
  }
}

const tempDirs: string[] = [];

/** A new temporary directory (removed by removeTempDirs). */
export function freshDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "vinfer-operator-"));
  tempDirs.push(dir);
  return dir;
}

/** Removes the temporary directories made so far (call it once their daemons are stopped). */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Posts JSON (or `raw` text with `contentType`) and returns the status and parsed body. */
export async function post<T = Record<string, unknown>>(
  url: string,
  body: unknown,
  { raw, contentType = "application/json" }: { raw?: string; contentType?: string } = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": contentType }, body: raw ?? JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: (text === "" ? {} : JSON.parse(text)) as T };
}

export async function get<T = Record<string, unknown>>(url: string): Promise<{ status: number; body: T; text: string }> {
  const response = await fetch(url);
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body: body as T, text };
}

/** Polls `check` until it returns something other than undefined. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** One metric's value from a Prometheus text page. */
export function metric(text: string, name: string, labels = ""): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

/** A log sink that keeps records for assertions (and prints them with VINFER_TEST_LOGS=1). */
export function logSink() {
  const records: Record<string, unknown>[] = [];
  const log = (record: Record<string, unknown>) => {
    records.push(record);
    if (process.env.VINFER_TEST_LOGS === "1") console.error(JSON.stringify(record));
  };
  return { records, log };
}
