// The committee: ballots and votes on disputes of non-deterministic models.
import { ponder } from "ponder:registry";
import { committeeVote, dispute } from "ponder:schema";
import { BallotStatusNames } from "@vinfer/abis";
import type { Hex } from "viem";
import { enumName } from "./lib/records.ts";

ponder.on("CommitteeResolver:BallotOpened", async ({ event, context }) => {
  await context.db.update(dispute, { id: event.args.disputeId }).set({ ballotDeadline: BigInt(event.args.deadline), ballotStatus: "VOTING" });
});

ponder.on("CommitteeResolver:VoteCast", async ({ event, context }) => {
  const { disputeId, arbiter, operatorAtFault } = event.args;
  await context.db.insert(committeeVote).values({
    disputeId,
    arbiter: arbiter.toLowerCase() as Hex,
    operatorAtFault,
    block: event.block.number,
    timestamp: event.block.timestamp,
    tx: event.transaction.hash,
  });
  await context.db
    .update(dispute, { id: disputeId })
    .set((d) =>
      operatorAtFault ? { votesOperatorAtFault: d.votesOperatorAtFault + 1 } : { votesOperatorRight: d.votesOperatorRight + 1 },
    );
});

// The outcome itself arrives with the ledger's DisputeResolved; the ballot keeps how it closed.
ponder.on("CommitteeResolver:BallotClosed", async ({ event, context }) => {
  await context.db.update(dispute, { id: event.args.disputeId }).set({ ballotStatus: enumName(BallotStatusNames, event.args.status) });
});
