// Refuses GraphQL operations that would cost the database more than a client may ask for, before they run:
// too deep, too many aliases, a page wider than MAX_PAGE rows, or more than MAX_ROWS rows in all (a page of
// pages multiplies). Ponder's own limits (tokens, depth, aliases) still apply behind this one.
import { Kind, parse } from "graphql";
import type { DocumentNode, FieldNode, SelectionSetNode, ValueNode } from "graphql";

export const MAX_DEPTH = 8;
export const MAX_ALIASES = 10;
export const MAX_PAGE = 200;
export const MAX_ROWS = 5_000;
/** Ponder's default page size, when a list field names no `limit`. */
const DEFAULT_PAGE = 50;
/** What a `totalCount` costs: a count over every row the filter matches. */
const COUNT_COST = 1_000;
const PAGE_FIELDS = new Set(["items", "totalCount", "pageInfo"]);

export type GraphqlRequest = { query?: unknown; variables?: unknown; operationName?: unknown };

function valueOf(node: ValueNode, variables: Record<string, unknown>): unknown {
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  if (node.kind === Kind.INT) return Number(node.value);
  return undefined;
}

/** Why `request` is refused, or undefined when it may run. */
export function refusal(request: GraphqlRequest): string | undefined {
  if (typeof request.query !== "string") return "the request has no GraphQL query string";
  if (request.query.length > 20_000) return "the query is longer than 20,000 characters";
  let document: DocumentNode;
  try {
    document = parse(request.query, { maxTokens: 2_000 });
  } catch (error) {
    return `the query does not parse: ${(error as Error).message}`;
  }
  const variables = (typeof request.variables === "object" && request.variables !== null ? request.variables : {}) as Record<string, unknown>;
  const fragments = new Map(
    document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d.selectionSet] as const),
  );
  let aliases = 0;
  let rows = 0;
  let problem: string | undefined;

  // `pageSize` is set when `set` is a page's own selection (`items`, `pageInfo`, `totalCount`): only what is
  // under `items` repeats once per row of the page.
  const walk = (set: SelectionSetNode, depth: number, multiplier: number, seen: Set<string>, pageSize?: number) => {
    for (const selection of set.selections) {
      if (problem) return;
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment === undefined || seen.has(name)) continue;
        walk(fragment, depth, multiplier, new Set([...seen, name]), pageSize);
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, depth, multiplier, seen, pageSize);
        continue;
      }
      const field = selection as FieldNode;
      if (field.alias) aliases += 1;
      if (aliases > MAX_ALIASES) return void (problem = `the query uses more than ${MAX_ALIASES} aliases`);
      if (pageSize !== undefined && field.name.value === "totalCount") rows += COUNT_COST * multiplier;
      if (rows > MAX_ROWS) return void (problem = `the query may read more than ${MAX_ROWS} rows`);
      if (!field.selectionSet) continue;
      if (depth + 1 > MAX_DEPTH) return void (problem = `the query is nested deeper than ${MAX_DEPTH} levels`);
      if (pageSize !== undefined && (field.name.value === "items" || field.name.value === "pageInfo")) {
        // The page's rows were counted with the page; `pageInfo` reads none.
        walk(field.selectionSet, depth + 1, field.name.value === "items" ? multiplier * pageSize : multiplier, seen);
        continue;
      }
      // A page (a field that selects `items`, `totalCount` or `pageInfo`) reads up to `limit` rows per row above it.
      const isPage = field.selectionSet.selections.some((s) => s.kind === Kind.FIELD && PAGE_FIELDS.has(s.name.value));
      if (isPage) {
        const limitArg = field.arguments?.find((a) => a.name.value === "limit");
        const limit = limitArg ? valueOf(limitArg.value, variables) : DEFAULT_PAGE;
        const size = typeof limit === "number" && Number.isFinite(limit) ? limit : DEFAULT_PAGE;
        if (size > MAX_PAGE) return void (problem = `a page may hold at most ${MAX_PAGE} rows (asked ${size} for ${field.name.value})`);
        rows += size * multiplier;
        if (rows > MAX_ROWS) return void (problem = `the query may read more than ${MAX_ROWS} rows`);
        walk(field.selectionSet, depth + 1, multiplier, seen, size);
      } else {
        // A one-to-one relation: one more row per row above it.
        rows += multiplier;
        if (rows > MAX_ROWS) return void (problem = `the query may read more than ${MAX_ROWS} rows`);
        walk(field.selectionSet, depth + 1, multiplier, seen);
      }
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) walk(definition.selectionSet, 0, 1, new Set());
    if (problem) return problem;
  }
  if (rows > MAX_ROWS) return `the query may read more than ${MAX_ROWS} rows`;
  return undefined;
}
