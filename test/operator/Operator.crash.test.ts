// The operator daemon killed with SIGKILL and restarted on the same data directory: whatever it answered
// is committed exactly once (leaves counted on chain), and its receipts are served.
import { expect } from "chai";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { setTimeout as sleep } from "node:timers/promises";
import { verifyReceipt, type InferenceReceipt } from "@vinfer/sdk";
import type { OperatorConfig } from "@vinfer/operator";
import type { Hex } from "viem";
import { digit, freshDataDir, get, metric, MODEL_PATH, post, removeTempDirs, startOperatorChain, waitFor, type OperatorChain } from "./fixture.ts";
import { spawnOperator, type OperatorProcess } from "./process.ts";

type Receipt = InferenceReceipt & { status: string; requestId: Hex; chainStatus: string };

describe("Operator: crashes and restarts", function () {
  this.timeout(120_000);
  let env: OperatorChain;
  const running: OperatorProcess[] = [];

  before(async () => {
    env = await startOperatorChain({ challengeWindow: 600 });
  });

  afterEach(async () => {
    for (const p of running.splice(0)) await p.kill();
  });

  after(async () => {
    await env?.chain.stop();
    removeTempDirs();
  });

  async function start(config: Omit<OperatorConfig, "log">) {
    const p = await spawnOperator(config);
    running.push(p);
    return p;
  }

  async function configFor(overrides: Partial<OperatorConfig> = {}) {
    const operator = await env.newOperator();
    const config: Omit<OperatorConfig, "log"> = {
      rpcUrl: env.chain.url,
      privateKey: operator.privateKey,
      modelId: env.modelId,
      modelPath: MODEL_PATH,
      dataDir: join(freshDataDir(), "data"),
      pollMs: 50,
      ...overrides,
    };
    return { operator, config };
  }

  const ask = (url: string, k: number) => post<{ requestId: Hex }>(`${url}/v1/infer`, { modelId: env.modelId, input: Array.from(digit(k)) });

  /** Waits until every request has a committed receipt, and checks each against the chain. */
  async function allCommitted(url: string, requestIds: readonly Hex[]) {
    const receipts = await waitFor(
      "every receipt committed",
      async () => {
        const all = await Promise.all(requestIds.map((id) => get<Receipt>(`${url}/v1/receipts/${id}`)));
        return all.every((r) => r.status === 200 && r.body.status === "committed") ? all.map((r) => r.body) : undefined;
      },
      30_000,
      100,
    );
    for (const r of receipts) {
      const verified = await verifyReceipt(env.publicClient, { contracts: env.contracts, receipt: r });
      expect(verified.included, verified.reason).to.equal(true);
    }
    return receipts;
  }

  function expectOnceEach(leaves: { requestId: Hex }[], requestIds: readonly Hex[]) {
    const counts = new Map<string, number>();
    for (const l of leaves) counts.set(l.requestId, (counts.get(l.requestId) ?? 0) + 1);
    for (const [id, n] of counts) expect(n, `leaves with request id ${id}`).to.equal(1);
    for (const id of requestIds) expect(counts.get(id), `request ${id} on chain`).to.equal(1);
  }

  it("commits every request accepted before a SIGKILL exactly once after the restart", async () => {
    // Nothing is due before the kill: the batch is far from full and its age limit far away.
    const { operator, config } = await configFor({ batchSize: 256, batchAgeMs: 600_000 });
    const first = await start(config);
    const requestIds: Hex[] = [];
    for (let k = 0; k < 10; k++) {
      const { status, body } = await ask(first.url, k);
      expect(status).to.equal(200);
      requestIds.push(body.requestId);
    }
    expect(metric((await get(`${first.url}/metrics`)).text, "vinfer_operator_queue_depth")).to.equal(10);
    await first.kill();
    expect(await env.committedLeaves(operator.address)).to.have.length(0);

    const second = await start({ ...config, batchAgeMs: 200 });
    const receipts = await allCommitted(second.url, requestIds);
    expect(new Set(receipts.map((r) => r.commitmentId)).size).to.equal(1);
    const leaves = await env.committedLeaves(operator.address);
    expect(leaves).to.have.length(10);
    expectOnceEach(leaves, requestIds);
    expect(await second.stop()).to.equal(0);
  });

  it("loses and duplicates nothing when killed in the middle of a stream of requests and commitments", async () => {
    const { operator, config } = await configFor({ batchSize: 3, batchAgeMs: 100 });
    const first = await start(config);
    const answered: Hex[] = [];
    let killing = false;
    let sent = 0;
    // Four clients send digits one after another; the daemon is killed while requests and commitments are in flight.
    const client = async () => {
      while (!killing) {
        const k = sent++;
        try {
          const { status, body } = await ask(first.url, 100 + k);
          if (status === 200) answered.push(body.requestId);
        } catch {
          // the connection died with the process
        }
      }
    };
    const clients = Array.from({ length: 4 }, client);
    await waitFor("some batches on chain", async () => ((await env.committedLeaves(operator.address)).length >= 6 ? true : undefined), 20_000, 20);
    await sleep(30);
    killing = true;
    await first.kill();
    await Promise.all(clients);
    expect(answered.length).to.be.greaterThan(6);

    const second = await start(config);
    await allCommitted(second.url, answered);
    await waitFor("an empty queue", async () => (metric((await get(`${second.url}/metrics`)).text, "vinfer_operator_queue_depth") === 0 ? true : undefined));
    const leaves = await env.committedLeaves(operator.address);
    expectOnceEach(leaves, answered);
    // Whatever reached the chain was accepted by the daemon, which serves its receipt.
    for (const leaf of leaves) expect((await get(`${second.url}/v1/receipts/${leaf.requestId}`)).status).to.equal(200);
    expect(await second.stop()).to.equal(0);
  });

  it("finds a batch on chain that a crash left unrecorded, and does not send it again", async () => {
    const { operator, config } = await configFor({ batchSize: 4, batchAgeMs: 100 });
    const first = await start(config);
    const requestIds: Hex[] = [];
    for (let k = 0; k < 4; k++) requestIds.push((await ask(first.url, 200 + k)).body.requestId);
    await allCommitted(first.url, requestIds);
    expect(await first.stop()).to.equal(0);

    // As if the process died after the transaction was broadcast and before its result was recorded
    // (here even its hash is forgotten: the commitment id alone must find it).
    const db = new DatabaseSync(join(config.dataDir, "operator.sqlite"));
    db.exec("UPDATE batches SET status = 'committing', tx_hash = NULL, block = NULL, challenge_deadline = NULL");
    db.close();

    const second = await start(config);
    const receipts = await allCommitted(second.url, requestIds);
    expect(receipts.every((r) => r.chainStatus === "PENDING")).to.equal(true);
    expect(second.records.some((r) => r.event === "batch_reconciled")).to.equal(true);
    expect(second.records.some((r) => r.event === "batch_committed")).to.equal(false);
    const leaves = await env.committedLeaves(operator.address);
    expect(leaves).to.have.length(4);
    expectOnceEach(leaves, requestIds);
    expect(await second.stop()).to.equal(0);
  });
});
