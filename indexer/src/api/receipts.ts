// GET /receipts/:requestId: everything a dApp needs to check an inference on chain without trusting this
// server: the leaf and its position, the Merkle proof, the root, and the commitment id it must land on
// (`computeCommitmentId(modelId, operator, root)`), with the status and deadline as indexed.
import { db } from "ponder:api";
import { commitment, inference } from "ponder:schema";
import { and, asc, eq } from "ponder";
import { merkleLevels, merkleProofFromLevels } from "@vinfer/runtime";
import type { IndexedReceipt, IndexedReceiptError } from "@vinfer/sdk";
import type { Hex } from "viem";
import { chainId, deploymentOf } from "../lib/deployment.ts";

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export type ReceiptAnswer = { status: 200 | 400 | 404 | 409; body: IndexedReceipt | IndexedReceiptError };

// A commitment's leaves never change (its id commits to its root), so their tree is kept across blocks.
const trees = new Map<Hex, Hex[][]>();
const MAX_TREES = 256;

async function treeOf(commitmentId: Hex): Promise<Hex[][]> {
  const cached = trees.get(commitmentId);
  if (cached) return cached;
  const rows = await db
    .select({ leaf: inference.leaf })
    .from(inference)
    .where(eq(inference.commitmentId, commitmentId))
    .orderBy(asc(inference.leafIndex));
  const levels = merkleLevels(rows.map((r) => r.leaf));
  if (trees.size >= MAX_TREES) trees.delete(trees.keys().next().value as Hex);
  trees.set(commitmentId, levels);
  return levels;
}

export async function receiptFor(requestId: string, operator: string | undefined): Promise<ReceiptAnswer> {
  if (!BYTES32.test(requestId)) return { status: 400, body: { error: `malformed request id "${requestId}": expected 0x and 64 hex digits` } };
  if (operator !== undefined && !ADDRESS.test(operator)) {
    return { status: 400, body: { error: `malformed operator "${operator}": expected 0x and 40 hex digits` } };
  }
  const id = requestId.toLowerCase() as Hex;
  const filter = operator === undefined ? eq(inference.requestId, id) : and(eq(inference.requestId, id), eq(inference.operator, operator.toLowerCase() as Hex));
  const rows = await db
    .select()
    .from(inference)
    .where(filter)
    .orderBy(asc(inference.committedBlock), asc(inference.commitmentId), asc(inference.leafIndex))
    .limit(64);
  if (rows.length === 0) {
    return { status: 404, body: { error: `no inference with request id ${id}${operator ? ` by operator ${operator.toLowerCase()}` : ""} is indexed` } };
  }
  const operators = [...new Set(rows.map((r) => r.operator))];
  if (operators.length > 1) {
    return { status: 409, body: { error: `request id ${id} was committed by ${operators.length} operators: add ?operator=`, operators } };
  }
  // The first commitment of the request id; a later one with another output is flagged as a conflict.
  const row = rows[0];
  const [c] = await db.select().from(commitment).where(eq(commitment.id, row.commitmentId));
  if (c === undefined) return { status: 404, body: { error: `commitment ${row.commitmentId} is not indexed` } };
  const levels = await treeOf(row.commitmentId);
  return {
    status: 200,
    body: {
      chainId,
      ledger: deploymentOf("InferenceLedger").address,
      requestId: row.requestId,
      operator: row.operator,
      modelId: row.modelId,
      commitmentId: row.commitmentId,
      leafIndex: row.leafIndex,
      count: c.count,
      inference: { requestId: row.requestId, inputHash: row.inputHash, outputHash: row.outputHash },
      leaf: row.leaf,
      proof: merkleProofFromLevels(levels, row.leafIndex),
      root: c.root,
      status: row.status,
      commitmentStatus: c.status,
      challengeDeadline: c.challengeDeadline.toString(),
      committedBlock: row.committedBlock.toString(),
      committedTx: c.committedTx,
      conflict: rows.some((r) => r.conflict),
    },
  };
}
