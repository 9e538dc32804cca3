// Follows the ledger: every poll reads the new head, the bond reserve, and the ledger's dispute, demand and
// settlement events since the last block it processed (kept in the store, so a restart resumes where it
// stopped), and records those that concern this operator's commitments; the defender, the availability
// answerer and the settler act on them later in the same pass.
import { DataDemandStatus, DisputeStatus } from "@vinfer/abis";
import type { Context } from "./context.ts";
import { errorText } from "./log.ts";
import type { DisputeState } from "./store.ts";

const RANGE = 2_000n; // blocks per log query

export type Follower = { tick(): Promise<void> };

export function createFollower(ctx: Context): Follower {
  const { store, chain, log } = ctx;

  async function tick(): Promise<void> {
    const head = await chain.head();
    ctx.state.head = head;
    ctx.state.chainSeenAt = Date.now();
    try {
      ctx.state.reserve = await chain.bondReserve();
    } catch (error) {
      log.warn("bond_reserve_unavailable", { error: errorText(error) });
    }
    const last = store.meta("last_block");
    let from = last === undefined ? head.number : BigInt(last) + 1n;
    while (from <= head.number) {
      const to = from + RANGE - 1n < head.number ? from + RANGE - 1n : head.number;
      for (const event of await chain.events(from, to)) handle(event);
      store.setMeta("last_block", to.toString());
      from = to + 1n;
    }
  }

  function handle(event: Awaited<ReturnType<typeof chain.events>>[number]): void {
    switch (event.eventName) {
      case "DisputeOpened": {
        const { disputeId, commitmentId, challenger, leafIndex, claimedOutputHash, resolver } = event.args;
        if (store.batchByCommitment(commitmentId) === undefined) return;
        if (store.addDispute({ disputeId, commitmentId, leafIndex: Number(leafIndex), challenger, claimedOutputHash, resolver })) {
          log.info("dispute_opened", { disputeId, commitmentId, leafIndex, challenger, claimedOutputHash, block: event.blockNumber });
        }
        return;
      }
      case "DisputeResolved": {
        const { disputeId, status } = event.args;
        const known = store.dispute(disputeId);
        if (known === undefined) return;
        const outcome: DisputeState =
          status === DisputeStatus.ChallengerFault ? "won" : status === DisputeStatus.OperatorFault ? "lost" : "no_fault";
        if (known.status !== outcome) {
          store.setDisputeStatus(disputeId, outcome);
          log[outcome === "lost" ? "warn" : "info"]("dispute_resolved", { disputeId, commitmentId: known.commitmentId, outcome });
        }
        return;
      }
      case "DataDemanded": {
        const { demandId, commitmentId, demander, leafIndex, inputHash, deadline } = event.args;
        if (store.batchByCommitment(commitmentId) === undefined) return;
        if (store.addDemand({ demandId, commitmentId, leafIndex: Number(leafIndex), inputHash, deadline: Number(deadline) })) {
          log.info("data_demanded", { demandId, commitmentId, leafIndex, demander, deadline });
        }
        return;
      }
      case "DataDemandClosed": {
        const { demandId, commitmentId, status } = event.args;
        if (store.batchByCommitment(commitmentId) === undefined) return;
        if (status === DataDemandStatus.Collected) store.setDemandStatus(demandId, "collected");
        else if (status === DataDemandStatus.Withheld) {
          store.setDemandStatus(demandId, "withheld");
          log.error("data_demand_withheld", { demandId, commitmentId });
        }
        return;
      }
      case "CommitmentSettled": {
        const batch = store.batchByCommitment(event.args.commitmentId);
        if (batch !== undefined && batch.status !== "settled") store.setBatchStatus(batch.id, "settled");
        return;
      }
      case "CommitmentSlashed": {
        const { commitmentId, fraudulentLeaf, slashed } = event.args;
        const batch = store.batchByCommitment(commitmentId);
        if (batch === undefined || batch.status === "slashed") return;
        store.setBatchStatus(batch.id, "slashed");
        log.error("commitment_slashed", { commitmentId, fraudulentLeaf, slashed });
        return;
      }
    }
  }

  return { tick };
}
