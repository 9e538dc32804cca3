// What an operator publishes so that anyone can re-execute its commitments: the data endpoint's answer
// (`GET <dataURI>/<commitmentId>`, the operator daemon's `/v1/data/:commitmentId`), and the client for it.
import { hexToBytes, isHex, type Address, type Hex } from "viem";
import { VinferError } from "./errors.ts";
import type { Inference } from "./types.ts";

/** One inference of a commitment with its data: int8 vectors as hex bytes (two's complement). */
export type CommitmentDataItem = Inference & { input: Hex; output: Hex };

/** The data endpoint's answer for one commitment: every leaf in leaf order. */
export type CommitmentData = {
  commitmentId: Hex;
  modelId: Hex;
  operator: Address;
  items: CommitmentDataItem[];
};

export type FetchCommitmentDataParameters = {
  /** The operator's data URI as set on chain (`InferenceLedger.dataURIOf`). */
  dataURI: string;
  commitmentId: Hex;
  /** Milliseconds before giving up (default 10 s). */
  timeoutMs?: number;
};

/**
 * Fetches a commitment's inputs and outputs from its operator's data endpoint. Throws a VinferError when the
 * endpoint cannot be reached, answers other than 200, or answers something that is not CommitmentData; checking
 * the data against the committed leaves is the caller's job (the endpoint is not trusted).
 */
export async function fetchCommitmentData({ dataURI, commitmentId, timeoutMs = 10_000 }: FetchCommitmentDataParameters): Promise<CommitmentData> {
  const url = `${dataURI.replace(/\/+$/, "")}/${commitmentId}`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new VinferError(`data endpoint ${url} unreachable: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (response.status !== 200) throw new VinferError(`data endpoint ${url} answered ${response.status}`);
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new VinferError(`data endpoint ${url} answered something other than JSON`, { cause: error });
  }
  if (!isCommitmentData(body)) throw new VinferError(`data endpoint ${url} answered something other than commitment data`);
  return body;
}

const bytes32 = (v: unknown) => typeof v === "string" && isHex(v) && v.length === 66;

function isCommitmentData(body: unknown): body is CommitmentData {
  if (typeof body !== "object" || body === null) return false;
  const data = body as Partial<CommitmentData>;
  return (
    bytes32(data.commitmentId) &&
    bytes32(data.modelId) &&
    typeof data.operator === "string" &&
    Array.isArray(data.items) &&
    data.items.every(
      (i) => bytes32(i?.requestId) && bytes32(i?.inputHash) && bytes32(i?.outputHash) && isHex(i?.input) && isHex(i?.output),
    )
  );
}

/** An int8 vector as the data endpoint writes it. */
export function int8ToHex(vector: Int8Array): Hex {
  return `0x${Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString("hex")}`;
}

/** The int8 vector of a data endpoint's hex bytes. */
export function hexToInt8(hex: Hex): Int8Array {
  const bytes = hexToBytes(hex);
  return new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
