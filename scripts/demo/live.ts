// The demo as the protocol's users run it, every part a real process: a local chain, the deployment, the
// MNIST model registered, the indexer on PGlite, an honest and a cheating operator daemon, a challenger
// daemon, and a client sending held-out MNIST digits over HTTP. It ends when the cheater has been caught and
// slashed and every honest batch has settled, then prints a summary and a GraphQL query with its answer.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { network } from "hardhat";
import { bisectionResolverAbi, inferenceLedgerAbi } from "@vinfer/abis";
import { argmax, infer, parseModel } from "@vinfer/runtime";
import type { Int8Model } from "@vinfer/runtime";
import { heldOutInputs } from "@vinfer/runtime/training";
import type { MnistDigits } from "@vinfer/runtime/training";
import { deposit, fundBondReserve, getVinferContracts, registerModel } from "@vinfer/sdk";
import { formatEther, getAddress, parseEther, toHex, type Address, type Hash, type Hex, type PublicClient } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import VinferModule from "../../ignition/modules/Vinfer.ts";
import { startDevChain } from "./devchain.ts";
import { graphql, startIndexer } from "./indexer.ts";
import { freeLoopbackPort, startGroup } from "./processes.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const cli = join(root, "packages", "cli", "src", "main.ts");
const MODEL_FILE = "models/mnist-mlp.json";
const CHALLENGE_WINDOW = 30; // seconds: long enough for the challenger to re-execute and dispute, short for a demo
const BOND_PER_INFERENCE = parseEther("1");
const CHALLENGER_BOND = parseEther("5");
const STAKE = parseEther("1000");
const RESERVE = parseEther("500");
const REQUESTS_PER_OPERATOR = 24;
const CHEAT_FRACTION = 0.25;
/** Hardhat's development accounts (public test keys): 0 deploys, 1 is honest, 2 cheats, 3 watches. */
const MNEMONIC = "test test test test test test test test test test test junk";

export type Log = (line?: string) => void;

export type DemoOptions = {
  log: Log;
  /** Leave the chain, indexer and daemons up until `untilStopped` resolves. */
  keep?: boolean;
  untilStopped?: Promise<void>;
  /** Give up after this many seconds of waiting for the outcome. */
  timeoutS?: number;
  /** Every process started, as it starts, so that a signal handler can stop them by pid. */
  children?: Stoppable[];
  /** Called with the running services' URLs once the outcome is in, just before the `keep` phase. */
  onReady?: (urls: { chain: string; indexer: string; honest: string; cheater: string }) => void | Promise<void>;
};

/** A process the demo started. */
export type Stoppable = { pid: number; stop(): Promise<void> };

/** What the demo ends with, for its test. */
export type DemoOutcome = {
  served: { honest: number; cheater: number; cheated: number };
  /** The chain's status of every wrong answer the cheater served. */
  cheatedStatuses: string[];
  protocol: ProtocolTotals;
  operators: Record<"honest" | "cheater", OperatorRecord>;
  commitments: { operator: string; status: string; count: number }[];
  graphql: { query: string; answer: unknown };
};

type ProtocolTotals = {
  commitments: number;
  inferencesCommitted: number;
  inferencesSettled: number;
  inferencesFraudulent: number;
  inferencesVoided: number;
  bondsSlashed: string;
  disputes: number;
  disputesOpen: number;
};
type OperatorRecord = { freeStake: string; lockedStake: string; totalSlashed: string; disputesWon: number; disputesLost: number };

const keyOf = (index: number): Hex => toHex(mnemonicToAccount(MNEMONIC, { addressIndex: index }).getHdKey().privateKey!);
const short = (hex: string) => `${hex.slice(0, 10)}…`;
const tokens = (wei: bigint | string) => `${formatEther(BigInt(wei))} VNF`;

/** Runs the whole demo; every process it starts is stopped by its pid before it returns or throws. */
export async function runLiveDemo({ log, keep = false, untilStopped, timeoutS = 240, children = [], onReady }: DemoOptions): Promise<DemoOutcome> {
  const started = performance.now();
  const at = () => `${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s`;
  const work = mkdtempSync(join(tmpdir(), "vinfer-demo-"));
  try {
    // ── chain, deployment, model, stake ─────────────────────────────────────────────────────────────────
    const chain = await startDevChain(root, await freeLoopbackPort(), 60_000, { realTime: true });
    children.push(chain);
    log(`${at()}  chain       hardhat node on ${chain.url} (pid ${chain.pid})`);
    const { viem, ignition } = await network.create({ network: "devchain", override: { url: chain.url } });
    const publicClient = (await viem.getPublicClient()) as unknown as PublicClient;
    const [deployer, honestOp, cheaterOp, challenger] = await viem.getWalletClients();
    const deploymentId = `demo-${process.pid}`;
    const journal = join(root, "ignition", "deployments", deploymentId);
    rmSync(journal, { recursive: true, force: true });
    const { token, ledger, bisectionResolver } = await ignition.deploy(VinferModule, { deploymentId, displayUi: false });
    rmSync(journal, { recursive: true, force: true });
    const contracts = await getVinferContracts(publicClient, { ledger: ledger.address, bisectionResolver: bisectionResolver.address });
    log(`${at()}  deployed    ledger ${ledger.address}, bisection resolver ${bisectionResolver.address}`);

    const model: Int8Model = parseModel(readFileSync(join(root, MODEL_FILE), "utf8"));
    // The model's URI is the honest operator's copy (GET /v1/model), so that anyone can fetch the file and
    // check it against the registered weights root, e.g. the explorer re-running an inference in the page.
    const honestPort = await freeLoopbackPort();
    const modelUri = `http://127.0.0.1:${honestPort}/v1/model`;
    const { modelId } = await registerModel(deployer, {
      contracts,
      model,
      resolver: "bisection",
      challengeWindow: CHALLENGE_WINDOW,
      bondPerInference: BOND_PER_INFERENCE,
      challengerBond: CHALLENGER_BOND,
      uri: modelUri,
    });
    const widths = [model.inputWidth, ...model.layers.map((l) => l.outWidth)].join("-");
    log(`${at()}  model       MNIST ${widths} (${model.traceLength}-step trace) registered as ${short(modelId)}: window ${CHALLENGE_WINDOW} s, bond ${tokens(BOND_PER_INFERENCE)} per inference`);
    for (const wallet of [honestOp, cheaterOp, challenger]) await token.write.mint([wallet.account.address, STAKE]);
    for (const wallet of [honestOp, cheaterOp]) {
      await deposit(wallet, { contracts, amount: STAKE });
      await fundBondReserve(wallet, { contracts, amount: RESERVE });
    }
    log(`${at()}  stake       each operator deposits ${tokens(STAKE)}, ${tokens(RESERVE)} of it as bond reserve`);

    // ── indexer and daemons ─────────────────────────────────────────────────────────────────────────────
    const indexer = await startIndexer({ rpcUrl: chain.url, schema: "demo", pgliteDir: join(work, "pglite"), pollingMs: 250 });
    children.push(indexer);
    log(`${at()}  indexer     GraphQL on ${indexer.url}/graphql (pid ${indexer.pid})`);

    const env = (key: Hex) => ({ ...process.env, VINFER_RPC_URL: chain.url, VINFER_PRIVATE_KEY: key, VINFER_LEDGER: ledger.address });
    const daemon = async (name: string, args: string[], key: Hex, port: number) => {
      const url = `http://127.0.0.1:${port}`;
      const child = await startGroup({
        name,
        command: process.execPath,
        args: [cli, ...args, "--port", String(port)],
        cwd: root,
        env: env(key),
        timeoutMs: 60_000,
        ready: async () => (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) })).ok,
      });
      children.push(child);
      return { child, url };
    };
    const operatorArgs = (dir: string) => ["operator", "--model-id", modelId, "--model", MODEL_FILE, "--data-dir", join(work, dir), "--batch-size", "8", "--batch-age-ms", "1500"];
    const honest = await daemon("honest operator", operatorArgs("honest"), keyOf(1), honestPort);
    const cheater = await daemon("cheating operator", [...operatorArgs("cheater"), "--cheat-fraction", String(CHEAT_FRACTION)], keyOf(2), await freeLoopbackPort());
    const watcher = await daemon("challenger", ["challenger", "--model", MODEL_FILE, "--data-dir", join(work, "challenger")], keyOf(3), await freeLoopbackPort());
    log(`${at()}  operators   honest ${short(honestOp.account.address)} on ${honest.url} (pid ${honest.child.pid}), cheating ${short(cheaterOp.account.address)} on ${cheater.url} (pid ${cheater.child.pid}, wrong on ${CHEAT_FRACTION * 100} % of requests)`);
    log(`${at()}  challenger  ${short(challenger.account.address)} watching the chain (pid ${watcher.child.pid})`);

    // ── the client ──────────────────────────────────────────────────────────────────────────────────────
    const mnist = heldOutInputs(createRequire(import.meta.url)("mnist") as MnistDigits);
    const served = { honest: 0, cheater: 0, cheated: 0 };
    const send = async (url: string, k: number) => {
      const input = mnist.inputs[k];
      const response = await fetch(`${url}/v1/infer`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ modelId, input: Array.from(input) }),
      });
      if (!response.ok) throw new Error(`${url}/v1/infer answered ${response.status}: ${await response.text()}`);
      const answer = (await response.json()) as { output: number[]; requestId: Hex };
      return { requestId: answer.requestId, label: mnist.labels[k], prediction: argmax(Int8Array.from(answer.output)), wrong: !sameOutput(model, input, answer.output) };
    };
    const honestAnswers = [];
    const cheaterAnswers = [];
    for (let k = 0; k < REQUESTS_PER_OPERATOR; k++) {
      honestAnswers.push(await send(honest.url, k));
      cheaterAnswers.push(await send(cheater.url, REQUESTS_PER_OPERATOR + k));
    }
    served.honest = honestAnswers.length;
    served.cheater = cheaterAnswers.length;
    served.cheated = cheaterAnswers.filter((a) => a.wrong).length;
    const right = (answers: { label: number; prediction: number }[]) => answers.filter((a) => a.label === a.prediction).length;
    log(`${at()}  client      sent ${REQUESTS_PER_OPERATOR} held-out digits to each operator over HTTP: honest right on ${right(honestAnswers)}, cheater on ${right(cheaterAnswers)}`);
    log(`${at()}              the cheater answered ${served.cheated} of them with a wrong computation`);
    if (served.cheated === 0) throw new Error("the cheating operator served no wrong answer to catch");

    // ── wait for the outcome, watching the indexer ──────────────────────────────────────────────────────
    const deadline = Date.now() + timeoutS * 1000;
    let last = "";
    for (;;) {
      const { body } = await graphql<{ commitments: { items: { operator: string; status: string }[] }; protocol: ProtocolTotals | null }>(
        indexer,
        `{ commitments(limit: 200) { items { operator status } } protocol(id: "vinfer") { inferencesCommitted inferencesSettled inferencesFraudulent inferencesVoided disputes disputesOpen } }`,
      );
      if (body.errors !== undefined) throw new Error(`GraphQL refused the progress query: ${body.errors[0].message}`);
      const items = body.data?.commitments.items ?? [];
      const mine = (who: Address) => items.filter((c) => getAddress(c.operator) === getAddress(who));
      const count = (list: { status: string }[], status: string) => list.filter((c) => c.status === status).length;
      const h = mine(honestOp.account.address);
      const c = mine(cheaterOp.account.address);
      const p = body.data?.protocol;
      const line =
        `honest ${count(h, "SETTLED")}/${h.length} batches settled; cheater ${count(c, "SLASHED")} slashed, ${count(c, "SETTLED")} settled, ${count(c, "PENDING") + count(c, "DISPUTED")} open; ` +
        `disputes ${p?.disputes ?? 0} (${p?.disputesOpen ?? 0} open); inferences ${p?.inferencesSettled ?? 0} settled, ${p?.inferencesFraudulent ?? 0} fraudulent, ${p?.inferencesVoided ?? 0} voided`;
      if (line !== last) log(`${at()}  progress    ${line}`);
      last = line;
      const honestDone = h.length > 0 && h.reduce((n, x) => n + (x.status === "SETTLED" ? 1 : 0), 0) === h.length;
      const committedAll = (p?.inferencesCommitted ?? 0) >= served.honest + served.cheater;
      const cheaterDone = c.length > 0 && count(c, "PENDING") + count(c, "DISPUTED") === 0 && count(c, "SLASHED") > 0;
      if (honestDone && cheaterDone && committedAll && (p?.disputesOpen ?? 1) === 0) break;
      for (const child of [chain, honest.child, cheater.child, watcher.child]) {
        const exited = child.exited();
        if (exited !== undefined) throw new Error(`${"name" in child ? child.name : "the chain"} exited (${exited}):\n${"log" in child ? child.log() : ""}`);
      }
      if (Date.now() > deadline) {
        const tails = [honest.child, cheater.child, watcher.child].map((c) => `--- ${c.name} ---\n${c.log().split("\n").slice(-8).join("\n")}`);
        throw new Error(`no outcome within ${timeoutS} s: ${line}\n${tails.join("\n")}`);
      }
      await sleep(1_000);
    }

    // Every wrong answer the cheater served must have been caught: its leaf FRAUDULENT, or VOIDED with its batch.
    const cheatedStatuses: string[] = [];
    for (const { requestId } of cheaterAnswers.filter((a) => a.wrong)) {
      const receipt = (await (await fetch(`${cheater.url}/v1/receipts/${requestId}`)).json()) as { chainStatus?: string };
      cheatedStatuses.push(receipt.chainStatus ?? "UNCOMMITTED");
    }
    const escaped = cheatedStatuses.filter((s) => s !== "FRAUDULENT" && s !== "VOIDED").length;
    if (escaped > 0) throw new Error(`${escaped} of the cheater's ${cheatedStatuses.length} wrong answers were not caught (${cheatedStatuses.join(", ")})`);

    // ── summary ─────────────────────────────────────────────────────────────────────────────────────────
    const query = `{
  protocol(id: "vinfer") { commitments inferencesCommitted inferencesSettled inferencesFraudulent inferencesVoided bondsSlashed disputes disputesOpen }
  inferences(where: { status: FRAUDULENT }, limit: 20) { items { requestId operator status commitment { status } disputes { items { status } } } }
}`;
    /** A GraphQL answer's data; a refused or failed query throws with the indexer's message. */
    const ask = async <T>(text: string): Promise<T> => {
      const { status, body } = await graphql<T>(indexer, text);
      if (body.errors !== undefined || body.data === undefined) throw new Error(`GraphQL answered ${status}: ${body.errors?.[0]?.message ?? "no data"}`);
      return body.data;
    };
    const answer = { data: await ask<{ protocol: ProtocolTotals }>(query) };
    const protocol = answer.data.protocol;
    const operatorRecord = async (address: Address) =>
      (
        await ask<{ operator: OperatorRecord | null }>(
          `{ operator(id: "${address.toLowerCase()}") { freeStake lockedStake totalSlashed disputesWon disputesLost } }`,
        )
      ).operator ?? missing(`operator ${address} is not indexed`);
    const operators = { honest: await operatorRecord(honestOp.account.address), cheater: await operatorRecord(cheaterOp.account.address) };
    const list = await ask<{ commitments: { items: { operator: string; status: string; count: number }[] } }>(
      `{ commitments(limit: 200, orderBy: "committedBlock") { items { operator status count } } }`,
    );
    const gas = await gasFigures(publicClient, ledger.address, bisectionResolver.address);

    log();
    log("summary");
    log(`  requests served       ${served.honest} by the honest operator, ${served.cheater} by the cheater (${served.cheated} of them wrong)`);
    log(`  inferences            ${protocol.inferencesCommitted} committed: ${protocol.inferencesSettled} settled, ${protocol.inferencesFraudulent} fraudulent, ${protocol.inferencesVoided} voided`);
    log(`  disputes              ${protocol.disputes}, all decided on chain; bonds slashed ${tokens(protocol.bondsSlashed)}`);
    const batchesOf = (who: Address) => list.commitments.items.filter((c) => getAddress(c.operator) === getAddress(who));
    const statuses = (who: Address) => [...new Set(batchesOf(who).map((c) => c.status))].join(", ");
    log(`  honest operator       ${batchesOf(honestOp.account.address).length} batches (${statuses(honestOp.account.address)}), ${operators.honest.disputesWon} disputes won, ${operators.honest.disputesLost} lost, slashed ${tokens(operators.honest.totalSlashed)}`);
    log(`  cheating operator     ${batchesOf(cheaterOp.account.address).length} batches (${statuses(cheaterOp.account.address)}), ${operators.cheater.disputesWon} disputes won, ${operators.cheater.disputesLost} lost, slashed ${tokens(operators.cheater.totalSlashed)}`);
    log(`  gas per inference     ${gas.perInference.toLocaleString("en-US")} (commitBatch of ${gas.batchSize} on average)`);
    log(`  gas per dispute       ${gas.perDispute.toLocaleString("en-US")} (challenge commit + reveal + every bisection move + the one-step proof)`);
    log();
    log(`GraphQL  POST ${indexer.url}/graphql`);
    for (const line of query.split("\n")) log(`  ${line}`);
    log("answer");
    for (const line of JSON.stringify(answer.data, null, 2).split("\n")) log(`  ${line}`);

    await onReady?.({ chain: chain.url, indexer: indexer.url, honest: honest.url, cheater: cheater.url });
    if (keep) {
      log();
      // The explorer's address names the chain's RPC, so that "verify on chain" reads this chain.
      log(`kept running until Ctrl-C: explorer ${indexer.url}/explorer/?rpc=${encodeURIComponent(chain.url)}, GraphQL ${indexer.url}/graphql, chain ${chain.url}, operators ${honest.url} and ${cheater.url}`);
      await untilStopped;
    }
    return {
      served,
      cheatedStatuses,
      protocol,
      operators,
      commitments: list.commitments.items.map((c) => ({
        operator: getAddress(c.operator) === getAddress(honestOp.account.address) ? "honest" : "cheater",
        status: c.status,
        count: c.count,
      })),
      graphql: { query, answer: answer.data },
    };
  } finally {
    for (const child of children.splice(0).reverse()) await child.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Whether `output` is what the model really computes from `input`. */
function sameOutput(model: Int8Model, input: Int8Array, output: number[]): boolean {
  const truth = infer(model, input);
  return truth.length === output.length && truth.every((v, i) => v === output[i]);
}

/** Average gas per committed inference and per dispute, from the chain's receipts. */
async function gasFigures(client: PublicClient, ledger: Address, resolver: Address) {
  const receiptGas = async (hashes: Iterable<Hash>) => {
    let total = 0n;
    for (const hash of new Set(hashes)) total += (await client.getTransactionReceipt({ hash })).gasUsed;
    return total;
  };
  const batches = await client.getContractEvents({ address: ledger, abi: inferenceLedgerAbi, eventName: "BatchCommitted", fromBlock: 0n, strict: true });
  const leaves = batches.reduce((n, e) => n + e.args.items.length, 0);
  const commitGas = await receiptGas(batches.map((e) => e.transactionHash));
  const opened = await client.getContractEvents({ address: ledger, abi: inferenceLedgerAbi, eventName: "DisputeOpened", fromBlock: 0n, strict: true });
  const commits = await client.getContractEvents({ address: ledger, abi: inferenceLedgerAbi, eventName: "ChallengeCommitted", fromBlock: 0n, strict: true });
  const moves = (
    await Promise.all(
      (["MidStatePosted", "MidStateAnswered", "StepProven", "MoveTimedOut"] as const).map((eventName) =>
        client.getContractEvents({ address: resolver, abi: bisectionResolverAbi, eventName, fromBlock: 0n, strict: true }),
      ),
    )
  ).flat();
  let disputeGas = 0n;
  for (const { args, transactionHash } of opened) {
    const own = [transactionHash, ...commits.filter((c) => c.args.id === args.disputeId).map((c) => c.transactionHash)];
    own.push(...moves.filter((m) => m.args.disputeId === args.disputeId).map((m) => m.transactionHash));
    disputeGas += await receiptGas(own);
  }
  return {
    batchSize: batches.length === 0 ? 0 : Math.round(leaves / batches.length),
    perInference: leaves === 0 ? 0 : Number(commitGas / BigInt(leaves)),
    perDispute: opened.length === 0 ? 0 : Number(disputeGas / BigInt(opened.length)),
  };
}

function missing(what: string): never {
  throw new Error(what);
}
