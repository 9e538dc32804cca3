// vinfer receipt get | verify: an inference's receipt from the indexer (`GET /receipts/:requestId`), and the
// check of a receipt against the chain that trusts nothing the receipt (or the indexer) says.
import { readFileSync } from "node:fs";
import { verifyReceipt, type IndexedReceipt, type IndexedReceiptError, type InferenceReceipt } from "@vinfer/sdk";
import type { Address, Hex } from "viem";
import { optional, parseAddress, parseBytes32, type CommandSpec, type Context } from "../config.ts";
import { CliError, UsageError } from "../errors.ts";
import { isoTime, printJson, printRecord, yesNo } from "../output.ts";

/** Fetches a receipt from the indexer; one-line errors for unknown ids and ids several operators used. */
export async function fetchReceipt(ctx: Context, requestId: Hex, operator: Address | undefined): Promise<IndexedReceipt> {
  const query = operator === undefined ? "" : `?operator=${operator.toLowerCase()}`;
  const { status, body } = await ctx.indexer<IndexedReceipt | IndexedReceiptError>(`/receipts/${requestId}${query}`);
  if (status === 200) {
    const receipt = body as IndexedReceipt;
    if (typeof receipt !== "object" || receipt === null || typeof receipt.commitmentId !== "string" || typeof receipt.inference !== "object") {
      throw new CliError(`the indexer at ${ctx.settings.indexerUrl} answered something other than a receipt`);
    }
    return receipt;
  }
  const error = body as Partial<IndexedReceiptError>;
  if (status === 409 && Array.isArray(error.operators)) {
    throw new CliError(`request id ${requestId} was committed by ${error.operators.length} operators (${error.operators.join(", ")}): pass --operator`);
  }
  if ((status === 404 || status === 400) && typeof error.error === "string") throw new CliError(error.error);
  throw new CliError(`the indexer at ${ctx.settings.indexerUrl} answered HTTP ${status}${typeof error?.error === "string" ? `: ${error.error}` : ""}`);
}

const operatorOption = {
  operator: { type: "string", value: "<address>", description: "the operator, when several committed the same request id" },
} as const;

export function receiptRows(receipt: IndexedReceipt): [string, string][] {
  return [
    ["request", receipt.requestId],
    ["operator", receipt.operator],
    ["model", receipt.modelId],
    ["commitment", receipt.commitmentId],
    ["leaf", `${receipt.leafIndex} of ${receipt.count}`],
    ["input hash", receipt.inference.inputHash],
    ["output hash", receipt.inference.outputHash],
    ["status", receipt.status],
    ["commitment status", receipt.commitmentStatus],
    ["challenge deadline", isoTime(receipt.challengeDeadline)],
    ["committed", `block ${receipt.committedBlock}, tx ${receipt.committedTx}`],
    ["proof", `${receipt.proof.length} node${receipt.proof.length === 1 ? "" : "s"}`],
    ["conflict", receipt.conflict ? "yes: the operator committed this request id with another output too" : "no"],
  ];
}

const get: CommandSpec = {
  name: "receipt get",
  summary: "fetch an inference's receipt from the indexer",
  description: [
    "Prints what the indexer holds for <requestId>: the commitment, the leaf and its Merkle proof, the status",
    "and the challenge deadline. --json prints the receipt itself, which `vinfer receipt verify --file` checks.",
  ],
  args: [{ name: "requestId", description: "the request id (0x and 64 hex digits)" }],
  options: { ...operatorOption },
  json: true,
  examples: ["vinfer receipt get 0x9a0c…", "vinfer receipt get 0x9a0c… --json > receipt.json"],
  async run(ctx, { args: [id], options }) {
    const requestId = parseBytes32(id, "request id");
    const operatorText = optional(options, "operator");
    const receipt = await fetchReceipt(ctx, requestId, operatorText === undefined ? undefined : parseAddress(operatorText, "--operator"));
    if (ctx.json) printJson(receipt);
    else printRecord(receiptRows(receipt));
  },
};

function readReceiptFile(path: string): InferenceReceipt {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === "ENOENT" ? `receipt file ${path} not found` : `cannot read receipt file ${path}: ${code ?? String(error)}`);
  }
  try {
    return JSON.parse(text) as InferenceReceipt;
  } catch (error) {
    throw new CliError(`receipt file ${path} is not JSON: ${(error as Error).message}`);
  }
}

const verify: CommandSpec = {
  name: "receipt verify",
  summary: "check a receipt against the chain (exit code 0 when the inference is included, 1 when not)",
  description: [
    "Trusts nothing the receipt says: recomputes the leaf from the inference and the root from the proof with",
    "the leaf count the chain holds, checks that they hash with the model and operator to the commitment id,",
    "and reads the inference's status from the ledger. The receipt comes from the indexer, or from --file.",
  ],
  args: [{ name: "requestId", description: "the request id, to fetch the receipt from the indexer", optional: true }],
  options: {
    file: { type: "string", value: "<receipt.json>", path: true, description: "check a saved receipt instead" },
    ...operatorOption,
  },
  json: true,
  examples: ["vinfer receipt verify 0x9a0c…", "vinfer receipt verify --file receipt.json"],
  async run(ctx, { args: [id], options }) {
    const file = optional(options, "file");
    if ((id === undefined) === (file === undefined)) throw new UsageError("receipt verify needs either a request id or --file (see vinfer receipt verify --help)");
    let receipt: InferenceReceipt;
    if (file !== undefined) {
      receipt = readReceiptFile(file);
    } else {
      const operatorText = optional(options, "operator");
      receipt = await fetchReceipt(ctx, parseBytes32(id, "request id"), operatorText === undefined ? undefined : parseAddress(operatorText, "--operator"));
    }
    const client = await ctx.publicClient();
    const contracts = await ctx.contracts();
    const result = await verifyReceipt(client, { contracts, receipt });
    const status = result.status.toUpperCase();
    if (ctx.json) {
      printJson({
        requestId: receipt.inference.requestId,
        commitmentId: receipt.commitmentId,
        leafIndex: Number(receipt.leafIndex),
        included: result.included,
        status,
        final: result.final,
        ...(result.reason === undefined ? {} : { reason: result.reason }),
        leaf: result.leaf,
        root: result.root ?? null,
        computedCommitmentId: result.computedCommitmentId ?? null,
      });
    } else {
      printRecord([
        ["request", receipt.inference.requestId],
        ["commitment", receipt.commitmentId],
        ["leaf", String(receipt.leafIndex)],
        ["included", yesNo(result.included)],
        ...(result.reason === undefined ? [] : [["reason", result.reason] as [string, string]]),
        ["status", status],
        ["final", yesNo(result.final)],
      ]);
    }
    return result.included ? 0 : 1;
  },
};

export const receiptCommands: CommandSpec[] = [get, verify];
