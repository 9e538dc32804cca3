// The registry: models (their commit and dispute terms) and the resolvers governance approved.
import { ponder } from "ponder:registry";
import type { Context } from "ponder:registry";
import { model, resolver } from "ponder:schema";
import type { Hex } from "viem";
import { resolverKindOf, updateProtocol } from "./lib/records.ts";

ponder.on("ModelRegistry:ModelRegistered", async ({ event, context }) => {
  const { modelId, owner, index, spec } = event.args;
  await context.db.insert(model).values({
    id: modelId,
    owner: owner.toLowerCase() as Hex,
    index: Number(index),
    weightsRoot: spec.weightsRoot,
    profileHash: spec.profileHash,
    traceLength: Number(spec.traceLength),
    resolver: spec.resolver.toLowerCase() as Hex,
    resolverKind: resolverKindOf(context.contracts, spec.resolver),
    challengeWindow: Number(spec.challengeWindow),
    bondPerInference: spec.bondPerInference,
    challengerBond: spec.challengerBond,
    uri: spec.uri,
    deprecated: false,
    inferenceCount: 0,
    fraudulentCount: 0,
    registeredBlock: event.block.number,
    registeredAt: event.block.timestamp,
    registeredTx: event.transaction.hash,
  });
  await updateProtocol(context.db, event.block.number, (p) => ({ models: p.models + 1 }));
});

ponder.on("ModelRegistry:ModelDeprecated", async ({ event, context }) => {
  await context.db.update(model, { id: event.args.modelId }).set({ deprecated: true });
});

async function setApproval(context: Context, address: Hex, approved: boolean, timestamp: bigint) {
  const id = address.toLowerCase() as Hex;
  await context.db
    .insert(resolver)
    .values({ id, kind: resolverKindOf(context.contracts, address), approved, changedAt: timestamp })
    .onConflictDoUpdate({ approved, changedAt: timestamp });
}

ponder.on("ModelRegistry:ResolverApproved", async ({ event, context }) => {
  await setApproval(context, event.args.resolver, true, event.block.timestamp);
});

ponder.on("ModelRegistry:ResolverRevoked", async ({ event, context }) => {
  await setApproval(context, event.args.resolver, false, event.block.timestamp);
});
