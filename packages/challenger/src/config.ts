// Checking a configuration, and reading one from a JSON file for the process entry.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { deployments } from "@vinfer/abis";
import { getAddress, isAddress, isHex, type Address } from "viem";
import type { ChallengerConfig } from "./types.ts";

export const DEFAULT_POLL_MS = 500;
export const DEFAULT_HOST = "127.0.0.1";

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Throws a ConfigError naming the first field that is wrong. The key's value is never part of a message. */
export function checkConfig(config: ChallengerConfig): void {
  if (typeof config !== "object" || config === null) throw new ConfigError("the configuration must be an object");
  if (typeof config.rpcUrl !== "string" || !/^https?:\/\//.test(config.rpcUrl)) throw new ConfigError("rpcUrl: expected an http(s) URL");
  if (typeof config.privateKey !== "string" || !isHex(config.privateKey) || config.privateKey.length !== 66) {
    throw new ConfigError("privateKey: expected 0x followed by 64 hex digits");
  }
  if (config.ledger !== undefined && !isAddress(config.ledger, { strict: false })) throw new ConfigError("ledger: expected an address");
  if (!Array.isArray(config.modelPaths) || config.modelPaths.length === 0 || !config.modelPaths.every((p) => typeof p === "string")) {
    throw new ConfigError("modelPaths: expected a non-empty list of model file paths");
  }
  if (typeof config.dataDir !== "string" || config.dataDir === "") throw new ConfigError("dataDir: expected a directory path");
  if (config.fromBlock !== undefined && (typeof config.fromBlock !== "bigint" || config.fromBlock < 0n)) {
    throw new ConfigError("fromBlock: expected a non-negative bigint");
  }
  if (config.pollMs !== undefined && (!Number.isInteger(config.pollMs) || config.pollMs < 10)) throw new ConfigError("pollMs: expected an integer ≥ 10");
  if (config.port !== undefined && (!Number.isInteger(config.port) || config.port < 0 || config.port > 65_535)) {
    throw new ConfigError("port: expected an integer in 0..65535");
  }
  if (config.host !== undefined && typeof config.host !== "string") throw new ConfigError("host: expected a host name or address");
}

/** The ledger's deployment block when it is the shipped deployment of the chain, else 0. */
export function defaultFromBlock(chainId: number, ledger: Address): bigint {
  const shipped = deployments[String(chainId)]?.InferenceLedger;
  return shipped !== undefined && getAddress(shipped.address) === getAddress(ledger) ? BigInt(shipped.startBlock) : 0n;
}

/**
 * Reads a configuration file: the fields of ChallengerConfig as JSON, `fromBlock` as a number or a decimal string,
 * relative paths (`modelPaths`, `dataDir`) resolved against the file's directory. Without `privateKey` in the file,
 * the key is taken from the environment variable VINFER_CHALLENGER_KEY.
 */
export function readConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): ChallengerConfig {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`cannot read the configuration ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new ConfigError(`${path}: expected a JSON object`);
  const base = dirname(resolve(path));
  const config = { ...json } as unknown as ChallengerConfig & { fromBlock?: unknown };
  if (config.privateKey === undefined && env.VINFER_CHALLENGER_KEY !== undefined) config.privateKey = env.VINFER_CHALLENGER_KEY as ChallengerConfig["privateKey"];
  if (Array.isArray(config.modelPaths)) config.modelPaths = config.modelPaths.map((p) => (typeof p === "string" ? resolve(base, p) : p));
  if (typeof config.dataDir === "string") config.dataDir = resolve(base, config.dataDir);
  if (typeof config.fromBlock === "number" || typeof config.fromBlock === "string") {
    try {
      config.fromBlock = BigInt(config.fromBlock);
    } catch {
      throw new ConfigError("fromBlock: expected a block number");
    }
  }
  checkConfig(config as ChallengerConfig);
  return config as ChallengerConfig;
}
