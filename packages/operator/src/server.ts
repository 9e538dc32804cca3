// The HTTP API (node:http, no framework): POST /v1/infer, GET /v1/receipts/:requestId,
// GET /v1/data/:commitmentId, GET /v1/model, GET /health, GET /metrics. Bad input gets a 4xx JSON { error } and changes
// nothing; an accepted request is in the store (a committed transaction) before its answer is written.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { isHex, type Hex } from "viem";
import type { Context } from "./context.ts";
import { createIntake } from "./intake.ts";
import { errorText } from "./log.ts";
import { METRICS_CONTENT_TYPE, metricsText } from "./metrics.ts";
import { answerOf, commitmentDataOf, predictionOf, receiptOf } from "./receipts.ts";

/** Largest request body accepted. */
export const BODY_LIMIT = 64 * 1024;
/** Bodies up to this are read (and discarded) to answer 413 cleanly; beyond it the connection is closed. */
const DRAIN_LIMIT = 1024 * 1024;

class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

function send(res: ServerResponse, status: number, body: string, contentType: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  // Everything served is public (answers, receipts, a commitment's data): any page may read it, e.g. the explorer
  // re-running a committed inference in the browser.
  res.writeHead(status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    "access-control-allow-origin": "*",
    ...headers,
  });
  res.end(body);
}

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(value), "application/json; charset=utf-8", headers);
}

/** The request body, or a 413 once it exceeds BODY_LIMIT. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > DRAIN_LIMIT) {
    req.resume();
    return Promise.reject(new HttpError(413, `request body over ${BODY_LIMIT} bytes`, { connection: "close" }));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
      else if (size > DRAIN_LIMIT) {
        reject(new HttpError(413, `request body over ${BODY_LIMIT} bytes`, { connection: "close" }));
        req.destroy();
      }
    });
    req.on("end", () => (size > BODY_LIMIT ? reject(new HttpError(413, `request body over ${BODY_LIMIT} bytes`)) : resolve(Buffer.concat(chunks))));
    req.on("error", reject);
  });
}

type InferBody = { modelId: Hex; input: Int8Array; requestId: Hex | undefined };

/** Checks an inference request; throws the 4xx it deserves. */
function parseInfer(ctx: Context, raw: Buffer): InferBody {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch (error) {
    throw new HttpError(400, `malformed JSON: ${(error as Error).message}`);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError(400, "the body must be a JSON object { modelId, input, requestId? }");
  const { modelId, input, requestId } = body as Record<string, unknown>;
  if (typeof modelId !== "string" || !BYTES32.test(modelId)) throw new HttpError(400, "modelId must be 0x followed by 64 hex digits");
  if (modelId.toLowerCase() !== ctx.modelId) throw new HttpError(404, `unknown model ${modelId}: this operator serves ${ctx.modelId}`);
  if (requestId !== undefined && (typeof requestId !== "string" || !BYTES32.test(requestId))) {
    throw new HttpError(400, "requestId must be 0x followed by 64 hex digits (32 bytes)");
  }
  const width = ctx.model.inputWidth;
  if (!Array.isArray(input)) throw new HttpError(400, `input must be an array of ${width} int8 values`);
  if (input.length !== width) throw new HttpError(400, `input must have ${width} values, got ${input.length}`);
  const vector = new Int8Array(width);
  for (let i = 0; i < width; i++) {
    const v = input[i];
    if (typeof v !== "number" || !Number.isInteger(v)) throw new HttpError(400, `input[${i}] must be an integer, got ${JSON.stringify(v)}`);
    if (v < -128 || v > 127) throw new HttpError(400, `input[${i}] = ${v} is outside the int8 range [-128, 127]`);
    vector[i] = v;
  }
  return { modelId: modelId.toLowerCase() as Hex, input: vector, requestId: requestId?.toLowerCase() as Hex | undefined };
}

async function infer(ctx: Context, intake: ReturnType<typeof createIntake>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") throw new HttpError(415, "the body must be JSON (content-type: application/json)");
  const body = parseInfer(ctx, await readBody(req));
  const result = await intake.submit({ input: body.input, requestId: body.requestId });
  if (result.kind === "refused") {
    const headers: Record<string, string> = result.status === 503 ? { "retry-after": String(Math.max(1, Math.ceil(ctx.settings.pollMs / 1000))) } : {};
    throw new HttpError(result.status, result.message, headers);
  }
  ctx.requests[result.kind]++;
  if (result.kind === "accepted") {
    const { row } = result;
    ctx.log.debug("request_accepted", { requestId: row.requestId, inputHash: row.inputHash, outputHash: row.outputHash, cheated: row.fault !== undefined });
  }
  json(res, 200, await answerOf(ctx, result.row));
}

function bytes32Param(raw: string, name: string): Hex {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    value = raw;
  }
  if (!BYTES32.test(value) || !isHex(value)) throw new HttpError(400, `${name} must be 0x followed by 64 hex digits`);
  return value.toLowerCase() as Hex;
}

async function receipt(ctx: Context, res: ServerResponse, param: string): Promise<void> {
  const requestId = bytes32Param(param, "requestId");
  const row = ctx.store.findRequest(requestId);
  if (row === undefined) throw new HttpError(404, `no request ${requestId}`);
  // The receipt, with the answer it is for (a client that lost the answer finds it here).
  json(res, 200, { ...(await receiptOf(ctx, row)), output: Array.from(row.output), prediction: predictionOf(row.output) });
}

function data(ctx: Context, res: ServerResponse, param: string): void {
  const commitmentId = bytes32Param(param, "commitmentId");
  const batch = ctx.store.batchByCommitment(commitmentId);
  if (batch === undefined) throw new HttpError(404, `no commitment ${commitmentId} of this operator`);
  json(res, 200, commitmentDataOf(ctx, batch));
}

/** The model file the daemon runs, byte for byte; its ETag is the weights root, so a client revalidates cheaply. */
function modelFile(ctx: Context, req: IncomingMessage, res: ServerResponse): void {
  const etag = `"${ctx.model.weightsRoot}"`;
  const headers = { etag, "cache-control": "no-cache", "x-vinfer-weights-root": ctx.model.weightsRoot };
  const match = (req.headers["if-none-match"] ?? "").split(",").map((tag) => tag.trim().replace(/^W\//, ""));
  if (match.includes(etag)) send(res, 304, "", "application/json; charset=utf-8", headers);
  else send(res, 200, ctx.modelText, "application/json; charset=utf-8", headers);
}

function health(ctx: Context, res: ServerResponse): void {
  const seen = ctx.state.chainSeenAt;
  const ok = seen !== undefined && Date.now() - seen < Math.max(10_000, 10 * ctx.settings.pollMs);
  json(res, ok ? 200 : 503, {
    ok,
    address: ctx.operator,
    modelId: ctx.modelId,
    block: ctx.state.head === undefined ? null : Number(ctx.state.head.number),
    queued: ctx.store.unconfirmedCount(),
    bondReserve: ctx.state.reserve?.toString() ?? null,
  });
}

type Route = { pattern: RegExp; methods: string[]; handle: (req: IncomingMessage, res: ServerResponse, param: string) => Promise<void> | void };

export function createHttpServer(ctx: Context): Server {
  const intake = createIntake(ctx);
  const routes: Route[] = [
    { pattern: /^\/v1\/infer$/, methods: ["POST"], handle: (req, res) => infer(ctx, intake, req, res) },
    { pattern: /^\/v1\/receipts\/([^/]+)$/, methods: ["GET", "HEAD"], handle: (_req, res, p) => receipt(ctx, res, p) },
    { pattern: /^\/v1\/data\/([^/]+)$/, methods: ["GET", "HEAD"], handle: (_req, res, p) => data(ctx, res, p) },
    { pattern: /^\/v1\/model$/, methods: ["GET", "HEAD"], handle: (req, res) => modelFile(ctx, req, res) },
    { pattern: /^\/health$/, methods: ["GET", "HEAD"], handle: (_req, res) => health(ctx, res) },
    { pattern: /^\/metrics$/, methods: ["GET", "HEAD"], handle: (_req, res) => send(res, 200, metricsText(ctx), METRICS_CONTENT_TYPE) },
  ];
  const server = createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const method = req.method ?? "GET";
    try {
      const route = routes.find((r) => r.pattern.test(path));
      if (route === undefined) throw new HttpError(404, `no route ${path}`);
      if (!route.methods.includes(method)) throw new HttpError(405, `${method} is not allowed on ${path}`, { allow: route.methods.join(", ") });
      await route.handle(req, res, route.pattern.exec(path)?.[1] ?? "");
    } catch (error) {
      if (path === "/v1/infer") ctx.requests.rejected++;
      if (error instanceof HttpError) {
        ctx.log.debug("request_rejected", { method, path, status: error.status, error: error.message });
        json(res, error.status, { error: error.message }, error.headers);
      } else {
        ctx.log.error("request_failed", { method, path, error: errorText(error) });
        json(res, 500, { error: "internal error" });
      }
    }
  });
  server.keepAliveTimeout = 5_000;
  return server;
}
