// The daemon's configuration: what the caller gives (OperatorConfig) and the checked, defaulted form the
// rest of the package reads (Settings). Nothing here touches the chain or the disk.
import { isAddress, isHex, type Address, type Hex } from "viem";

export type OperatorConfig = {
  rpcUrl: string;
  /** The operator's key; never logged. */
  privateKey: Hex;
  /** Default: the shipped deployment for the chain id (getVinferContracts). */
  ledger?: Address;
  /** The registered model it serves. */
  modelId: Hex;
  /** The int8 model file (parseModel); the daemon refuses to start if its weightsRoot differs from the registry's. */
  modelPath: string;
  /** Holds operator.sqlite. */
  dataDir: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** How others reach it; default http://host:port. On start, setDataURI(`${publicUrl}/v1/data`) when the chain has another. */
  publicUrl?: string;
  /** Inferences per commitment; default 256 (at most the ledger's maxBatchSize). */
  batchSize?: number;
  /** Commit a partial batch once its oldest request is this old; default 2000. */
  batchAgeMs?: number;
  /** Chain polling period; default 500. */
  pollMs?: number;
  /** Refuse new requests (503) when the bond reserve cannot cover this many full batches beyond what is queued; default 1. */
  minReserveBatches?: number;
  /** Demo only: serve a wrong output (one hidden neuron changed) for this fraction of requests, chosen by request id. */
  cheat?: { fraction: number };
  /** Structured logs; default one JSON line per record on stdout. */
  log?: (record: Record<string, unknown>) => void;
};

/** The configuration checked and with every default filled in. */
export type Settings = {
  rpcUrl: string;
  privateKey: Hex;
  ledger: Address | undefined;
  modelId: Hex;
  modelPath: string;
  dataDir: string;
  host: string;
  port: number;
  publicUrl: string | undefined;
  batchSize: number;
  batchAgeMs: number;
  pollMs: number;
  minReserveBatches: number;
  cheatFraction: number;
  log: ((record: Record<string, unknown>) => void) | undefined;
};

/** A configuration the daemon cannot run with; the message names the field. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

const bytes32 = (value: unknown): value is Hex => typeof value === "string" && isHex(value) && value.length === 66;

function integer(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer in ${min}..${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function text(name: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") throw new ConfigError(`${name} must be a non-empty string`);
  return value;
}

/** Checks `config` and fills in the defaults. The key is checked for shape only and never echoed. */
export function settingsOf(config: OperatorConfig): Settings {
  if (typeof config !== "object" || config === null) throw new ConfigError("the configuration must be an object");
  const rpcUrl = text("rpcUrl", config.rpcUrl);
  if (!/^https?:\/\//.test(rpcUrl)) throw new ConfigError("rpcUrl must be an http(s) URL");
  if (!bytes32(config.privateKey)) throw new ConfigError("privateKey must be 0x followed by 64 hex digits");
  if (config.ledger !== undefined && !isAddress(config.ledger, { strict: false })) throw new ConfigError("ledger must be an address");
  if (!bytes32(config.modelId)) throw new ConfigError("modelId must be 0x followed by 64 hex digits");
  const publicUrl = config.publicUrl === undefined ? undefined : text("publicUrl", config.publicUrl).replace(/\/+$/, "");
  if (publicUrl !== undefined && !/^https?:\/\//.test(publicUrl)) throw new ConfigError("publicUrl must be an http(s) URL");
  const fraction = config.cheat?.fraction ?? 0;
  if (typeof fraction !== "number" || !(fraction >= 0 && fraction <= 1)) throw new ConfigError("cheat.fraction must be a number in [0, 1]");
  if (config.log !== undefined && typeof config.log !== "function") throw new ConfigError("log must be a function");
  return {
    rpcUrl,
    privateKey: config.privateKey,
    ledger: config.ledger,
    modelId: config.modelId.toLowerCase() as Hex,
    modelPath: text("modelPath", config.modelPath),
    dataDir: text("dataDir", config.dataDir),
    host: config.host === undefined ? "127.0.0.1" : text("host", config.host),
    port: integer("port", config.port, 0, 0, 65535),
    publicUrl,
    batchSize: integer("batchSize", config.batchSize, 256, 1, 1 << 24),
    batchAgeMs: integer("batchAgeMs", config.batchAgeMs, 2000, 0, 2 ** 31 - 1),
    pollMs: integer("pollMs", config.pollMs, 500, 10, 3_600_000),
    minReserveBatches: integer("minReserveBatches", config.minReserveBatches, 1, 0, 1 << 20),
    cheatFraction: fraction,
    log: config.log,
  };
}
