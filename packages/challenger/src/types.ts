import type { Address, Hex } from "viem";

export type ChallengerConfig = {
  rpcUrl: string;
  /** The challenger's key: it commits, reveals, plays and claims. Never logged. */
  privateKey: Hex;
  /** Default: the shipped deployment for the chain id (getVinferContracts). */
  ledger?: Address;
  /** Int8 model files it can re-execute; matched to registered models by weightsRoot. */
  modelPaths: string[];
  /** Holds challenger.sqlite: followed block, commitments checked, accusations and games. */
  dataDir: string;
  /** Default: the ledger's deployment block from @vinfer/abis, else 0. */
  fromBlock?: bigint;
  /** Default 500. */
  pollMs?: number;
  /** HTTP for GET /health and GET /metrics; no server when port is undefined (host default 127.0.0.1). */
  host?: string;
  port?: number;
  /** Default: JSON lines on stdout. */
  log?: (record: Record<string, unknown>) => void;
};

export type ChallengerDaemon = { url?: string; address: Address; stop(): Promise<void>; stats(): ChallengerStats };

export type ChallengerStats = {
  commitmentsChecked: number;
  inferencesChecked: number;
  wrongFound: number;
  disputesOpened: number;
  disputesWon: number;
  disputesLost: number;
  dataDemands: number;
  withholdingOperators: Record<Address, number>;
};
