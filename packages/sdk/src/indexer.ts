// What the indexer answers on `GET /receipts/:requestId`: an InferenceReceipt (enough for verifyReceipt) with
// what the indexer knows of it. The indexer writes it; the CLI and the explorer read it.
import type { Address, Hex } from "viem";
import type { InferenceReceipt } from "./actions/verifyReceipt.ts";
import type { Inference } from "./types.ts";

export type IndexedReceipt = InferenceReceipt & {
  chainId: number;
  ledger: Address;
  requestId: Hex;
  operator: Address;
  modelId: Hex;
  commitmentId: Hex;
  leafIndex: number;
  /** Leaves in the commitment (the Merkle tree's width). */
  count: number;
  inference: Inference;
  leaf: Hex;
  proof: Hex[];
  root: Hex;
  /** The inference's and its commitment's status as indexed (the ledger's enum names, upper snake case). */
  status: string;
  commitmentStatus: string;
  /** Unix seconds, as a decimal string. */
  challengeDeadline: string;
  committedBlock: string;
  committedTx: Hex;
  /** The same operator committed this request id with another output too. */
  conflict: boolean;
};

/** The indexer's answer when it has no single receipt: 400, 404, or 409 with the operators that used the id. */
export type IndexedReceiptError = { error: string; operators?: Address[] };
