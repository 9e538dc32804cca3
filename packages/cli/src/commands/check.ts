// vinfer check: a requester re-executes its own inference and challenges a wrong committed output.
import { readFileSync } from "node:fs";
import { inferenceLedgerAbi } from "@vinfer/abis";
import { infer, quantizeInput, vectorHash, type Int8Model } from "@vinfer/runtime";
import { challenge, protocolErrorsAbi, toVinferError, verifyReceipt } from "@vinfer/sdk";
import type { Abi, Client, Hex } from "viem";
import { getBlock, readContract } from "viem/actions";
import { optional, parseAddress, parseBytes32, required, type CommandSpec } from "../config.ts";
import { CliError, NO_KEY } from "../errors.ts";
import { isoTime, printJson, printRecord, tokens } from "../output.ts";
import { readModel, readModelFile } from "./model.ts";
import { fetchReceipt } from "./receipt.ts";

/** The input file: a JSON array of int8 values, or with `pixels` of values in [0, 1] to quantize. */
export function readInputFile(path: string, pixels: boolean, model: Int8Model): Int8Array {
  let values: unknown;
  try {
    values = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new CliError(`input file ${path} not found`);
    throw new CliError(`input file ${path} is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(values) || !values.every((v) => typeof v === "number")) {
    throw new CliError(`input file ${path} must hold a JSON array of numbers`);
  }
  if (values.length !== model.inputWidth) throw new CliError(`input file ${path} has ${values.length} values, the model takes ${model.inputWidth}`);
  if (pixels) {
    try {
      return quantizeInput(values);
    } catch (error) {
      throw new CliError(`input file ${path}: ${(error as Error).message}`);
    }
  }
  const bad = values.findIndex((v) => !Number.isInteger(v) || v < -128 || v > 127);
  if (bad !== -1) {
    throw new CliError(`input file ${path}: value ${bad} is ${values[bad]}, expected an int8 (-128..127; --pixels for values in [0, 1])`);
  }
  return Int8Array.from(values);
}

async function challengeDeadline(client: Client, ledger: Hex, commitmentId: Hex): Promise<bigint> {
  try {
    const commitment = (await readContract(client, {
      address: ledger,
      abi: [...inferenceLedgerAbi, ...(protocolErrorsAbi as Abi)],
      functionName: "getCommitment",
      args: [commitmentId],
    })) as { challengeDeadline: number | bigint };
    return BigInt(commitment.challengeDeadline);
  } catch (error) {
    throw toVinferError(error, { contract: ledger, functionName: "getCommitment" });
  }
}

const check: CommandSpec = {
  name: "check",
  summary: "re-execute your inference and challenge it when the committed output is wrong",
  description: [
    "Fetches the receipt of <requestId> from the indexer and checks it against the chain, checks that the",
    "--input file is the committed input and that --model is the registered model, then runs the model. When the",
    "committed output differs and the challenge window is open it opens a dispute with the signing key",
    "(posting the challenge deposit and the model's challenger bond) and prints the dispute id.",
    "Exit code: 0 when the output matches or a dispute was opened, 1 when it differs and was not challenged.",
  ],
  args: [{ name: "requestId", description: "the request id of your inference" }],
  options: {
    input: { type: "string", value: "<file>", path: true, description: "the input: a JSON array of int8 values" },
    pixels: { type: "boolean", description: "the input holds pixels in [0, 1], quantized as the model expects" },
    model: { type: "string", value: "<file>", path: true, description: "the model file (checked against the registered weights root)" },
    operator: { type: "string", value: "<address>", description: "the operator, when several committed the same request id" },
    "dry-run": { type: "boolean", description: "report a wrong output without challenging it" },
  },
  json: true,
  examples: ["vinfer check 0x9a0c… --input digit.json --pixels --model models/mnist-mlp.json --key-file me.key"],
  async run(ctx, { args: [id], options }) {
    const requestId = parseBytes32(id, "request id");
    const inputPath = required(options, "input", "check");
    const modelPath = required(options, "model", "check");
    const operatorText = optional(options, "operator");
    const operator = operatorText === undefined ? undefined : parseAddress(operatorText, "--operator");
    const model = readModelFile(modelPath);
    const input = readInputFile(inputPath, options.pixels === true, model);

    const receipt = await fetchReceipt(ctx, requestId, operator);
    const inputHash = vectorHash(input);
    if (inputHash !== receipt.inference.inputHash.toLowerCase()) {
      throw new CliError(`${inputPath} is not the committed input of ${requestId}: its hash is ${inputHash}, the commitment's ${receipt.inference.inputHash}`);
    }
    const client = await ctx.publicClient();
    const contracts = await ctx.contracts();
    const registered = await readModel(client, contracts, receipt.modelId);
    if (registered.weightsRoot.toLowerCase() !== model.weightsRoot.toLowerCase()) {
      throw new CliError(`${modelPath} is not model ${receipt.modelId}: its weights root is ${model.weightsRoot}, the registered one ${registered.weightsRoot}`);
    }
    const onChain = await verifyReceipt(client, { contracts, receipt });
    if (!onChain.included) throw new CliError(`the indexer's receipt for ${requestId} does not check against the chain: ${onChain.reason}`);

    const computed = vectorHash(infer(model, input));
    const committed = receipt.inference.outputHash.toLowerCase() as Hex;
    const matches = computed === committed;
    const status = onChain.status.toUpperCase();
    const summary = {
      requestId,
      operator: receipt.operator,
      modelId: receipt.modelId,
      commitmentId: receipt.commitmentId,
      leafIndex: Number(receipt.leafIndex),
      inputHash,
      committedOutputHash: committed,
      computedOutputHash: computed,
      matches,
      status,
    };
    const rows: [string, string][] = [
      ["request", requestId],
      ["commitment", `${receipt.commitmentId}, leaf ${receipt.leafIndex}`],
      ["input", `${inputHash} (the committed input)`],
      ["model", `${receipt.modelId} (weights root matches)`],
      ["committed output", committed],
      ["computed output", computed],
      ["status", status],
    ];
    if (matches) {
      if (ctx.json) printJson({ ...summary, challenge: null });
      else printRecord([...rows, ["result", "matches: the committed output is the model's output on this input"]]);
      return 0;
    }
    rows.push(["result", "DIFFERS: the committed output is not the model's output on this input"]);

    const notChallenged = (reason: string) => {
      if (ctx.json) printJson({ ...summary, challenge: null, notChallenged: reason });
      else printRecord([...rows, ["challenge", `none: ${reason}`]]);
      return 1;
    };
    if (onChain.final) return notChallenged(`the inference is already ${status}`);
    const deadline = await challengeDeadline(client, contracts.ledger, receipt.commitmentId);
    const now = (await getBlock(client)).timestamp;
    if (now >= deadline) return notChallenged(`the challenge window closed at ${isoTime(deadline)}`);
    if (options["dry-run"] === true) return notChallenged("--dry-run");
    if (ctx.settings.key === undefined) return notChallenged(NO_KEY);

    const wallet = await ctx.walletClient();
    const result = await challenge(wallet, {
      contracts,
      commitmentId: receipt.commitmentId,
      leafIndex: BigInt(receipt.leafIndex),
      inference: receipt.inference,
      proof: receipt.proof,
      claimedOutputHash: computed,
    });
    if (ctx.json) {
      printJson({ ...summary, challenge: { disputeId: result.disputeId.toString(), resolver: result.resolver, bond: tokens(result.bond), tx: result.hash } });
    } else {
      printRecord([...rows, ["challenge", `dispute ${result.disputeId} opened (bond ${tokens(result.bond)})`], ["tx", result.hash]]);
    }
    return 0;
  },
};

export const checkCommands: CommandSpec[] = [check];
