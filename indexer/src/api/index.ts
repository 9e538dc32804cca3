// The indexer's HTTP API, beside Ponder's built-in /health, /ready, /status and /metrics:
//   POST /graphql              Ponder's GraphQL over the schema, guarded against abusive operations and
//                              answered from a cache that lives exactly as long as the indexed checkpoint;
//   GET  /receipts/:requestId  a receipt a dApp checks on chain (?operator= when several operators used the id);
//   GET  /explorer[/*]         the explorer web app (explorer/dist, built by `pnpm build`; VINFER_EXPLORER_DIR
//                              overrides where): its files (gzipped when the client accepts it), and index.html
//                              for any other path under /explorer.
// With VINFER_STOCK_GRAPHQL=1, /stock/graphql serves Ponder's unmodified middleware, for the benchmark.
import { db } from "ponder:api";
import schema from "ponder:schema";
import { graphql } from "ponder";
import { Hono } from "hono";
import type { Context } from "hono";
import { serveExplorer } from "./explorer.ts";
import { CheckpointCache, freshCheckpoint } from "./freshness.ts";
import { refusal } from "./guard.ts";
import type { GraphqlRequest } from "./guard.ts";
import { receiptFor } from "./receipts.ts";

const app = new Hono();
// Ponder's middleware, as an app of its own, so that it can be handed a request whose body was already read.
const ponderGraphql = new Hono().use("*", graphql({ db, schema }, { maxOperationTokens: 2_000, maxOperationDepth: 10, maxOperationAliases: 10 }));
const answers = new CheckpointCache<{ status: number; body: string }>();

const json = (body: string, status: number) =>
  new Response(body, { status, headers: { "content-type": "application/json; charset=utf-8" } });

app.post("/graphql", async (c: Context) => {
  const text = await c.req.text();
  let request: GraphqlRequest;
  try {
    request = JSON.parse(text) as GraphqlRequest;
  } catch {
    return c.json({ errors: [{ message: "the body is not JSON: send {\"query\": \"…\", \"variables\": {…}}" }] }, 400);
  }
  const checkpoint = await freshCheckpoint();
  const hit = answers.get(checkpoint, text);
  if (hit) return json(hit.body, hit.status);
  const problem = refusal(request);
  if (problem !== undefined) {
    answers.set(checkpoint, text, { status: 400, body: JSON.stringify({ errors: [{ message: `query refused: ${problem}` }] }) });
    return c.json({ errors: [{ message: `query refused: ${problem}` }] }, 400);
  }
  const response = await ponderGraphql.fetch(new Request(c.req.url, { method: "POST", headers: c.req.raw.headers, body: text }));
  const answer = { status: response.status, body: await response.text() };
  answers.set(checkpoint, text, answer);
  return json(answer.body, answer.status);
});
app.get("/graphql", (c) => ponderGraphql.fetch(c.req.raw));

const receipts = new CheckpointCache<{ status: number; body: string }>();
app.get("/receipts/:requestId", async (c) => {
  const requestId = c.req.param("requestId");
  const operator = c.req.query("operator");
  const key = `${requestId}|${operator ?? ""}`;
  const checkpoint = await freshCheckpoint();
  const hit = receipts.get(checkpoint, key);
  if (hit) return json(hit.body, hit.status);
  const { status, body } = await receiptFor(requestId, operator);
  const answer = { status, body: JSON.stringify(body) };
  receipts.set(checkpoint, key, answer);
  return json(answer.body, status);
});

app.get("/explorer", serveExplorer);
app.get("/explorer/*", serveExplorer);

if (process.env.VINFER_STOCK_GRAPHQL === "1") app.use("/stock/graphql", graphql({ db, schema }));

export default app;
