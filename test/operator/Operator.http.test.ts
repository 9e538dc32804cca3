// The operator daemon's HTTP API against a real node: an inference is answered, stored, committed, proven
// and settled; a repeated request id gets the same answer and one leaf on chain; every bad request gets its
// 4xx with a message and queues nothing; /health and /metrics report the daemon's state.
import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { argmax, buildModel, infer, parseModel, serializeModel, vectorHash } from "@vinfer/runtime";
import { int8ToHex, verifyReceipt, type CommitmentData } from "@vinfer/sdk";
import { startOperator, type OperatorDaemon } from "@vinfer/operator";
import { keccak256, stringToBytes, type Hex } from "viem";
import { digit, freshDataDir, get, logSink, metric, MODEL_PATH, post, removeTempDirs, startOperatorChain, waitFor, type OperatorChain } from "./fixture.ts";

type Answer = {
  requestId: Hex;
  modelId: Hex;
  output: number[];
  outputHash: Hex;
  inputHash: Hex;
  prediction: number;
  receipt: Receipt;
};
type Receipt = {
  status: "queued" | "committed";
  requestId: Hex;
  commitmentId: Hex;
  modelId: Hex;
  operator: Hex;
  leafIndex: number;
  inference: { requestId: Hex; inputHash: Hex; outputHash: Hex };
  proof: Hex[];
  root: Hex;
  challengeDeadline: number;
  chainStatus: string;
  final: boolean;
  output?: number[];
  prediction?: number;
};

describe("Operator: the HTTP API", function () {
  this.timeout(120_000);
  const BATCH_AGE_MS = 1_000;
  let env: OperatorChain;
  let daemon: OperatorDaemon;
  let operator: Awaited<ReturnType<OperatorChain["newOperator"]>>;
  const logs = logSink();
  let dataDir: string;

  before(async () => {
    dataDir = freshDataDir();
    env = await startOperatorChain({ challengeWindow: 60 });
    operator = await env.newOperator();
    daemon = await startOperator({
      rpcUrl: env.chain.url,
      privateKey: operator.privateKey,
      modelId: env.modelId,
      modelPath: MODEL_PATH,
      dataDir,
      batchSize: 8,
      batchAgeMs: BATCH_AGE_MS,
      pollMs: 100,
      log: logs.log,
    });
  });

  after(async () => {
    await daemon?.stop();
    await env?.chain.stop();
    removeTempDirs();
  });

  const infer_ = (body: unknown) => post<Answer>(`${daemon.url}/v1/infer`, body);
  const receipt = (requestId: string) => get<Receipt>(`${daemon.url}/v1/receipts/${requestId}`);
  const committed = (requestId: Hex, status = "PENDING") =>
    waitFor(`receipt ${requestId} ${status}`, async () => {
      const { body } = await receipt(requestId);
      return body.status === "committed" && body.chainStatus === status ? body : undefined;
    });

  it("answers an inference, stores it, commits it, and its receipt verifies on chain until it settles", async () => {
    const input = digit(0);
    const { status, body } = await infer_({ modelId: env.modelId, input: Array.from(input) });
    expect(status).to.equal(200);
    const output = infer(env.model, input);
    expect(body.output).to.deep.equal(Array.from(output));
    expect(body.outputHash).to.equal(vectorHash(output));
    expect(body.inputHash).to.equal(vectorHash(input));
    expect(body.prediction).to.equal(argmax(output));
    expect(body.modelId).to.equal(env.modelId);
    expect(body.requestId).to.match(/^0x[0-9a-f]{64}$/);
    expect(body.receipt.status).to.equal("queued");

    const queued = await receipt(body.requestId);
    expect(queued.status).to.equal(200);
    expect(queued.body.status).to.equal("queued");
    expect(queued.body).to.deep.include({ output: Array.from(output), prediction: argmax(output) });

    const onChain = await committed(body.requestId);
    expect(onChain.inference).to.deep.equal({ requestId: body.requestId, inputHash: body.inputHash, outputHash: body.outputHash });
    expect(onChain.operator).to.equal(operator.address);
    const verified = await verifyReceipt(env.publicClient, { contracts: env.contracts, receipt: onChain });
    expect(verified.included, verified.reason).to.equal(true);
    expect(verified.status).to.equal("Pending");

    // The data endpoint the daemon announced on chain serves the commitment's inputs and outputs.
    expect(await env.ledger.read.dataURIOf([operator.address])).to.equal(`${daemon.url}/v1/data`);
    const data = await get<CommitmentData>(`${daemon.url}/v1/data/${onChain.commitmentId}`);
    expect(data.status).to.equal(200);
    expect(data.body.items[onChain.leafIndex]).to.include({ requestId: body.requestId, input: int8ToHex(input), output: int8ToHex(output) });

    await env.advanceTime(61);
    const settled = await committed(body.requestId, "SETTLED");
    expect(settled.final).to.equal(true);
    const final = await verifyReceipt(env.publicClient, { contracts: env.contracts, receipt: settled });
    expect(final).to.include({ included: true, status: "Settled", final: true });
  });

  it("gives a repeated request id the same answer, refuses it for another input, and commits it once", async () => {
    const requestId = keccak256(stringToBytes("operator-http-test/repeat"));
    const input = Array.from(digit(1));
    const answers = await Promise.all(Array.from({ length: 5 }, () => infer_({ modelId: env.modelId, input, requestId })));
    for (const a of answers) {
      expect(a.status).to.equal(200);
      expect(a.body.requestId).to.equal(requestId);
      expect(a.body.output).to.deep.equal(answers[0].body.output);
      expect(a.body.outputHash).to.equal(answers[0].body.outputHash);
    }
    const other = await infer_({ modelId: env.modelId, input: Array.from(digit(2)), requestId });
    expect(other.status).to.equal(409);
    expect(other.body).to.have.property("error").that.matches(/already answered/);

    await committed(requestId);
    const again = await infer_({ modelId: env.modelId, input, requestId });
    expect(again.status).to.equal(200);
    expect(again.body.output).to.deep.equal(answers[0].body.output);
    expect(again.body.receipt.status).to.equal("committed");

    await new Promise((resolve) => setTimeout(resolve, BATCH_AGE_MS + 500));
    const leaves = await env.committedLeaves(operator.address);
    expect(leaves.filter((l) => l.requestId === requestId)).to.have.length(1);
  });

  it("rejects every bad request with a 4xx and a message, and queues nothing", async () => {
    const leavesBefore = (await env.committedLeaves(operator.address)).length;
    const metricsBefore = (await get(`${daemon.url}/metrics`)).text;
    const width = env.model.inputWidth;
    const good = Array.from(digit(3));
    const url = `${daemon.url}/v1/infer`;
    const cases: { name: string; status: number; send: () => Promise<{ status: number; body: unknown }>; infer?: boolean }[] = [
      { name: "malformed JSON", status: 400, send: () => post(url, undefined, { raw: '{"modelId": ' }) },
      { name: "a JSON array", status: 400, send: () => post(url, [1, 2]) },
      { name: "no input", status: 400, send: () => post(url, { modelId: env.modelId }) },
      { name: "a short vector", status: 400, send: () => post(url, { modelId: env.modelId, input: good.slice(0, 10) }) },
      { name: "a long vector", status: 400, send: () => post(url, { modelId: env.modelId, input: [...good, 0] }) },
      { name: "a fraction", status: 400, send: () => post(url, { modelId: env.modelId, input: [1.5, ...good.slice(1)] }) },
      { name: "a string", status: 400, send: () => post(url, { modelId: env.modelId, input: ["5", ...good.slice(1)] }) },
      { name: "128", status: 400, send: () => post(url, { modelId: env.modelId, input: [...good.slice(0, width - 1), 128] }) },
      { name: "-129", status: 400, send: () => post(url, { modelId: env.modelId, input: [-129, ...good.slice(1)] }) },
      { name: "a malformed model id", status: 400, send: () => post(url, { modelId: "0x1234", input: good }) },
      { name: "a malformed request id", status: 400, send: () => post(url, { modelId: env.modelId, input: good, requestId: "0xabc" }) },
      { name: "an unknown model", status: 404, send: () => post(url, { modelId: keccak256(stringToBytes("no such model")), input: good }) },
      { name: "a body over 64 kB", status: 413, send: () => post(url, { modelId: env.modelId, input: good, pad: "x".repeat(70_000) }) },
      { name: "a text body", status: 415, send: () => post(url, undefined, { raw: JSON.stringify({ modelId: env.modelId, input: good }), contentType: "text/plain" }) },
    ];
    const others: typeof cases = [
      { name: "an unknown route", status: 404, send: () => post(`${daemon.url}/v1/inference`, { modelId: env.modelId, input: good }) },
      { name: "GET /v1/infer", status: 405, send: () => get(url), infer: true },
      { name: "POST /health", status: 405, send: () => post(`${daemon.url}/health`, {}) },
      { name: "a malformed receipt id", status: 400, send: () => get(`${daemon.url}/v1/receipts/0x1234`) },
      { name: "an unknown receipt", status: 404, send: () => get(`${daemon.url}/v1/receipts/${keccak256(stringToBytes("nobody asked"))}`) },
      { name: "a malformed commitment id", status: 400, send: () => get(`${daemon.url}/v1/data/abc`) },
      { name: "an unknown commitment", status: 404, send: () => get(`${daemon.url}/v1/data/${keccak256(stringToBytes("no commitment"))}`) },
    ];
    for (const c of [...cases, ...others]) {
      const { status, body } = await c.send();
      expect(status, c.name).to.equal(c.status);
      expect((body as { error?: unknown }).error, c.name).to.be.a("string").and.not.equal("");
    }
    const allowed = await fetch(url);
    expect(allowed.headers.get("allow")).to.equal("POST");

    const metrics = (await get(`${daemon.url}/metrics`)).text;
    expect(metric(metrics, "vinfer_operator_queue_depth")).to.equal(0);
    const rejected = (text: string) => metric(text, "vinfer_operator_requests_total", '{outcome="rejected"}')!;
    // Every refused call of /v1/infer counts: the bad bodies, GET /v1/infer, and the Allow check above.
    expect(rejected(metrics) - rejected(metricsBefore)).to.equal(cases.length + others.filter((c) => c.infer).length + 1);
    expect(metric(metrics, "vinfer_operator_requests_total", '{outcome="accepted"}')).to.equal(
      metric(metricsBefore, "vinfer_operator_requests_total", '{outcome="accepted"}'),
    );
    await new Promise((resolve) => setTimeout(resolve, BATCH_AGE_MS + 500));
    expect((await env.committedLeaves(operator.address)).length).to.equal(leavesBefore);
  });

  it("reports its health and Prometheus metrics, and never logs its key", async () => {
    const health = await get<{ ok: boolean; address: string; block: number; queued: number }>(`${daemon.url}/health`);
    expect(health.status).to.equal(200);
    expect(health.body).to.include({ ok: true, address: operator.address, queued: 0 });
    expect(health.body.block).to.be.a("number").greaterThan(0);

    const response = await fetch(`${daemon.url}/metrics`);
    expect(response.headers.get("content-type")).to.match(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const name of [
      "vinfer_operator_queue_depth",
      "vinfer_operator_requests_total",
      "vinfer_operator_batches_total",
      "vinfer_operator_gas_spent_total",
      "vinfer_operator_disputes_total",
      "vinfer_operator_bond_reserve",
    ]) {
      expect(text, name).to.include(`# TYPE ${name} `);
    }
    expect(metric(text, "vinfer_operator_batches_total")).to.be.at.least(2);
    expect(metric(text, "vinfer_operator_gas_spent_total")).to.be.greaterThan(0);
    expect(metric(text, "vinfer_operator_disputes_total", '{outcome="won"}')).to.equal(0);
    expect(BigInt(text.match(/^vinfer_operator_bond_reserve (\d+)$/m)![1])).to.equal(await env.ledger.read.bondReserveOf([operator.address]));

    expect(logs.records.some((r) => r.event === "started")).to.equal(true);
    expect(logs.records.every((r) => typeof r.time === "string" && typeof r.level === "string" && typeof r.event === "string")).to.equal(true);
    const everything = JSON.stringify(logs.records).toLowerCase();
    expect(everything).not.to.include(operator.privateKey.slice(2).toLowerCase());
  });

  it("serves the model file it runs, byte for byte, readable from any page and revalidated by its weights root", async () => {
    const file = readFileSync(MODEL_PATH, "utf8");
    const response = await fetch(`${daemon.url}/v1/model`);
    expect(response.status).to.equal(200);
    expect(response.headers.get("access-control-allow-origin")).to.equal("*");
    expect(response.headers.get("content-type")).to.equal("application/json; charset=utf-8");
    const served = await response.text();
    expect(served).to.equal(file);
    const model = parseModel(served);
    expect(response.headers.get("etag")).to.equal(`"${model.weightsRoot}"`);
    expect(model.weightsRoot).to.equal(env.model.weightsRoot);

    const again = await fetch(`${daemon.url}/v1/model`, { headers: { "if-none-match": `W/"${model.weightsRoot}"` } });
    expect(again.status).to.equal(304);
    expect(await again.text()).to.equal("");
    const other = await fetch(`${daemon.url}/v1/model`, { headers: { "if-none-match": `"0x${"00".repeat(32)}"` } });
    expect(other.status).to.equal(200);
    await other.arrayBuffer();
    const wrongMethod = await fetch(`${daemon.url}/v1/model`, { method: "POST" });
    expect(wrongMethod.status).to.equal(405);
    expect(((await wrongMethod.json()) as { error: string }).error).to.equal("POST is not allowed on /v1/model");
  });

  it("refuses to start on a model file other than the registered one, an unknown model, or a data directory in use", async () => {
    const base = { rpcUrl: env.chain.url, privateKey: operator.privateKey, modelId: env.modelId, modelPath: MODEL_PATH, log: () => {} };
    const refusal = async (config: Parameters<typeof startOperator>[0]) => {
      try {
        const started = await startOperator(config);
        await started.stop();
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error("the daemon started");
    };
    // One bias changed: a valid model file whose weightsRoot is not the registered one.
    const layers = env.model.layers.map((l, i) => (i === 0 ? { ...l, biases: Int32Array.from(l.biases, (b, j) => (j === 0 ? b + 1 : b)) } : l));
    const otherPath = join(freshDataDir(), "other-model.json");
    writeFileSync(otherPath, serializeModel(buildModel({ inputWidth: env.model.inputWidth, layers })));
    expect(await refusal({ ...base, modelPath: otherPath, dataDir: freshDataDir() })).to.match(/weightsRoot/);
    expect(await refusal({ ...base, modelId: keccak256(stringToBytes("unregistered")), dataDir: freshDataDir() })).to.match(/not registered/);
    expect(await refusal({ ...base, dataDir })).to.match(/in use by another operator process/);
    expect((await get(`${daemon.url}/health`)).status).to.equal(200);
  });
});
