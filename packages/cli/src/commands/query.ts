// vinfer inferences | disputes: pages of the indexer's GraphQL (newest first), as tables or as JSON.
import { optional, parseAddress, parseBytes32, parseInteger, type CommandSpec, type Context, type OptionSpec } from "../config.ts";
import { CliError, UsageError } from "../errors.ts";
import { isoTime, print, printJson, renderTable, shortHex, tokens, type Column } from "../output.ts";

export const INFERENCE_STATUSES = ["PENDING", "DISPUTED", "SETTLED", "FRAUDULENT", "VOIDED"] as const;
export const DISPUTE_STATUSES = ["OPEN", "OPERATOR_FAULT", "CHALLENGER_FAULT", "NO_FAULT"] as const;

type PageInfo = { hasNextPage: boolean; endCursor: string | null };
type Page<T> = { items: T[]; pageInfo: PageInfo };

export type InferenceRow = {
  requestId: string;
  commitmentId: string;
  leafIndex: number;
  modelId: string;
  operator: string;
  inputHash: string;
  outputHash: string;
  status: string;
  committedBlock: string;
  committedAt: string;
};

export type DisputeRow = {
  id: string;
  commitmentId: string;
  leafIndex: number;
  modelId: string;
  operator: string;
  challenger: string;
  resolverKind: string;
  bond: string;
  status: string;
  openedAt: string;
  traceLength: number | null;
  lo: number | null;
  hi: number | null;
  moveCount: number;
  gameStatus: string | null;
  ballotStatus: string | null;
  votesOperatorAtFault: number;
  votesOperatorRight: number;
};

const INFERENCES_QUERY = `query Inferences($where: inferenceFilter, $limit: Int, $after: String) {
  inferences(where: $where, orderBy: "committedBlock", orderDirection: "desc", limit: $limit, after: $after) {
    items { requestId commitmentId leafIndex modelId operator inputHash outputHash status committedBlock committedAt }
    pageInfo { hasNextPage endCursor }
  }
}`;

const DISPUTES_QUERY = `query Disputes($where: disputeFilter, $limit: Int, $after: String) {
  disputes(where: $where, orderBy: "id", orderDirection: "desc", limit: $limit, after: $after) {
    items {
      id commitmentId leafIndex modelId operator challenger resolverKind bond status openedAt
      traceLength lo hi moveCount gameStatus ballotStatus votesOperatorAtFault votesOperatorRight
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Posts a query to the indexer's /graphql; the data, or a one-line error. */
export async function graphql<T>(ctx: Context, query: string, variables: Record<string, unknown>): Promise<T> {
  const { status, body } = await ctx.indexer<{ data?: T; errors?: { message?: string }[] }>("/graphql", { query, variables });
  const message = body?.errors?.[0]?.message;
  if (message !== undefined) throw new CliError(`the indexer refused the query: ${message}`);
  if (status !== 200 || body?.data === undefined || body.data === null) {
    throw new CliError(`the indexer at ${ctx.settings.indexerUrl} answered HTTP ${status} without data`);
  }
  return body.data;
}

export const inferenceColumns: Column<InferenceRow>[] = [
  { header: "REQUEST ID", value: (r) => r.requestId },
  { header: "STATUS", value: (r) => r.status },
  { header: "OPERATOR", value: (r) => shortHex(r.operator) },
  { header: "MODEL", value: (r) => shortHex(r.modelId) },
  { header: "COMMITMENT", value: (r) => shortHex(r.commitmentId) },
  { header: "LEAF", value: (r) => String(r.leafIndex), align: "right" },
  { header: "BLOCK", value: (r) => String(r.committedBlock), align: "right" },
  { header: "COMMITTED", value: (r) => isoTime(r.committedAt) },
];

const moves = (n: number) => `${n} move${n === 1 ? "" : "s"}`;

function progress(d: DisputeRow): string {
  if (d.resolverKind === "BISECTION") {
    if (d.gameStatus) return `${d.gameStatus}, ${moves(d.moveCount)}`;
    if (d.lo !== null && d.hi !== null) return `steps ${d.lo}..${d.hi} of ${d.traceLength ?? "?"}, ${moves(d.moveCount)}`;
    return moves(d.moveCount);
  }
  if (d.resolverKind === "COMMITTEE") return `votes ${d.votesOperatorAtFault} fault / ${d.votesOperatorRight} right${d.ballotStatus ? `, ${d.ballotStatus}` : ""}`;
  return "-";
}

export const disputeColumns: Column<DisputeRow>[] = [
  { header: "ID", value: (d) => String(d.id), align: "right" },
  { header: "STATUS", value: (d) => d.status },
  { header: "RESOLVER", value: (d) => d.resolverKind },
  { header: "OPERATOR", value: (d) => shortHex(d.operator) },
  { header: "CHALLENGER", value: (d) => shortHex(d.challenger) },
  { header: "COMMITMENT", value: (d) => shortHex(d.commitmentId) },
  { header: "LEAF", value: (d) => String(d.leafIndex), align: "right" },
  { header: "BOND", value: (d) => tokens(d.bond), align: "right" },
  { header: "PROGRESS", value: progress },
  { header: "OPENED", value: (d) => isoTime(d.openedAt) },
];

function parseStatus(text: string | undefined, allowed: readonly string[]): string | undefined {
  if (text === undefined) return undefined;
  const status = text.toUpperCase().replace(/-/g, "_");
  if (!allowed.includes(status)) throw new UsageError(`invalid --status "${text}": expected one of ${allowed.join(", ")}`);
  return status;
}

const pageOptions: Record<string, OptionSpec> = {
  limit: { type: "string", value: "<n>", description: "rows to show, 1 to 200 (default 20)" },
  after: { type: "string", value: "<cursor>", description: "the next page: the cursor the previous page ended with" },
};

function printPage<T>(ctx: Context, page: Page<T>, columns: Column<T>[], noun: string) {
  if (ctx.json) return printJson(page);
  if (page.items.length === 0) return print(`no ${noun} match`);
  print(renderTable(columns, page.items));
  if (page.pageInfo.hasNextPage && page.pageInfo.endCursor) print(`more: add --after ${page.pageInfo.endCursor}`);
}

const lowerAddress = (text: string | undefined, what: string) => (text === undefined ? undefined : parseAddress(text, what).toLowerCase());

const inferences: CommandSpec = {
  name: "inferences",
  summary: "list committed inferences from the indexer, newest first",
  options: {
    status: { type: "string", value: "<status>", description: `only this status: ${INFERENCE_STATUSES.join(", ")}` },
    model: { type: "string", value: "<modelId>", description: "only this model's" },
    operator: { type: "string", value: "<address>", description: "only this operator's" },
    ...pageOptions,
  },
  json: true,
  examples: ["vinfer inferences --status SETTLED --limit 10", "vinfer inferences --operator 0x7099…79C8 --json"],
  async run(ctx, { options }) {
    const where: Record<string, unknown> = {};
    const status = parseStatus(optional(options, "status"), INFERENCE_STATUSES);
    if (status !== undefined) where.status = status;
    const model = optional(options, "model");
    if (model !== undefined) where.modelId = parseBytes32(model, "--model");
    const operator = lowerAddress(optional(options, "operator"), "--operator");
    if (operator !== undefined) where.operator = operator;
    const limit = parseInteger(optional(options, "limit") ?? "20", "--limit", 1, 200);
    const data = await graphql<{ inferences: Page<InferenceRow> }>(ctx, INFERENCES_QUERY, { where, limit, after: optional(options, "after") ?? null });
    printPage(ctx, data.inferences, inferenceColumns, "inferences");
  },
};

const disputes: CommandSpec = {
  name: "disputes",
  summary: "list disputes from the indexer, newest first",
  options: {
    status: { type: "string", value: "<status>", description: `only this status: ${DISPUTE_STATUSES.join(", ")}` },
    operator: { type: "string", value: "<address>", description: "only disputes of this operator's inferences" },
    challenger: { type: "string", value: "<address>", description: "only this challenger's" },
    ...pageOptions,
  },
  json: true,
  examples: ["vinfer disputes --status OPEN", "vinfer disputes --challenger 0x3C44…93BC --json"],
  async run(ctx, { options }) {
    const where: Record<string, unknown> = {};
    const status = parseStatus(optional(options, "status"), DISPUTE_STATUSES);
    if (status !== undefined) where.status = status;
    const operator = lowerAddress(optional(options, "operator"), "--operator");
    if (operator !== undefined) where.operator = operator;
    const challenger = lowerAddress(optional(options, "challenger"), "--challenger");
    if (challenger !== undefined) where.challenger = challenger;
    const limit = parseInteger(optional(options, "limit") ?? "20", "--limit", 1, 200);
    const data = await graphql<{ disputes: Page<DisputeRow> }>(ctx, DISPUTES_QUERY, { where, limit, after: optional(options, "after") ?? null });
    printPage(ctx, data.disputes, disputeColumns, "disputes");
  },
};

export const queryCommands: CommandSpec[] = [inferences, disputes];
