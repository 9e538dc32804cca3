// The bisection game: every move of every game, in order, with the interval it leaves, its deadline and the
// gas its transaction used; the dispute row keeps the current interval and, at the end, the step the chain
// re-executed.
import { ponder } from "ponder:registry";
import type { Context } from "ponder:registry";
import { bisectionMove, dispute } from "ponder:schema";
import { bisectionResolverAbi, GameStatusNames, OutcomeNames, PartyNames } from "@vinfer/abis";
import { decodeFunctionData, type Hex } from "viem";
import { enumName } from "./lib/records.ts";

type MoveFields = Omit<typeof bisectionMove.$inferInsert, "disputeId" | "seq" | "sender" | "gasUsed" | "block" | "timestamp" | "tx">;
type Logged = {
  block: { number: bigint; timestamp: bigint };
  transaction: { hash: Hex; from: Hex; to: Hex | null; input: Hex };
  transactionReceipt?: { gasUsed: bigint };
};

/** Appends a move to dispute `disputeId`'s game and applies `change` to the dispute. */
async function move(
  context: Context,
  event: Logged,
  disputeId: bigint,
  fields: MoveFields,
  change: Partial<typeof dispute.$inferInsert> = {},
) {
  const d = await context.db.update(dispute, { id: disputeId }).set((row) => ({ ...change, moveCount: row.moveCount + 1 }));
  await context.db.insert(bisectionMove).values({
    disputeId,
    seq: d.moveCount - 1,
    ...fields,
    sender: event.transaction.from.toLowerCase() as Hex,
    gasUsed: event.transactionReceipt?.gasUsed ?? 0n,
    block: event.block.number,
    timestamp: event.block.timestamp,
    tx: event.transaction.hash,
  });
}

ponder.on("BisectionResolver:GameStarted", async ({ event, context }) => {
  const { disputeId, traceLength, finalState, deadline } = event.args;
  const hi = Number(traceLength);
  await move(
    context,
    event,
    disputeId,
    { kind: "STARTED", lo: 0, hi, state: finalState, deadline: BigInt(deadline) },
    { traceLength: hi, lo: 0, hi, moveDeadline: BigInt(deadline) },
  );
});

ponder.on("BisectionResolver:MidStatePosted", async ({ event, context }) => {
  const { disputeId, mid, state, deadline } = event.args;
  const d = await context.db.find(dispute, { id: disputeId });
  await move(
    context,
    event,
    disputeId,
    { kind: "MID_STATE", step: Number(mid), state, lo: d?.lo ?? null, hi: d?.hi ?? null, deadline: BigInt(deadline) },
    { moveDeadline: BigInt(deadline) },
  );
});

ponder.on("BisectionResolver:MidStateAnswered", async ({ event, context }) => {
  const { disputeId, mid, agreed, lo, hi, deadline } = event.args;
  await move(
    context,
    event,
    disputeId,
    { kind: "ANSWER", step: Number(mid), agreed, lo: Number(lo), hi: Number(hi), deadline: BigInt(deadline) },
    { lo: Number(lo), hi: Number(hi), moveDeadline: BigInt(deadline) },
  );
});

/** The neuron a proveStep call re-executed, read from its witness; undefined when the transaction is not a direct
 * proveStep call on the resolver for this dispute (e.g. one made through another contract). */
function provenNeuron(event: Logged & { log: { address: Hex } }, disputeId: bigint) {
  const { to, input } = event.transaction;
  if (to === null || to.toLowerCase() !== event.log.address.toLowerCase()) return undefined;
  try {
    const call = decodeFunctionData({ abi: bisectionResolverAbi, data: input });
    if (call.functionName !== "proveStep" || call.args[0] !== disputeId) return undefined;
    const { layer, neuron, layerWidth } = call.args[1].leaf;
    return { layer, neuron, layerWidth };
  } catch {
    return undefined;
  }
}

ponder.on("BisectionResolver:StepProven", async ({ event, context }) => {
  const { disputeId, step, computedState, claimedState, output } = event.args;
  const leaf = provenNeuron(event, disputeId);
  await move(
    context,
    event,
    disputeId,
    { kind: "STEP", step: Number(step), computedState, claimedState, output: Number(output), layer: leaf?.layer, neuron: leaf?.neuron, layerWidth: leaf?.layerWidth },
    {
      provenStep: Number(step),
      computedState,
      claimedState,
      stepOutput: Number(output),
      stepLayer: leaf?.layer ?? null,
      stepNeuron: leaf?.neuron ?? null,
      stepLayerWidth: leaf?.layerWidth ?? null,
    },
  );
});

ponder.on("BisectionResolver:MoveTimedOut", async ({ event, context }) => {
  const { disputeId, party, deadline } = event.args;
  const name = enumName(PartyNames, party);
  await move(context, event, disputeId, { kind: "TIMEOUT", party: name, deadline: BigInt(deadline) }, { timedOutParty: name });
});

ponder.on("BisectionResolver:GameEnded", async ({ event, context }) => {
  const { disputeId, status, outcome } = event.args;
  await move(context, event, disputeId, { kind: "ENDED", outcome: enumName(OutcomeNames, outcome) }, { gameStatus: enumName(GameStatusNames, status) });
});
