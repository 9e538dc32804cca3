/**
 * The indexer under load, on a real Hardhat node and real `ponder start` processes (PGlite, then PostgreSQL).
 * Writes bench/results/indexer.json.
 *
 * Data: 40 batches of 256 leaves, 500 single commitments, one batch of 2,048 leaves and 100 more singles,
 * half of the first two groups settled, then 100 empty blocks: all before the indexer starts, so it backfills.
 *  - backfill: leaves indexed per second from the HTTP server's first answer until /ready (the app's build
 *    before it apart): every leaf is then indexed, being at least 100 blocks below the tip;
 *  - live lag: from a commit's receipt to its inference being visible in GraphQL, 50 commits at random phases;
 *  - settlement: the lag and handler time of settling one 2,048-leaf commitment (one event, 2,048 leaf rows)
 *    against settling 100 single commitments and against indexing 100 single commitments in one block;
 *  - API (50 clients, autocannon): a 50-row status-filtered page (the explorer's), the same on Ponder's stock GraphQL,
 *    distinct lookups by request id (no two alike, so no cache helps), distinct receipts, and distinct
 *    lookups while 5 more clients send refused (over-deep, over-wide, over-costly, all different) queries.
 * Each backfill runs 3 times on a fresh schema and reports the median (a 2-core machine varies by ±30 %).
 * BENCH_BACKFILL_ONLY=1 stops after the backfill.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import autocannon from "autocannon";
import { keccak256, parseEther, stringToBytes } from "viem";
import type { Hex } from "viem";
import { inferenceLeaf, merkleRoot, profileHash } from "@vinfer/runtime";
import { confirmed } from "@vinfer/sdk/testing";
import { graphql, startDeployedChain, startIndexer, waitForBlock } from "../test/indexer/harness.ts";
import type { Indexer } from "../test/indexer/harness.ts";
import { startPostgres } from "../test/indexer/postgres.ts";

const BATCHES = 40;
const BATCH_SIZE = 256;
const BATCHES_PER_BLOCK = 4;
const SINGLES = 500;
const SINGLES_PER_BLOCK = 20;
const BIG_BATCH = 2048;
const SETTLE_SINGLES = 100;
const LIVE_COMMITS = 50;
const BACKFILL_RUNS = 3;
const CONNECTIONS = 50;
const DURATION_S = 10;
const TARGETS = {
  backfillLeavesPerSecondMin: 5_000,
  graphqlRpsMin: 1_000,
  graphqlP99MsMax: 100,
  graphqlVsStockMin: 5,
  liveLagP99MsMax: 1_500,
  abuseP99VsNormalMax: 2,
};

const hash = (label: string) => keccak256(stringToBytes(`bench/indexer/${label}`));
const leaf = (label: string) => ({ requestId: hash(label), inputHash: hash(`${label}/in`), outputHash: hash(`${label}/out`) });
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

// ---- the chain and its history -------------------------------------------------------------------------

const system = await startDeployedChain();
const indexers: Indexer[] = [];
let stopPostgres: (() => Promise<void>) | undefined;
const cleanUp = async () => {
  for (const indexer of indexers.splice(0)) await indexer.stop();
  await stopPostgres?.();
  await system.chain.stop();
};

try {
  const { connection, token, registry, stakeManager, ledger, bisectionResolver } = system;
  const publicClient = await connection.viem.getPublicClient();
  const [deployer, operator] = await connection.viem.getWalletClients();
  const mined = async (label: string, tx: Promise<Hex>) => confirmed(publicClient, await tx, label);
  const spec = {
    weightsRoot: hash("weights"),
    profileHash,
    traceLength: 64,
    resolver: bisectionResolver.address,
    challengeWindow: 60,
    bondPerInference: parseEther("0.01"),
    challengerBond: parseEther("1"),
    uri: "models/bench.json",
  };
  await mined("register", registry.write.registerModel([spec], { account: deployer.account }));
  const modelId = await registry.read.computeModelId([deployer.account.address, spec]);
  const as = { account: operator.account };
  await mined("mint", token.write.mint([operator.account.address, parseEther("1000")]));
  await mined("approve", token.write.approve([stakeManager.address, parseEther("1000")], as));
  await mined("deposit", stakeManager.write.deposit([parseEther("1000")], as));
  await mined("fund", ledger.write.fundBondReserve([parseEther("500")], as));

  const idOf = (leaves: { requestId: Hex; inputHash: Hex; outputHash: Hex }[]) => {
    const hashes = leaves.map((l) => inferenceLeaf(l.requestId, l.inputHash, l.outputHash));
    return ledger.read.computeCommitmentId([modelId, operator.account.address, hashes.length === 1 ? hashes[0] : merkleRoot(hashes)]);
  };
  const commitSingle = async (label: string) => {
    const l = leaf(label);
    return mined(`commit ${label}`, ledger.write.commit([modelId, l.requestId, l.inputHash, l.outputHash], as));
  };
  /** Sends the transactions `perBlock` at a time into one mined block each, as a busy chain packs them. */
  const inBlocks = async (sends: (() => Promise<Hex>)[], perBlock: number) => {
    await connection.provider.request({ method: "evm_setAutomine", params: [false] });
    try {
      for (let i = 0; i < sends.length; i += perBlock) {
        const hashes: Hex[] = [];
        for (const send of sends.slice(i, i + perBlock)) hashes.push(await send());
        await connection.provider.request({ method: "evm_mine", params: [] });
        for (const h of hashes) await confirmed(publicClient, h, "packed transaction");
      }
    } finally {
      await connection.provider.request({ method: "evm_setAutomine", params: [true] });
    }
  };

  console.log(`committing ${BATCHES} batches of ${BATCH_SIZE} (${BATCHES_PER_BLOCK} a block), ${SINGLES} singles (${SINGLES_PER_BLOCK} a block), a batch of ${BIG_BATCH} and ${SETTLE_SINGLES} singles…`);
  const batchLeaves = Array.from({ length: BATCHES }, (_, b) => Array.from({ length: BATCH_SIZE }, (_, i) => leaf(`batch/${b}/${i}`)));
  await inBlocks(batchLeaves.map((leaves) => () => ledger.write.commitBatch([modelId, leaves], as)), BATCHES_PER_BLOCK);
  const batches = await Promise.all(batchLeaves.map(idOf));
  const singleLeaves = Array.from({ length: SINGLES }, (_, s) => leaf(`single/${s}`));
  await inBlocks(singleLeaves.map((l) => () => ledger.write.commit([modelId, l.requestId, l.inputHash, l.outputHash], as)), SINGLES_PER_BLOCK);
  const singles = await Promise.all(singleLeaves.map((l) => idOf([l])));
  const bigLeaves = Array.from({ length: BIG_BATCH }, (_, i) => leaf(`big/${i}`));
  await mined("big batch", ledger.write.commitBatch([modelId, bigLeaves], as));
  const big = await idOf(bigLeaves);
  const settleLeaves = Array.from({ length: SETTLE_SINGLES }, (_, s) => leaf(`settle/${s}`));
  await inBlocks(settleLeaves.map((l) => () => ledger.write.commit([modelId, l.requestId, l.inputHash, l.outputHash], as)), SINGLES_PER_BLOCK);
  const toSettleLive = await Promise.all(settleLeaves.map((l) => idOf([l])));
  const totalLeaves = BATCHES * BATCH_SIZE + SINGLES + BIG_BATCH + SETTLE_SINGLES;

  await connection.networkHelpers.time.increase(spec.challengeWindow + 1);
  const settledNow = [...batches.slice(0, BATCHES / 2), ...singles.slice(0, SINGLES / 2)];
  for (let i = 0; i < settledNow.length; i += 50) {
    await mined("settleMany", ledger.write.settleMany([settledNow.slice(i, i + 50)], as));
  }
  // One evm_mine per block: hardhat_mine's bulk blocks carry no parent hash, which a real indexer
  // following the chain (rightly) refuses to link.
  for (let i = 0; i < 100; i++) await connection.provider.request({ method: "evm_mine", params: [] });
  const historyTip = await publicClient.getBlockNumber();
  console.log(`history: ${totalLeaves} leaves in ${historyTip} blocks`);

  // ---- backfill, on PGlite and on PostgreSQL ------------------------------------------------------------

  /** Where the backfill's time went, from Ponder's own metrics (sums of milliseconds, possibly overlapping). */
  const breakdown = async (indexer: Indexer) => {
    const text = await (await fetch(`${indexer.url}/metrics`)).text();
    const sum = (prefix: string, label?: string) =>
      Math.round(
        text
          .split("\n")
          .filter((l) => l.startsWith(prefix) && (label === undefined || l.includes(label)))
          .reduce((total, l) => total + Number(l.split(" ").at(-1)), 0),
      );
    return {
      rpcGetBlockMs: sum("ponder_rpc_request_duration_sum", 'method="eth_getBlockByNumber"'),
      rpcGetLogsMs: sum("ponder_rpc_request_duration_sum", 'method="eth_getLogs"'),
      rpcOtherMs: sum("ponder_rpc_request_duration_sum") - sum("ponder_rpc_request_duration_sum", 'method="eth_getBlockByNumber"') - sum("ponder_rpc_request_duration_sum", 'method="eth_getLogs"'),
      handlersMs: sum("ponder_indexing_function_duration_sum"),
      syncStoreInsertsMs: sum("ponder_database_method_duration_sum", 'method="insert_'),
      commitBlockMs: sum("ponder_database_method_duration_sum", 'method="commit_block"'),
      rawSqlMs: sum("ponder_indexing_store_raw_sql_duration_sum"),
      handlersByEventMs: Object.fromEntries(
        text
          .split("\n")
          .filter((l) => l.startsWith("ponder_indexing_function_duration_sum") && !l.endsWith(" 0"))
          .map((l) => [l.match(/event="([^"]+)"/)?.[1] ?? "?", Math.round(Number(l.split(" ").at(-1)))] as const)
          .filter(([, ms]) => ms >= 10),
      ),
    };
  };
  // Every leaf sits at least 100 blocks below the tip, so all of them are indexed when /ready answers 200
  // (the finalized history); the last 30 blocks, empty, are indexed one by one afterwards.
  const backfill = async (indexer: Indexer) => {
    const seconds = (indexer.startup.readyMs - indexer.startup.listeningMs) / 1000;
    const spent = await breakdown(indexer);
    return {
      // The indexer's own share: leaves per second of indexing-function time (fetching from the RPC apart).
      handlerLeavesPerSecond: Math.round(totalLeaves / (spent.handlersMs / 1000)),
      breakdown: spent,
      leavesPerSecond: Math.round(totalLeaves / seconds),
      seconds: round(seconds, 2),
      emptyTailToTipS: round((indexer.startup.caughtUpMs - indexer.startup.readyMs) / 1000, 2),
      processStartToListeningS: round(indexer.startup.listeningMs / 1000, 2),
      processStartToCaughtUpS: round(indexer.startup.caughtUpMs / 1000, 2),
    };
  };
  /** BACKFILL_RUNS fresh backfills (a new schema each), the median by rate first; the last indexer is kept. */
  const backfills = async (start: () => Promise<Indexer>) => {
    const runs = [];
    let last: Indexer | undefined;
    for (let run = 0; run < BACKFILL_RUNS; run++) {
      if (last !== undefined) await last.stop(), indexers.splice(indexers.indexOf(last), 1);
      last = await start();
      indexers.push(last);
      runs.push(await backfill(last));
    }
    runs.sort((a, b) => a.leavesPerSecond - b.leavesPerSecond);
    const median = runs[Math.floor(runs.length / 2)];
    return { indexer: last!, result: { ...median, runsLeavesPerSecond: runs.map((r) => r.leavesPerSecond) } };
  };
  const pglite = await backfills(() => startIndexer({ rpcUrl: system.chain.url, pollingMs: 250 }, 600_000));
  const backfillPglite = pglite.result;
  await pglite.indexer.stop();
  indexers.splice(indexers.indexOf(pglite.indexer), 1);

  const postgres = await startPostgres();
  stopPostgres = postgres.stop;
  const onPostgres = await backfills(() =>
    startIndexer({ rpcUrl: system.chain.url, databaseUrl: postgres.url, stockGraphql: true, pollingMs: 250 }, 600_000),
  );
  const indexer = onPostgres.indexer;
  const backfillPostgres = onPostgres.result;
  console.log(`backfill: PGlite ${backfillPglite.leavesPerSecond} leaves/s, PostgreSQL ${backfillPostgres.leavesPerSecond} leaves/s`);
  console.log(JSON.stringify({ pglite: backfillPglite, postgres: backfillPostgres }));
  if (process.env.BENCH_BACKFILL_ONLY === "1") {
    await cleanUp();
    process.exit(0);
  }

  // ---- live lag and settlement -------------------------------------------------------------------------

  /** Milliseconds from a block being mined (its receipt, or evm_mine returning) until `visible` holds in GraphQL. */
  const lagOf = async (mine: () => Promise<unknown>, visible: () => Promise<boolean>) => {
    await mine();
    const minedAt = performance.now();
    while (!(await visible())) await sleep(2);
    return performance.now() - minedAt;
  };
  const statusOf = async (requestId: Hex) => {
    const { body } = await graphql<{ inferences: { items: { status: string }[] } }>(
      indexer,
      `query($r: String!) { inferences(where: { requestId: $r }, limit: 1) { items { status } } }`,
      { r: requestId },
    );
    return body.data?.inferences.items[0]?.status;
  };
  const lags: number[] = [];
  for (let i = 0; i < LIVE_COMMITS; i++) {
    await sleep(Math.random() * 250);
    lags.push(await lagOf(() => commitSingle(`live/${i}`), async () => (await statusOf(hash(`live/${i}`))) === "PENDING"));
  }

  /** Total time Ponder spent in the handlers of `event` so far, from /metrics. */
  const handlerMs = async (event: string) => {
    const text = await (await fetch(`${indexer.url}/metrics`)).text();
    const sum = text.split("\n").find((l) => l.startsWith("ponder_indexing_function_duration_sum") && l.includes(`event="InferenceLedger:${event}"`));
    return sum === undefined ? 0 : Number(sum.split(" ").at(-1));
  };
  const measured = async (event: string, mine: () => Promise<unknown>, visible: () => Promise<boolean>) => {
    const before = await handlerMs(event);
    const lagMs = await lagOf(mine, visible);
    return { lagMs: Math.round(lagMs), handlerMs: round((await handlerMs(event)) - before) };
  };
  // 100 single commitments in one block, the yardstick for settling one commitment of 2,048 leaves.
  const freshLeaves = Array.from({ length: SETTLE_SINGLES }, (_, s) => leaf(`fresh/${s}`));
  await connection.provider.request({ method: "evm_setAutomine", params: [false] });
  const freshHashes: Hex[] = [];
  for (const l of freshLeaves) freshHashes.push(await ledger.write.commit([modelId, l.requestId, l.inputHash, l.outputHash], as));
  const commit100 = await measured(
    "InferenceCommitted",
    () => connection.provider.request({ method: "evm_mine", params: [] }),
    async () => (await statusOf(freshLeaves.at(-1)!.requestId)) === "PENDING",
  );
  await connection.provider.request({ method: "evm_setAutomine", params: [true] });
  for (const h of freshHashes) await confirmed(publicClient, h, "commit fresh");
  // A 2,048-leaf commitment made while the indexer runs, settled after its window: the normal live path, its
  // leaves still in Ponder's store. The one committed before the indexer started is settled too: Ponder
  // drops its cache when the backfill ends, so that settlement reads every leaf from the database once.
  const liveBigLeaves = Array.from({ length: BIG_BATCH }, (_, i) => leaf(`live-big/${i}`));
  const commitBig = await measured(
    "BatchCommitted",
    () => mined("live big batch", ledger.write.commitBatch([modelId, liveBigLeaves], as)),
    async () => (await statusOf(liveBigLeaves.at(-1)!.requestId)) === "PENDING",
  );
  const liveBig = await idOf(liveBigLeaves);
  await connection.networkHelpers.time.increase(spec.challengeWindow + 1);
  const settleBig = await measured(
    "CommitmentSettled",
    () => mined("settle live big", ledger.write.settle([liveBig], as)),
    async () => (await statusOf(liveBigLeaves.at(-1)!.requestId)) === "SETTLED",
  );
  const settleBigCold = await measured(
    "CommitmentSettled",
    () => mined("settle big", ledger.write.settle([big], as)),
    async () => (await statusOf(bigLeaves.at(-1)!.requestId)) === "SETTLED",
  );
  const settle100 = await measured(
    "CommitmentSettled",
    () => mined("settle singles", ledger.write.settleMany([toSettleLive], as)),
    async () => (await statusOf(settleLeaves.at(-1)!.requestId)) === "SETTLED",
  );
  for (const id of [liveBig, big]) {
    const settledLeaves = await graphql<{ inferences: { totalCount: number } }>(
      indexer,
      `query($id: String!) { inferences(where: { commitmentId: $id, status: SETTLED }, limit: 1) { totalCount } }`,
      { id },
    );
    if (settledLeaves.body.data?.inferences.totalCount !== BIG_BATCH) {
      throw new Error(`after settlement ${JSON.stringify(settledLeaves.body)} of the ${BIG_BATCH} leaves are SETTLED`);
    }
  }
  await waitForBlock(indexer, await publicClient.getBlockNumber());

  // ---- the API under load ------------------------------------------------------------------------------

  // Every committed request id; lookups walk them with a page size from 1 to 9, so no two bodies repeat
  // within 9 × 12,788 requests (checked below) and no cached answer helps.
  const LOOKUP_PAGES = 9;
  const requestIds: Hex[] = [...batchLeaves.flat(), ...singleLeaves, ...bigLeaves].map((l) => l.requestId);

  const HOT = JSON.stringify({
    query: `{ inferences(where: { status: SETTLED }, orderBy: "committedBlock", orderDirection: "desc", limit: 50) { items { requestId status outputHash leafIndex commitment { id status challengeDeadline } } } }`,
  });
  const LOOKUP = `query($requestId: String!, $limit: Int!) { inferences(where: { requestId: $requestId }, limit: $limit) { items { commitmentId leafIndex status outputHash commitment { status challengeDeadline } } } }`;
  let next = 0;
  const distinctLookup = () => {
    const n = next++;
    return JSON.stringify({ query: LOOKUP, variables: { requestId: requestIds[n % requestIds.length], limit: 1 + (n % LOOKUP_PAGES) } });
  };
  const post = { method: "POST" as const, headers: { "content-type": "application/json" } };

  type Load = { rps: number; p50Ms: number; p99Ms: number; requests: number; non2xx: number; errors: number };
  const load = async (options: autocannon.Options): Promise<Load> => {
    const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options });
    return {
      rps: Math.round(result.requests.average),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
    };
  };
  const expectOk = (name: string, l: Load) => {
    if (l.non2xx !== 0 || l.errors !== 0) throw new Error(`${name}: ${l.non2xx} non-2xx answers and ${l.errors} errors`);
    return l;
  };

  // Warm both servers' code paths before measuring.
  await load({ url: `${indexer.url}/graphql`, ...post, body: HOT, duration: 2 });
  const hot = expectOk("graphql", await load({ url: `${indexer.url}/graphql`, ...post, body: HOT }));
  await load({ url: `${indexer.url}/stock/graphql`, ...post, body: HOT, duration: 2 });
  const stock = expectOk("stock graphql", await load({ url: `${indexer.url}/stock/graphql`, ...post, body: HOT }));
  next = 0;
  const distinct = expectOk(
    "distinct lookups",
    await load({ url: `${indexer.url}/graphql`, requests: [{ ...post, setupRequest: (r) => ({ ...r, body: distinctLookup() }) }] }),
  );
  let nextReceipt = 0;
  const receipts = expectOk(
    "receipts",
    await load({ url: indexer.url, requests: [{ method: "GET", setupRequest: (r) => {
          // With and without ?operator=: two distinct paths per request id.
          const n = nextReceipt++;
          const query = n % 2 === 0 ? "" : `?operator=${operator.account.address}`;
          return { ...r, path: `/receipts/${requestIds[Math.floor(n / 2) % requestIds.length]}${query}` };
        } }] }),
  );

  // Normal clients alone, then beside 5 abusive ones whose queries all differ (no cached refusal helps them).
  const normal = { url: `${indexer.url}/graphql`, connections: CONNECTIONS - 5, requests: [{ ...post, setupRequest: (r: autocannon.Request) => ({ ...r, body: distinctLookup() }) }] };
  const baseline = expectOk("normal clients", await load(normal));
  let abuseCount = 0;
  const abusive = () => {
    const n = ++abuseCount;
    let deep = "id";
    for (let i = 0; i < 3; i++) deep = `commitment { operatorRecord { commitments(limit: 1) { items { ${deep} } } } }`;
    const queries = [
      `{ inferences(limit: ${1_000 + n}) { items { requestId } } }`,
      `{ disputes(limit: 200) { items { moves(limit: ${150 + (n % 50)}) { items { kind } } } } }`,
      `{ inferences(limit: ${1 + (n % 100)}) { items { ${deep} } } }`,
      `{ ${Array.from({ length: 11 + (n % 5) }, (_, i) => `a${i}: protocol(id: "vinfer") { commitments }`).join(" ")} }`,
    ];
    return JSON.stringify({ query: queries[n % queries.length] });
  };
  const [withAbuse, abuse] = await Promise.all([
    load(normal),
    load({ url: `${indexer.url}/graphql`, connections: 5, requests: [{ ...post, setupRequest: (r) => ({ ...r, body: abusive() }) }] }),
  ]);
  expectOk("normal clients beside abuse", withAbuse);
  if (abuse.non2xx !== abuse.requests) throw new Error(`only ${abuse.non2xx} of ${abuse.requests} abusive queries were refused`);

  if (next > LOOKUP_PAGES * requestIds.length) throw new Error(`${next} lookups repeated bodies: raise LOOKUP_PAGES`);
  if (nextReceipt > 2 * requestIds.length) throw new Error(`${nextReceipt} receipt requests repeated paths`);

  const results = {
    backfillLeavesPerSecond: backfillPglite.leavesPerSecond,
    liveLagP99Ms: Math.round(percentile(lags, 99)),
    graphqlRps: hot.rps,
    graphqlP50Ms: hot.p50Ms,
    graphqlP99Ms: hot.p99Ms,
    stockGraphqlRps: stock.rps,
    stockGraphqlP99Ms: stock.p99Ms,
    distinctLookupRps: distinct.rps,
    distinctLookupP99Ms: distinct.p99Ms,
    receiptRps: receipts.rps,
    receiptP99Ms: receipts.p99Ms,
    abuseP99Ms: withAbuse.p99Ms,
    targets: TARGETS,
    detail: {
      machine: "2 cores; chain, indexer, database and load generator on the same machine, over loopback",
      history: { leaves: totalLeaves, batches: `${BATCHES} × ${BATCH_SIZE} + 1 × ${BIG_BATCH}`, singles: SINGLES + SETTLE_SINGLES, blocks: Number(historyTip), packing: `${BATCHES_PER_BLOCK} batches or ${SINGLES_PER_BLOCK} singles a block` },
      backfill: { pglite: backfillPglite, postgres: backfillPostgres },
      liveLag: { commits: LIVE_COMMITS, pollingMs: 250, p50Ms: Math.round(percentile(lags, 50)), p99Ms: Math.round(percentile(lags, 99)), maxMs: Math.round(Math.max(...lags)) },
      settlement: {
        note: "live, on PostgreSQL; lag from the block mined to the last leaf's new status in GraphQL",
        settleOneCommitmentOf2048: settleBig,
        settleOneCommitmentOf2048IndexedBeforeRestart: settleBigCold,
        commitOneCommitmentOf2048: commitBig,
        settle100SingleCommitments: settle100,
        commit100SingleCommitmentsInOneBlock: commit100,
      },
      api: {
        database: "PostgreSQL 15 (the API benchmarks run on the PostgreSQL deployment)",
        connections: CONNECTIONS,
        durationS: DURATION_S,
        graphql: hot,
        stockGraphql: stock,
        graphqlVsStock: round(hot.rps / stock.rps),
        distinctLookups: distinct,
        receipts,
        abuse: { normalAlone: baseline, normalBesideAbuse: withAbuse, abusive: abuse, p99Ratio: round(withAbuse.p99Ms / baseline.p99Ms, 2) },
      },
    },
  };
  const checks: [string, number | string, string, boolean][] = [
    ["backfill (PGlite), leaves/s", results.backfillLeavesPerSecond, `≥ ${TARGETS.backfillLeavesPerSecondMin}`, results.backfillLeavesPerSecond >= TARGETS.backfillLeavesPerSecondMin],
    ["backfill (PostgreSQL), leaves/s", backfillPostgres.leavesPerSecond, `≥ ${TARGETS.backfillLeavesPerSecondMin}`, backfillPostgres.leavesPerSecond >= TARGETS.backfillLeavesPerSecondMin],
    ["backfill, RPC ms (getBlock + getLogs) / handler ms", `${backfillPglite.breakdown.rpcGetBlockMs + backfillPglite.breakdown.rpcGetLogsMs} / ${backfillPglite.breakdown.handlersMs}`, "", true],
    ["handlers alone, leaves/s (PGlite / PostgreSQL)", `${backfillPglite.handlerLeavesPerSecond} / ${backfillPostgres.handlerLeavesPerSecond}`, "", true],
    ["live lag p99, ms", results.liveLagP99Ms, `≤ ${TARGETS.liveLagP99MsMax}`, results.liveLagP99Ms <= TARGETS.liveLagP99MsMax],
    ["settle 2,048 leaves: lag / handler ms", `${settleBig.lagMs} / ${settleBig.handlerMs}`, `≤ 100 commits: ${commit100.handlerMs} ms`, settleBig.handlerMs <= commit100.handlerMs],
    ["settle 2,048 indexed before start: lag / handler ms", `${settleBigCold.lagMs} / ${settleBigCold.handlerMs}`, "", true],
    ["commit 2,048 leaves: lag / handler ms", `${commitBig.lagMs} / ${commitBig.handlerMs}`, "", true],
    ["settle 100 singles: lag / handler ms", `${settle100.lagMs} / ${settle100.handlerMs}`, "", true],
    ["commit 100 singles in a block: lag / handler ms", `${commit100.lagMs} / ${commit100.handlerMs}`, "", true],
    ["GraphQL (hot query), req/s", hot.rps, `≥ ${TARGETS.graphqlRpsMin}`, hot.rps >= TARGETS.graphqlRpsMin],
    ["GraphQL p50 / p99, ms", `${hot.p50Ms} / ${hot.p99Ms}`, `p99 ≤ ${TARGETS.graphqlP99MsMax}`, hot.p99Ms <= TARGETS.graphqlP99MsMax],
    ["stock GraphQL, req/s (p99 ms)", `${stock.rps} (${stock.p99Ms})`, "", true],
    ["GraphQL vs stock", `${round(hot.rps / stock.rps)}×`, `≥ ${TARGETS.graphqlVsStockMin}×`, hot.rps / stock.rps >= TARGETS.graphqlVsStockMin],
    ["distinct lookups, req/s (p99 ms)", `${distinct.rps} (${distinct.p99Ms})`, "", true],
    ["receipts, req/s (p99 ms)", `${receipts.rps} (${receipts.p99Ms})`, "", true],
    ["normal p99 alone / beside abuse, ms", `${baseline.p99Ms} / ${withAbuse.p99Ms}`, `≤ ${TARGETS.abuseP99VsNormalMax}×`, withAbuse.p99Ms <= TARGETS.abuseP99VsNormalMax * baseline.p99Ms],
  ];
  console.log();
  console.table(checks.map(([metric, value, target, ok]) => ({ metric, value, target, ok: target === "" ? "" : ok ? "yes" : "NO" })));
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/indexer.json", `${JSON.stringify(results, null, 2)}\n`);
  console.log("wrote bench/results/indexer.json");
} finally {
  await cleanUp();
}
