// Follows the ledger's commitments (InferenceCommitted, BatchCommitted: the batch event lists every leaf) from
// the block after the one the store followed up to, and records those of models the daemon can re-execute.
// A range of blocks is recorded with the new followed block in one transaction, so a crash loses nothing and
// records nothing twice.
import { inferenceLedgerAbi } from "@vinfer/abis";
import { toVinferError } from "@vinfer/sdk";
import { getAbiItem, type Hex } from "viem";
import { getLogs } from "viem/actions";
import type { NewCommitment } from "./store.ts";
import { Part } from "./part.ts";

/** Blocks asked for in one eth_getLogs. */
const RANGE = 2_000n;
/** Ranges read in one tick at most, so games keep moving while a long history is read. */
const RANGES_PER_TICK = 10;

const events = [
  getAbiItem({ abi: inferenceLedgerAbi, name: "InferenceCommitted" }),
  getAbiItem({ abi: inferenceLedgerAbi, name: "BatchCommitted" }),
] as const;

export class Follower extends Part {

  /** Reads new commitments up to `latest`; returns how many were recorded. */
  async tick(latest: bigint, startBlock: bigint): Promise<number> {
    let added = 0;
    for (let i = 0; i < RANGES_PER_TICK; i++) {
      const followed = this.store.followedBlock();
      const from = followed === undefined ? startBlock : followed + 1n;
      if (from > latest) break;
      const to = from + RANGE - 1n < latest ? from + RANGE - 1n : latest;
      let logs;
      try {
        logs = await getLogs(this.chain.public, { address: this.chain.contracts.ledger, events, fromBlock: from, toBlock: to, strict: true });
      } catch (error) {
        throw toVinferError(error, { contract: this.chain.contracts.ledger, functionName: "eth_getLogs" });
      }
      const found: NewCommitment[] = [];
      for (const log of logs) {
        const args = log.args as {
          commitmentId: Hex;
          modelId: Hex;
          operator: Hex;
          challengeDeadline: number;
          requestId?: Hex;
          inputHash?: Hex;
          outputHash?: Hex;
          items?: readonly { requestId: Hex; inputHash: Hex; outputHash: Hex }[];
        };
        const resolved = await this.models.resolve(args.modelId);
        if (resolved === undefined) continue;
        const items =
          log.eventName === "BatchCommitted"
            ? (args.items ?? [])
            : [{ requestId: args.requestId!, inputHash: args.inputHash!, outputHash: args.outputHash! }];
        found.push({
          id: args.commitmentId,
          modelId: args.modelId,
          operator: args.operator,
          challengeDeadline: Number(args.challengeDeadline),
          block: log.blockNumber,
          items,
        });
      }
      const recorded = this.store.recordBlocks(found, to);
      added += recorded;
      for (const c of found) {
        this.log({ event: "commitment.seen", commitmentId: c.id, operator: c.operator, modelId: c.modelId, inferences: c.items.length, block: c.block });
      }
    }
    return added;
  }
}
