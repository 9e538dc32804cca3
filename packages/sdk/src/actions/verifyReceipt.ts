import { InferenceStatusNames, inferenceLedgerAbi, type InferenceStatusName } from "@vinfer/abis";
import { inferenceLeaf, merkleRootFromProof } from "@vinfer/runtime";
import { encodeAbiParameters, isAddress, isHex, keccak256, type Address, type Client, type Hex } from "viem";
import type { VinferContracts } from "../contracts.ts";
import { VinferError } from "../errors.ts";
import { read } from "../internal/transact.ts";
import type { Inference } from "../types.ts";

/** What a receipt must carry to be checked; the indexer's `GET /receipts/:requestId` answer is one. */
export type InferenceReceipt = {
  commitmentId: Hex;
  modelId: Hex;
  operator: Address;
  leafIndex: number | bigint;
  inference: Inference;
  /** The leaf's Merkle proof (empty for a single commitment). */
  proof: readonly Hex[];
};

export type VerifyReceiptParameters = { contracts: Pick<VinferContracts, "ledger">; receipt: InferenceReceipt };

export type VerifyReceiptReturnType = {
  /** The inference is a leaf of the commitment: its proof leads to a root that, with the model and operator, hashes to the commitment id, and the chain holds that commitment. */
  included: boolean;
  /** The ledger's `inferenceStatus` for it now (`None` when not included). */
  status: InferenceStatusName;
  /** The status can no longer change (Settled, Fraudulent or Voided). */
  final: boolean;
  /** The leaf and root recomputed here, and the commitment id they hash to. */
  leaf: Hex;
  root: Hex | undefined;
  computedCommitmentId: Hex | undefined;
  /** Why `included` is false. */
  reason?: string;
};

const FINAL = new Set(["Settled", "Fraudulent", "Voided"]);

/**
 * Checks a receipt against the chain, trusting nothing it says: recomputes the leaf from the inference and the
 * root from the proof (with the leaf count the chain holds), checks that `keccak256(abi.encode(modelId, operator,
 * root))` is the commitment id, and reads the inference's status from the ledger.
 */
export async function verifyReceipt(client: Client, { contracts, receipt }: VerifyReceiptParameters): Promise<VerifyReceiptReturnType> {
  checkShape(receipt);
  const leafIndex = BigInt(receipt.leafIndex);
  const leaf = inferenceLeaf(receipt.inference.requestId, receipt.inference.inputHash, receipt.inference.outputHash);
  const ledger = { address: contracts.ledger, abi: inferenceLedgerAbi } as const;
  const commitment = await read<{ operator: Address; status: number; count: number }>(client, {
    ...ledger,
    functionName: "getCommitment",
    args: [receipt.commitmentId],
  });
  const notIncluded = (reason: string, root?: Hex, computedCommitmentId?: Hex): VerifyReceiptReturnType => ({
    included: false,
    status: "None",
    final: false,
    leaf,
    root,
    computedCommitmentId,
    reason,
  });
  if (commitment.status === 0) return notIncluded(`the chain holds no commitment ${receipt.commitmentId}`);
  const root = leafIndex < BigInt(commitment.count) ? merkleRootFromProof(leaf, Number(leafIndex), commitment.count, receipt.proof) : undefined;
  if (root === undefined) return notIncluded(`the proof does not fit leaf ${leafIndex} of a commitment of ${commitment.count}`);
  const computedCommitmentId = keccak256(
    encodeAbiParameters([{ type: "bytes32" }, { type: "address" }, { type: "bytes32" }], [receipt.modelId, receipt.operator, root]),
  );
  if (computedCommitmentId !== receipt.commitmentId.toLowerCase()) {
    return notIncluded("the inference, proof, model and operator do not hash to the commitment id", root, computedCommitmentId);
  }
  const value = await read<number>(client, { ...ledger, functionName: "inferenceStatus", args: [receipt.commitmentId, leafIndex] });
  const status = InferenceStatusNames[value];
  return { included: true, status, final: FINAL.has(status), leaf, root, computedCommitmentId };
}

function checkShape(receipt: InferenceReceipt): void {
  const bytes32 = (value: unknown) => typeof value === "string" && isHex(value) && value.length === 66;
  const bad = (what: string) => new VinferError(`malformed receipt: ${what}`);
  if (typeof receipt !== "object" || receipt === null) throw bad("not an object");
  if (!bytes32(receipt.commitmentId)) throw bad("commitmentId must be 32 bytes of hex");
  if (!bytes32(receipt.modelId)) throw bad("modelId must be 32 bytes of hex");
  if (typeof receipt.operator !== "string" || !isAddress(receipt.operator, { strict: false })) throw bad("operator must be an address");
  const index = receipt.leafIndex;
  if (!(typeof index === "bigint" ? index >= 0n : Number.isSafeInteger(index) && index >= 0)) throw bad("leafIndex must be a non-negative integer");
  for (const key of ["requestId", "inputHash", "outputHash"] as const) {
    if (!bytes32(receipt.inference?.[key])) throw bad(`inference.${key} must be 32 bytes of hex`);
  }
  if (!Array.isArray(receipt.proof) || !receipt.proof.every(bytes32)) throw bad("proof must be a list of 32-byte hex nodes");
}
