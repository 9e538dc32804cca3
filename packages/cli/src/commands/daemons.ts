// vinfer operator | challenger: the two daemons, configured from flags (or a config file's "operator" and
// "challenger" sections). Their packages are loaded only when one is started, so that every other command
// starts fast and keeps working whatever state the daemons' packages are in.
import { resolve } from "node:path";
import type { ChallengerConfig } from "@vinfer/challenger";
import type { OperatorConfig } from "@vinfer/operator";
import type { Address, Hex } from "viem";
import {
  optional,
  parseBigInteger,
  parseBytes32,
  parseFraction,
  parseInteger,
  required,
  type CommandSpec,
  type Context,
  type OptionValues,
} from "../config.ts";
import { UsageError } from "../errors.ts";
import { print, toJson } from "../output.ts";
import { readModelFile } from "./model.ts";

/** What every daemon gets from the global options and the key. */
export type DaemonBase = { rpcUrl: string; privateKey: Hex; ledger?: Address };

type Log = (record: Record<string, unknown>) => void;

/**
 * The daemons log one JSON object per line on stdout, time first (the record's own time when it has one),
 * debug records left out, scrubbed of the key like everything the command prints.
 */
export const jsonLinesLog: Log = (record) => {
  if (record.level === "debug") return;
  print(toJson({ time: new Date().toISOString(), ...record }, { oneLine: true }));
};

const int = (options: OptionValues, name: string, min = 0, max?: number) => {
  const text = optional(options, name);
  return text === undefined ? undefined : parseInteger(text, `--${name}`, min, max);
};

function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

type OperatorFields = Omit<OperatorConfig, "rpcUrl" | "privateKey" | "ledger" | "log">;
type ChallengerFields = Omit<ChallengerConfig, "rpcUrl" | "privateKey" | "ledger" | "log">;

/** The operator's own settings from its flags; throws a usage error naming the first wrong one. */
function operatorFields(options: OptionValues): OperatorFields {
  const cheatText = optional(options, "cheat-fraction");
  return defined({
    modelId: parseBytes32(required(options, "model-id", "operator"), "--model-id"),
    modelPath: resolve(required(options, "model", "operator")),
    dataDir: resolve(required(options, "data-dir", "operator")),
    host: optional(options, "host"),
    port: int(options, "port", 0, 65_535),
    publicUrl: optional(options, "public-url"),
    batchSize: int(options, "batch-size", 1),
    batchAgeMs: int(options, "batch-age-ms", 0),
    pollMs: int(options, "poll-ms", 1),
    minReserveBatches: int(options, "min-reserve-batches", 0),
    cheat: cheatText === undefined ? undefined : { fraction: parseFraction(cheatText, "--cheat-fraction") },
  });
}

/** The challenger's own settings from its flags; throws a usage error naming the first wrong one. */
function challengerFields(options: OptionValues): ChallengerFields {
  const models = options.model;
  const modelPaths = (Array.isArray(models) ? models : typeof models === "string" ? [models] : []).map((path) => resolve(path));
  if (modelPaths.length === 0) throw new UsageError("challenger needs at least one --model (see vinfer challenger --help)");
  const fromBlockText = optional(options, "from-block");
  return defined({
    modelPaths,
    dataDir: resolve(required(options, "data-dir", "challenger")),
    fromBlock: fromBlockText === undefined ? undefined : parseBigInteger(fromBlockText, "--from-block"),
    pollMs: int(options, "poll-ms", 1),
    host: optional(options, "host"),
    port: int(options, "port", 0, 65_535),
  });
}

/** The operator daemon's config from the global settings and its flags. */
export function toOperatorConfig(base: DaemonBase, options: OptionValues, log: Log = jsonLinesLog): OperatorConfig {
  return { ...base, ...operatorFields(options), log };
}

/** The challenger daemon's config from the global settings and its flags. */
export function toChallengerConfig(base: DaemonBase, options: OptionValues, log: Log = jsonLinesLog): ChallengerConfig {
  return { ...base, ...challengerFields(options), log };
}

function daemonBase(ctx: Context): DaemonBase {
  return defined({ rpcUrl: ctx.settings.rpcUrl, privateKey: ctx.privateKey(), ledger: ctx.settings.ledger });
}

const operator: CommandSpec = {
  name: "operator",
  summary: "run the operator daemon: serve inferences, commit them in batches, defend disputes",
  description: [
    "Serves one model's inferences over HTTP, stores every accepted request durably in --data-dir, commits",
    "them in batches drawing bonds from the bond reserve, publishes their data, settles, defends its disputes",
    "and answers data demands. Signs with the key; logs one JSON object per line on stdout.",
  ],
  options: {
    "model-id": { type: "string", value: "<modelId>", description: "the registered model it serves (required)" },
    model: { type: "string", value: "<file>", path: true, description: "that model's file (required)" },
    "data-dir": { type: "string", value: "<dir>", path: true, description: "where requests and commitments are stored (required)" },
    host: { type: "string", value: "<host>", description: "interface the HTTP server listens on (default 127.0.0.1)" },
    port: { type: "string", value: "<port>", description: "port it listens on (default 0: a free port, logged at start)" },
    "public-url": { type: "string", value: "<url>", description: "how others reach it (default http://host:port); <url>/v1/data becomes its data URI" },
    "batch-size": { type: "string", value: "<n>", description: "inferences per commitment (default 256)" },
    "batch-age-ms": { type: "string", value: "<ms>", description: "commit a partial batch once its oldest request is this old (default 2000)" },
    "poll-ms": { type: "string", value: "<ms>", description: "chain polling period (default 500)" },
    "min-reserve-batches": { type: "string", value: "<n>", description: "refuse requests when the bond reserve covers fewer full batches (default 1)" },
    "cheat-fraction": { type: "string", value: "<0..1>", description: "demonstrations only: serve a wrong output for this fraction of requests" },
  },
  examples: [
    "vinfer operator --model-id 0x3c5e… --model models/mnist-mlp.json --data-dir ./operator-data --port 8080 --key-file operator.key",
  ],
  async run(ctx, { options }) {
    const fields = operatorFields(options);
    readModelFile(fields.modelPath);
    const config: OperatorConfig = { ...daemonBase(ctx), ...fields, log: jsonLinesLog };
    const { runOperator } = await import("@vinfer/operator");
    await runOperator(config);
  },
};

const challenger: CommandSpec = {
  name: "challenger",
  summary: "run the challenger daemon: re-execute commitments and dispute every wrong leaf",
  description: [
    "Follows commitments of the models it has files for, fetches their data from the operators, re-executes",
    "them, disputes every wrong output and plays each dispute to the end. Signs with the key; logs one JSON",
    "object per line on stdout.",
  ],
  options: {
    model: { type: "string", multiple: true, value: "<file>", path: true, description: "a model file to check commitments of (repeatable; at least one)" },
    "data-dir": { type: "string", value: "<dir>", path: true, description: "where its progress and disputes are stored (required)" },
    "from-block": { type: "string", value: "<block>", description: "the block to start following from (default: the ledger's deployment block)" },
    "poll-ms": { type: "string", value: "<ms>", description: "chain polling period (default 500)" },
    host: { type: "string", value: "<host>", description: "interface of the /health and /metrics server (default 127.0.0.1)" },
    port: { type: "string", value: "<port>", description: "port of that server (none without --port)" },
  },
  examples: ["vinfer challenger --model models/mnist-mlp.json --data-dir ./challenger-data --key-file challenger.key"],
  async run(ctx, { options }) {
    const fields = challengerFields(options);
    for (const path of fields.modelPaths) readModelFile(path);
    const config: ChallengerConfig = { ...daemonBase(ctx), ...fields, log: jsonLinesLog };
    const { runChallenger } = await import("@vinfer/challenger");
    await runChallenger(config);
  },
};

export const daemonCommands: CommandSpec[] = [operator, challenger];
