// What every part of the daemon shares: settings, logger, store, chain, the served model, and the little
// state the chain loop refreshes (head, bond reserve) that the HTTP side reads.
import type { Int8Model } from "@vinfer/runtime";
import type { WriteResult } from "@vinfer/sdk";
import type { Address, Hex } from "viem";
import type { ChainClient, Head, ModelRecord } from "./chain.ts";
import type { Settings } from "./config.ts";
import type { Logger } from "./log.ts";
import type { ProofCache } from "./receipts.ts";
import type { Store } from "./store.ts";

export type RequestOutcome = "accepted" | "duplicate" | "rejected";

export type Context = {
  settings: Settings;
  log: Logger;
  store: Store;
  chain: ChainClient;
  model: Int8Model;
  /** The model file exactly as read (served at GET /v1/model). */
  modelText: string;
  modelId: Hex;
  /** The registry's record of the model (terms are immutable; `deprecated` is as of start). */
  modelRecord: ModelRecord;
  operator: Address;
  /** The model's disputes are bisection games this daemon can play. */
  bisection: boolean;
  state: {
    /** The latest block the chain loop saw. */
    head: Head | undefined;
    /** The bond reserve as last read (after every commitment and settlement, and every poll). */
    reserve: bigint | undefined;
    /** When the chain last answered a poll (unix ms). */
    chainSeenAt: number | undefined;
  };
  proofs: ProofCache;
  requests: Record<RequestOutcome, number>;
  /** Reconsiders when the chain loop runs next: sooner when the queue becomes due for a commitment. */
  wake(): void;
  /** Records a mined transaction the daemon sent (for gas accounting). */
  recordTransaction(kind: string, result: WriteResult): void;
};
