// vinfer model register | show
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseModel, profileHash as int8ProfileHash, PROFILE, type Int8Model } from "@vinfer/runtime";
import { getModel, registerModel, VinferContractError, type GetModelReturnType, type VinferContracts } from "@vinfer/sdk";
import { getAddress, type Address, type Client, type Hex } from "viem";
import {
  parseAddress,
  parseAmount,
  parseBytes32,
  parseDuration,
  required,
  type CommandSpec,
  type Context,
} from "../config.ts";
import { CliError, firstLine, UsageError } from "../errors.ts";
import { printJson, printRecord, tokens, yesNo } from "../output.ts";

/** Reads and checks an int8 model file; one-line errors naming the file. */
export function readModelFile(path: string): Int8Model {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === "ENOENT" ? `model file ${path} not found` : `cannot read model file ${path}: ${code ?? String(error)}`);
  }
  try {
    return parseModel(text);
  } catch (error) {
    throw new CliError(`model file ${path}: ${firstLine((error as Error).message)}`);
  }
}

/** A registered model as the command prints it. */
export type ModelView = {
  modelId: Hex;
  index: number;
  owner: Address;
  weightsRoot: Hex;
  profileHash: Hex;
  traceLength: number;
  resolver: Address;
  resolverKind: "bisection" | "committee" | "other";
  challengeWindow: number;
  bondPerInference: string;
  challengerBond: string;
  uri: string;
  deprecated: boolean;
};

/** `ModelRegistry.getModel`, with "not registered" as a plain message. */
export async function readModel(client: Client, contracts: VinferContracts, modelId: Hex): Promise<ModelView> {
  let model: GetModelReturnType;
  try {
    model = await getModel(client, { contracts, modelId });
  } catch (error) {
    if (error instanceof VinferContractError && error.errorName === "RegistryModelNotFound") throw new CliError(`model ${modelId} is not registered`);
    throw error;
  }
  const kind = (address: Address | undefined) => address !== undefined && getAddress(address) === model.resolver;
  return {
    modelId,
    index: model.index,
    owner: model.owner,
    weightsRoot: model.weightsRoot,
    profileHash: model.profileHash,
    traceLength: model.traceLength,
    resolver: model.resolver,
    resolverKind: kind(contracts.bisectionResolver) ? "bisection" : kind(contracts.committeeResolver) ? "committee" : "other",
    challengeWindow: model.challengeWindow,
    bondPerInference: tokens(model.bondPerInference),
    challengerBond: tokens(model.challengerBond),
    uri: model.uri,
    deprecated: model.deprecated,
  };
}

function modelRows(view: ModelView): [string, string][] {
  return [
    ["model", view.modelId],
    ["index", String(view.index)],
    ["owner", view.owner],
    ["weights root", view.weightsRoot],
    ["profile", view.profileHash === int8ProfileHash ? `${view.profileHash} (${PROFILE})` : view.profileHash],
    ["trace length", String(view.traceLength)],
    ["resolver", `${view.resolver} (${view.resolverKind})`],
    ["challenge window", `${view.challengeWindow} s`],
    ["bond", `${view.bondPerInference} per inference`],
    ["challenger bond", view.challengerBond],
    ["uri", view.uri],
    ["deprecated", yesNo(view.deprecated)],
  ];
}

const register: CommandSpec = {
  name: "model register",
  summary: "register an int8 model with its dispute terms",
  description: [
    "Registers the model in <file> in the ModelRegistry. Its weights root, profile and trace length are",
    "computed from the file, so they cannot disagree with it. The signing account becomes the model's owner.",
  ],
  args: [{ name: "file", description: "the model file (vinfer-int8-mlp JSON, e.g. models/mnist-mlp.json)" }],
  options: {
    resolver: {
      type: "string",
      value: "<resolver>",
      description: "who decides disputes: bisection (default), committee, or a resolver's address",
    },
    "challenge-window": {
      type: "string",
      value: "<duration>",
      description: "how long each commitment stays open to challenges: seconds, or 10m, 2h, 7d",
    },
    bond: { type: "string", value: "<tokens>", description: "stake an operator locks per committed inference" },
    "challenger-bond": { type: "string", value: "<tokens>", description: "stake a challenger posts per dispute" },
    uri: { type: "string", value: "<uri>", description: "where the model file can be fetched" },
  },
  json: true,
  examples: [
    "vinfer model register models/mnist-mlp.json --challenge-window 10m --bond 1 --challenger-bond 5 --uri https://example.org/mnist-mlp.json",
  ],
  async run(ctx: Context, { args: [file], options }) {
    const resolverText = typeof options.resolver === "string" ? options.resolver : "bisection";
    const resolver = resolverText === "bisection" || resolverText === "committee" ? resolverText : parseResolver(resolverText);
    const challengeWindow = parseDuration(required(options, "challenge-window", "model register"), "--challenge-window");
    const bondPerInference = parseAmount(required(options, "bond", "model register"), "--bond");
    const challengerBond = parseAmount(required(options, "challenger-bond", "model register"), "--challenger-bond");
    const uri = required(options, "uri", "model register");
    const model = readModelFile(resolve(file));
    const client = await ctx.walletClient();
    const contracts = await ctx.contracts();
    const result = await registerModel(client, { contracts, model, resolver, challengeWindow, bondPerInference, challengerBond, uri });
    const view = await readModel(client, contracts, result.modelId);
    if (ctx.json) printJson({ ...view, tx: result.hash });
    else printRecord([...modelRows(view), ["tx", result.hash]]);
  },
};

function parseResolver(text: string): Address {
  if (!text.startsWith("0x")) throw new UsageError(`invalid --resolver "${text}": expected bisection, committee or an address`);
  return parseAddress(text, "--resolver");
}

const show: CommandSpec = {
  name: "model show",
  summary: "show a registered model",
  args: [{ name: "modelId", description: "the model's id (0x and 64 hex digits)" }],
  json: true,
  examples: ["vinfer model show 0x3c5e…", "vinfer model show 0x3c5e… --json"],
  async run(ctx: Context, { args: [id] }) {
    const modelId = parseBytes32(id, "model id");
    const client = await ctx.publicClient();
    const view = await readModel(client, await ctx.contracts(), modelId);
    if (ctx.json) printJson(view);
    else printRecord(modelRows(view));
  },
};

export const modelCommands: CommandSpec[] = [register, show];
