// What a command runs with: the command specs' shape, the global options, where each setting comes from
// (flags > environment > config file > defaults), the signing key, the clients for the node, the
// protocol's contracts, the indexer, and the parsers every command uses for its arguments.
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { deployments } from "@vinfer/abis";
import { getVinferContracts, type VinferContracts, type WriteClient } from "@vinfer/sdk";
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  getAddress,
  http,
  isAddress,
  parseEther,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { getCode } from "viem/actions";
import { CliError, fetchFailure, NO_KEY, UsageError } from "./errors.ts";
import { setSecret } from "./output.ts";

// ── command specs ─────────────────────────────────────────────────────────────────────────────────────

export type OptionSpec = {
  type: "string" | "boolean";
  /** May be given several times; the values come as a list. */
  multiple?: boolean;
  /** The value's placeholder in help, e.g. "<file>". */
  value?: string;
  description: string;
  /** A file or directory: a relative path in a config file is taken from the config file's directory. */
  path?: boolean;
};

export type ArgSpec = { name: string; description: string; optional?: boolean };

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export type CommandInput = { args: string[]; options: OptionValues };

export type CommandSpec = {
  /** The words after `vinfer`: "stake deposit", "check". */
  name: string;
  summary: string;
  /** Paragraphs shown in the command's help under its usage. */
  description?: string[];
  args?: ArgSpec[];
  options?: Record<string, OptionSpec>;
  /** The command prints data and accepts --json. */
  json?: boolean;
  examples: string[];
  /** Runs the command; the exit code (0 when nothing is returned). */
  run(ctx: Context, input: CommandInput): Promise<number | void>;
};

export type GroupSpec = { name: string; summary: string; commands: CommandSpec[] };

// ── global options ────────────────────────────────────────────────────────────────────────────────────

export const DEFAULT_RPC_URL = "http://127.0.0.1:8545";
export const DEFAULT_INDEXER_URL = "http://127.0.0.1:42069";
export const DEFAULT_CONFIG_FILE = "vinfer.json";

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  "rpc-url": {
    type: "string",
    value: "<url>",
    description: `the chain's JSON-RPC endpoint (env VINFER_RPC_URL; default ${DEFAULT_RPC_URL})`,
  },
  "indexer-url": {
    type: "string",
    value: "<url>",
    description: `the vinfer indexer (env VINFER_INDEXER_URL; default ${DEFAULT_INDEXER_URL})`,
  },
  ledger: {
    type: "string",
    value: "<address>",
    description: "the InferenceLedger (env VINFER_LEDGER; default: the shipped deployment for the chain)",
  },
  "key-file": {
    type: "string",
    value: "<path>",
    path: true,
    description: "a file holding the signing key, 32 bytes of hex (or env VINFER_PRIVATE_KEY, VINFER_KEY_FILE)",
  },
  config: {
    type: "string",
    value: "<file>",
    path: true,
    description: `options as JSON, in camelCase (default ./${DEFAULT_CONFIG_FILE} when present)`,
  },
  help: { type: "boolean", description: "show this help" },
};

export const JSON_OPTION: OptionSpec = { type: "boolean", description: "print the result as JSON" };

/** The global options a config file may set at its top level. */
const CONFIG_GLOBALS = ["rpc-url", "indexer-url", "ledger", "key-file"] as const;

export const camelCase = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

// ── settings ──────────────────────────────────────────────────────────────────────────────────────────

/** Where the signing key comes from, if anywhere. */
export type KeySource = { kind: "env" } | { kind: "file"; path: string; from: string } | undefined;

export type Settings = {
  rpcUrl: string;
  indexerUrl: string;
  ledger: Address | undefined;
  key: KeySource;
  json: boolean;
};

export type ConfigFile = { path: string; values: Record<string, unknown> };

/** The config file named by --config (or VINFER_CONFIG), else ./vinfer.json when present. */
export function loadConfigFile(explicit: string | undefined, cwd: string): ConfigFile | undefined {
  const path = explicit !== undefined ? resolve(cwd, explicit) : resolve(cwd, DEFAULT_CONFIG_FILE);
  if (explicit === undefined && !existsSync(path)) return undefined;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === "ENOENT" ? `config file ${path} not found` : `cannot read config file ${path}: ${code ?? String(error)}`);
  }
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (error) {
    throw new CliError(`config file ${path} is not JSON: ${(error as Error).message}`);
  }
  if (typeof values !== "object" || values === null || Array.isArray(values)) throw new CliError(`config file ${path} must hold a JSON object`);
  return { path, values: values as Record<string, unknown> };
}

/**
 * Merges the command line, the environment and the config file: flags > env > config file > defaults.
 * A config file sets global options at its top level (`rpcUrl`, `indexerUrl`, `ledger`, `keyFile`) and a
 * command's own options in a section named after the command (`"operator": { "modelId": "0x…" }`).
 */
export function resolveSettings(
  command: CommandSpec,
  flags: OptionValues,
  env: NodeJS.ProcessEnv,
  config: ConfigFile | undefined,
  sections: readonly string[],
): { settings: Settings; options: OptionValues } {
  const fromConfig = config === undefined ? {} : configValues(command, config, sections);
  // A setting's value and where it came from, for error messages.
  const pick = (flag: string, envName: string, fallback?: string): { value: string | undefined; from: string } => {
    if (typeof flags[flag] === "string") return { value: flags[flag], from: `--${flag}` };
    if (nonEmpty(env[envName]) !== undefined) return { value: nonEmpty(env[envName]), from: envName };
    if (typeof fromConfig[flag] === "string") return { value: fromConfig[flag], from: `${camelCase(flag)} in ${config?.path}` };
    return { value: fallback, from: `--${flag}` };
  };
  const rpc = pick("rpc-url", "VINFER_RPC_URL", DEFAULT_RPC_URL);
  const rpcUrl = parseUrl(rpc.value as string, rpc.from);
  const idx = pick("indexer-url", "VINFER_INDEXER_URL", DEFAULT_INDEXER_URL);
  const indexerUrl = parseUrl(idx.value as string, idx.from);
  const led = pick("ledger", "VINFER_LEDGER");
  const ledger = led.value === undefined ? undefined : parseAddress(led.value, led.from);

  let key: KeySource;
  if (typeof flags["key-file"] === "string") key = { kind: "file", path: flags["key-file"], from: "--key-file" };
  else if (nonEmpty(env.VINFER_PRIVATE_KEY) !== undefined) key = { kind: "env" };
  else if (nonEmpty(env.VINFER_KEY_FILE) !== undefined) key = { kind: "file", path: env.VINFER_KEY_FILE as string, from: "VINFER_KEY_FILE" };
  else if (typeof fromConfig["key-file"] === "string") key = { kind: "file", path: fromConfig["key-file"], from: `keyFile in ${config?.path}` };

  const options: OptionValues = {};
  for (const name of Object.keys(command.options ?? {})) options[name] = flags[name] ?? fromConfig[name];
  const json = command.json === true && (flags.json ?? fromConfig.json) === true;
  return { settings: { rpcUrl, indexerUrl, ledger, key, json }, options };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** The config file's values that apply to `command`, by flag name, checked against their types. */
function configValues(command: CommandSpec, config: ConfigFile, sections: readonly string[]): OptionValues {
  const where = `config file ${config.path}`;
  const base = dirname(config.path);
  const globals = new Map(CONFIG_GLOBALS.map((flag) => [camelCase(flag), flag]));
  const values: OptionValues = {};
  for (const [key, value] of Object.entries(config.values)) {
    const flag = globals.get(key);
    if (flag !== undefined) {
      values[flag] = configValue(GLOBAL_OPTIONS[flag], value, `${where}: ${key}`, base);
    } else if (!sections.includes(key)) {
      throw new CliError(`${where}: unknown option "${key}" (top-level keys: ${[...globals.keys()].join(", ")}, or a command's name)`);
    }
  }
  const section = config.values[command.name];
  if (section === undefined) return values;
  if (typeof section !== "object" || section === null || Array.isArray(section)) throw new CliError(`${where}: "${command.name}" must be an object of options`);
  const own: Record<string, OptionSpec> = { ...(command.options ?? {}), ...(command.json ? { json: JSON_OPTION } : {}) };
  const byKey = new Map(Object.keys(own).map((flag) => [camelCase(flag), flag]));
  for (const [key, value] of Object.entries(section)) {
    const flag = byKey.get(key);
    if (flag === undefined) throw new CliError(`${where}: "${command.name}" has no option "${key}" (see vinfer ${command.name} --help)`);
    values[flag] = configValue(own[flag], value, `${where}: ${command.name}.${key}`, base);
  }
  return values;
}

function configValue(spec: OptionSpec, value: unknown, where: string, base: string): string | boolean | string[] {
  if (spec.type === "boolean") {
    if (typeof value !== "boolean") throw new CliError(`${where} must be true or false`);
    return value;
  }
  const one = (v: unknown): string => {
    if (typeof v === "number" && Number.isFinite(v)) return String(v);
    if (typeof v !== "string") throw new CliError(`${where} must be a string${spec.multiple ? " or a list of strings" : ""}`);
    return spec.path ? resolve(base, v) : v;
  };
  if (spec.multiple) return Array.isArray(value) ? value.map(one) : [one(value)];
  return one(value);
}

// ── the context a command runs in ─────────────────────────────────────────────────────────────────────

/** Hardhat's and Anvil's default chain ids. */
const LOCAL_CHAIN_IDS = new Set([31337, 1337]);

export type IndexerAnswer<T> = { status: number; body: T };

export type Context = {
  /** "stake deposit", for messages. */
  command: string;
  settings: Settings;
  json: boolean;
  /** A client for the node, after checking that it answers. */
  publicClient(): Promise<PublicClient>;
  chainId(): Promise<number>;
  /** A client that signs with the key; fails with "no key: …" when there is none. */
  walletClient(): Promise<WriteClient>;
  /** The key (for the daemons, which sign themselves). */
  privateKey(): Hex;
  /** The key's account, or undefined when no key is configured. */
  account(): Address | undefined;
  /** The protocol's contracts from the ledger. */
  contracts(): Promise<VinferContracts>;
  /** GET (or POST `body` as JSON to) a path of the indexer; the status and the parsed JSON answer. */
  indexer<T>(path: string, body?: unknown): Promise<IndexerAnswer<T>>;
};

export function createContext(command: string, settings: Settings, env: NodeJS.ProcessEnv): Context {
  let key: Hex | undefined;
  let chain: Promise<Chain> | undefined;
  let publicClient: PublicClient | undefined;
  let contracts: Promise<VinferContracts> | undefined;

  const privateKey = (): Hex => (key ??= loadKey(settings.key, env));
  const getChain = () => (chain ??= probeNode(settings.rpcUrl));
  const transport = () => http(settings.rpcUrl, { retryCount: 1, timeout: 30_000 });
  // How often to ask for a transaction's receipt: a local dev chain mines at once, a real one every few seconds.
  const pollingInterval = (chain: Chain) => (LOCAL_CHAIN_IDS.has(chain.id) ? 100 : 1_000);

  const ctx: Context = {
    command,
    settings,
    json: settings.json,
    async publicClient() {
      const resolved = await getChain();
      return (publicClient ??= createPublicClient({ chain: resolved, transport: transport(), pollingInterval: pollingInterval(resolved) }) as PublicClient);
    },
    async chainId() {
      return (await getChain()).id;
    },
    async walletClient() {
      const account = privateKeyToAccount(privateKey());
      const resolved = await getChain();
      return createWalletClient({ account, chain: resolved, transport: transport(), pollingInterval: pollingInterval(resolved) });
    },
    privateKey,
    account() {
      return settings.key === undefined ? undefined : privateKeyToAccount(privateKey()).address;
    },
    contracts() {
      return (contracts ??= (async () => {
        const client = await ctx.publicClient();
        const chainId = client.chain!.id;
        const ledger = settings.ledger ?? deployments[String(chainId)]?.InferenceLedger?.address;
        if (ledger === undefined) throw new CliError(`no vinfer deployment is known for chain ${chainId}: pass --ledger or set VINFER_LEDGER`);
        const code = await getCode(client, { address: ledger }).catch((error: unknown) => {
          throw new CliError(`cannot reach the node at ${settings.rpcUrl}: ${fetchFailure(error)}`);
        });
        if (code === undefined || code === "0x") {
          throw new CliError(`no contract at ledger ${getAddress(ledger)} on chain ${chainId}: is the protocol deployed? (--ledger, VINFER_LEDGER)`);
        }
        return getVinferContracts(client, { ledger });
      })());
    },
    indexer<T>(path: string, body?: unknown) {
      return indexerRequest<T>(settings.indexerUrl, path, body);
    },
  };
  return ctx;
}

function loadKey(source: KeySource, env: NodeJS.ProcessEnv): Hex {
  if (source === undefined) throw new CliError(NO_KEY);
  let text: string;
  let what: string;
  if (source.kind === "env") {
    text = env.VINFER_PRIVATE_KEY ?? "";
    what = "VINFER_PRIVATE_KEY";
  } else {
    what = `key file ${source.path} (${source.from})`;
    try {
      text = readFileSync(source.path, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new CliError(code === "ENOENT" ? `${what} not found` : `cannot read ${what}: ${code ?? "unreadable"}`);
    }
  }
  const trimmed = text.trim();
  setSecret(trimmed);
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(trimmed)) throw new CliError(`${what} does not hold a private key (expected 32 bytes of hex)`);
  const hex = (trimmed.startsWith("0x") || trimmed.startsWith("0X") ? `0x${trimmed.slice(2)}` : `0x${trimmed}`) as Hex;
  try {
    privateKeyToAccount(hex);
  } catch {
    throw new CliError(`${what} does not hold a valid private key`);
  }
  return hex;
}

/** Asks the node for its chain id (one request, so an unreachable node fails at once and clearly). */
async function probeNode(rpcUrl: string): Promise<Chain> {
  let response: Response;
  try {
    response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new CliError(`cannot reach the node at ${rpcUrl}: ${fetchFailure(error)}`);
  }
  let body: { result?: unknown; error?: { message?: string } };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new CliError(`the node at ${rpcUrl} answered HTTP ${response.status}, not JSON-RPC`);
  }
  if (typeof body?.result !== "string") {
    throw new CliError(`the node at ${rpcUrl} did not answer eth_chainId${body?.error?.message ? `: ${body.error.message}` : ""}`);
  }
  const id = Number(BigInt(body.result));
  return defineChain({
    id,
    name: `chain ${id}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

async function indexerRequest<T>(indexerUrl: string, path: string, body?: unknown): Promise<IndexerAnswer<T>> {
  const url = `${indexerUrl.replace(/\/+$/, "")}${path}`;
  let response: Response;
  try {
    response = await fetch(
      url,
      body === undefined
        ? { signal: AbortSignal.timeout(30_000) }
        : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) },
    );
  } catch (error) {
    throw new CliError(`cannot reach the indexer at ${indexerUrl}: ${fetchFailure(error)}`);
  }
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as T };
  } catch {
    throw new CliError(`the indexer at ${indexerUrl} answered HTTP ${response.status} with something other than JSON`);
  }
}

// ── argument parsers ──────────────────────────────────────────────────────────────────────────────────

export function parseUrl(text: string, what: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`invalid ${what} "${text}": expected an http(s) URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`invalid ${what} "${text}": expected an http(s) URL`);
  return text;
}

export function parseAddress(text: string, what: string): Address {
  if (!isAddress(text, { strict: false })) throw new UsageError(`invalid ${what} "${text}": expected an address (0x and 40 hex digits)`);
  return getAddress(text);
}

export function parseBytes32(text: string, what: string): Hex {
  if (!/^0x[0-9a-fA-F]{64}$/.test(text)) throw new UsageError(`invalid ${what} "${text}": expected 0x and 64 hex digits`);
  return text.toLowerCase() as Hex;
}

/** Tokens with up to 18 decimals ("100", "0.5") in token units. */
export function parseAmount(text: string, what: string): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (match === null || (match[2] ?? "").length > 18) {
    throw new UsageError(`invalid ${what} "${text}": expected an amount of tokens such as 100 or 0.5 (up to 18 decimals)`);
  }
  return parseEther(text);
}

export function parseInteger(text: string, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`invalid ${what} "${text}": expected a whole number${max === Number.MAX_SAFE_INTEGER ? ` ≥ ${min}` : ` from ${min} to ${max}`}`);
  }
  return Number(text);
}

export function parseBigInteger(text: string, what: string): bigint {
  if (!/^\d+$/.test(text)) throw new UsageError(`invalid ${what} "${text}": expected a whole number ≥ 0`);
  return BigInt(text);
}

export function parseFraction(text: string, what: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < 0 || value > 1) throw new UsageError(`invalid ${what} "${text}": expected a number from 0 to 1`);
  return value;
}

/** Seconds, or a number with a unit: 90, 90s, 10m, 2h, 7d. */
export function parseDuration(text: string, what: string): number {
  const match = /^(\d+)(s|m|h|d)?$/.exec(text);
  if (match === null) throw new UsageError(`invalid ${what} "${text}": expected seconds, or a number with s, m, h or d (e.g. 600, 10m, 7d)`);
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[(match[2] ?? "s") as "s" | "m" | "h" | "d"];
  return Number(match[1]) * unit;
}

/** The value of string option `name`, or a usage error naming it. */
export function required(options: OptionValues, name: string, command: string): string {
  const value = options[name];
  if (typeof value !== "string" || value === "") throw new UsageError(`${command} needs --${name} (see vinfer ${command} --help)`);
  return value;
}

export function optional(options: OptionValues, name: string): string | undefined {
  const value = options[name];
  return typeof value === "string" ? value : undefined;
}
