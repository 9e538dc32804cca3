// The indexer the page reads: the origin that served it (the indexer serves the explorer at /explorer), or
// `?indexer=` in the page's address.
import type { IndexedReceipt, IndexedReceiptError } from "@vinfer/sdk";

const fromSearch = new URLSearchParams(location.search).get("indexer");
export const INDEXER = (fromSearch ?? location.origin).replace(/\/+$/, "");

export class NotFound extends Error {}

/**
 * Runs a GraphQL query against the indexer; throws with the server's message on an error. `T` and `V` are the
 * query's generated result and variables types (./generated/graphql.ts).
 */
export async function gql<T, V extends Record<string, unknown>>(query: string, variables: V): Promise<T> {
  const response = await fetch(`${INDEXER}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  let body: { data?: T; errors?: { message: string }[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new Error(`the indexer answered ${response.status} with something other than JSON`);
  }
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join("; "));
  if (!response.ok || body.data === undefined) throw new Error(`the indexer answered ${response.status}`);
  return body.data;
}

export type ReceiptAnswer = { ok: true; receipt: IndexedReceipt } | { ok: false; status: number; error: string; operators?: string[] };

/** The indexer's `GET /receipts/:requestId` answer. */
export async function fetchReceipt(requestId: string, operator?: string): Promise<ReceiptAnswer> {
  const query = operator ? `?operator=${encodeURIComponent(operator)}` : "";
  const response = await fetch(`${INDEXER}/receipts/${encodeURIComponent(requestId)}${query}`);
  const body = (await response.json().catch(() => ({ error: `the indexer answered ${response.status}` }))) as IndexedReceipt & Partial<IndexedReceiptError>;
  if (response.status === 200) return { ok: true, receipt: body };
  return { ok: false, status: response.status, error: body.error ?? `the indexer answered ${response.status}`, operators: body.operators };
}
