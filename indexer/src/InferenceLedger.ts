// The ledger: commitments and their leaves, challenge commits, disputes, data demands, settlement, slashing,
// rewards and bond reserves. Each leaf's status mirrors `inferenceStatus(commitmentId, leaf)`: a commitment's
// settlement or slash changes every leaf's row: in the store's memory during the backfill, with one set-based
// statement once live (see indexingLive).
import { ponder } from "ponder:registry";
import type { Context } from "ponder:registry";
import {
  challengeCommit,
  commitment,
  dataDemand,
  dispute,
  inference,
  model,
  request,
  stakeEvent,
} from "ponder:schema";
import { DataDemandStatusNames, DisputeStatusNames } from "@vinfer/abis";
import { inferenceLeaf, merkleRoot } from "@vinfer/runtime";
import { and, eq, inArray, ne } from "ponder";
import type { Hex } from "viem";
import { enumName, indexingLive, resolverKindOf, updateOperator, updateProtocol } from "./lib/records.ts";

type Db = Context["db"];
type Leaf = { requestId: Hex; inputHash: Hex; outputHash: Hex };
type BlockInfo = { number: bigint; timestamp: bigint };

const lower = (address: Hex) => address.toLowerCase() as Hex;

/** Records a commitment of `items` (one for `commit`, the batch for `commitBatch`) and its leaves. */
async function recordCommitment(
  db: Db,
  args: { commitmentId: Hex; modelId: Hex; operator: Hex; challengeDeadline: number | bigint; bond: bigint; root?: Hex },
  items: readonly Leaf[],
  block: BlockInfo,
  tx: Hex,
) {
  const operator = lower(args.operator);
  const leaves = items.map((item) => inferenceLeaf(item.requestId, item.inputHash, item.outputHash));
  const rows: (typeof inference.$inferInsert)[] = [];
  // Live, a batch's leaves are written with set-based statements (see indexingLive), and the operator's
  // earlier uses of its request ids come from one query instead of one read per leaf.
  const bulk = items.length > 1 && (await indexingLive(db));
  const known = bulk
    ? new Map(
        (
          await db.sql
            .select()
            .from(request)
            .where(and(eq(request.operator, operator), inArray(request.requestId, [...new Set(items.map((i) => i.requestId))])))
        ).map((row) => [row.requestId, row] as const),
      )
    : undefined;
  // Request ids first seen in this commitment, inserted together after the loop.
  const fresh = new Map<Hex, typeof request.$inferInsert & { commits: number }>();
  for (let leafIndex = 0; leafIndex < items.length; ++leafIndex) {
    const item = items[leafIndex];
    // The ledger does not enforce request id uniqueness: a second commit of the same request id by the same
    // operator with another output is a conflict, flagged on both rows.
    let conflict = false;
    const earlier = fresh.get(item.requestId);
    if (earlier !== undefined) {
      // Twice in this very commitment.
      earlier.commits += 1;
      if (earlier.outputHash !== item.outputHash) conflict = rows[earlier.leafIndex].conflict = true;
    } else {
      const prior = known !== undefined ? (known.get(item.requestId) ?? null) : await db.find(request, { operator, requestId: item.requestId });
      if (prior === null) {
        fresh.set(item.requestId, {
          operator,
          requestId: item.requestId,
          commitmentId: args.commitmentId,
          leafIndex,
          outputHash: item.outputHash,
          commits: 1,
        });
      } else {
        await db.update(request, { operator, requestId: item.requestId }).set({ commits: prior.commits + 1 });
        if (prior.outputHash !== item.outputHash) {
          conflict = true;
          await db.update(inference, { commitmentId: prior.commitmentId, leafIndex: prior.leafIndex }).set({ conflict: true });
        }
      }
    }
    rows.push({
      commitmentId: args.commitmentId,
      leafIndex,
      requestId: item.requestId,
      inputHash: item.inputHash,
      outputHash: item.outputHash,
      leaf: leaves[leafIndex],
      modelId: args.modelId,
      operator,
      status: "PENDING" as const,
      openAccusations: 0,
      conflict,
      committedBlock: block.number,
      committedAt: block.timestamp,
      finalizedAt: null,
    });
  }
  if (bulk) {
    if (fresh.size > 0) await db.sql.insert(request).values([...fresh.values()]);
    await db.sql.insert(inference).values(rows);
  } else {
    if (fresh.size > 0) await db.insert(request).values([...fresh.values()]);
    await db.insert(inference).values(rows);
  }
  await db.insert(commitment).values({
    id: args.commitmentId,
    modelId: args.modelId,
    operator,
    // A single commitment's root is its one leaf.
    root: args.root ?? merkleRoot(leaves),
    count: items.length,
    batch: args.root !== undefined,
    bond: args.bond,
    challengeDeadline: BigInt(args.challengeDeadline),
    status: "PENDING",
    openAccusations: 0,
    rewardPaid: false,
    committedBlock: block.number,
    committedAt: block.timestamp,
    committedTx: tx,
  });
  await db.update(model, { id: args.modelId }).set((m) => ({ inferenceCount: m.inferenceCount + items.length }));
  await updateOperator(db, operator, (o) => ({
    bondReserve: o.bondReserve - args.bond,
    commitmentCount: o.commitmentCount + 1,
    inferenceCount: o.inferenceCount + items.length,
  }));
  await updateProtocol(db, block.number, (p) => ({
    commitments: p.commitments + 1,
    inferencesCommitted: p.inferencesCommitted + items.length,
  }));
}

ponder.on("InferenceLedger:InferenceCommitted", async ({ event, context }) => {
  const { requestId, inputHash, outputHash } = event.args;
  await recordCommitment(context.db, event.args, [{ requestId, inputHash, outputHash }], event.block, event.transaction.hash);
});

ponder.on("InferenceLedger:BatchCommitted", async ({ event, context }) => {
  await recordCommitment(context.db, event.args, event.args.items, event.block, event.transaction.hash);
});

/** One more accusation (dispute or data demand) open on leaf `leafIndex`: both are DISPUTED until it closes. */
async function openAccusation(db: Db, commitmentId: Hex, leafIndex: number) {
  const c = await db.update(commitment, { id: commitmentId }).set((row) => ({
    openAccusations: row.openAccusations + 1,
    status: row.status === "PENDING" ? "DISPUTED" : row.status,
  }));
  await db.update(inference, { commitmentId, leafIndex }).set((row) => ({
    openAccusations: row.openAccusations + 1,
    status: c.status === "DISPUTED" ? "DISPUTED" : row.status,
  }));
}

/** An accusation on leaf `leafIndex` closed: the leaf, then the commitment, is pending again when none is left. */
async function closeAccusation(db: Db, commitmentId: Hex, leafIndex: number) {
  const c = await db.update(commitment, { id: commitmentId }).set((row) => ({
    openAccusations: row.openAccusations - 1,
    status: row.status === "DISPUTED" && row.openAccusations === 1 ? "PENDING" : row.status,
  }));
  const open = c.status === "PENDING" || c.status === "DISPUTED";
  await db.update(inference, { commitmentId, leafIndex }).set((row) => ({
    openAccusations: row.openAccusations - 1,
    status: open ? (row.openAccusations === 1 ? "PENDING" : "DISPUTED") : row.status,
  }));
}

ponder.on("InferenceLedger:ChallengeCommitted", async ({ event, context }) => {
  await context.db.insert(challengeCommit).values({
    id: event.args.id,
    commitHash: event.args.commitHash,
    challenger: lower(event.args.challenger),
    revealDeadline: BigInt(event.args.revealDeadline),
    deposit: event.args.deposit,
    status: "COMMITTED",
    committedAt: event.block.timestamp,
    committedTx: event.transaction.hash,
  });
});

ponder.on("InferenceLedger:ChallengeCommitForfeited", async ({ event, context }) => {
  await context.db.update(challengeCommit, { id: event.args.id }).set({ status: "FORFEITED" });
});

ponder.on("InferenceLedger:DisputeOpened", async ({ event, context }) => {
  const { db } = context;
  const { disputeId, commitmentId, challenger, leafIndex, claimedOutputHash, resolver, bond } = event.args;
  const c = await db.find(commitment, { id: commitmentId });
  if (c === null) throw new Error(`dispute ${disputeId} on unknown commitment ${commitmentId}`);
  const resolverAddress = lower(resolver);
  await db.insert(dispute).values({
    id: disputeId,
    commitmentId,
    leafIndex: Number(leafIndex),
    modelId: c.modelId,
    operator: c.operator,
    challenger: lower(challenger),
    claimedOutputHash,
    resolver: resolverAddress,
    resolverKind: resolverKindOf(context.contracts, resolverAddress),
    bond,
    status: "OPEN",
    openedBlock: event.block.number,
    openedAt: event.block.timestamp,
    openedTx: event.transaction.hash,
    moveCount: 0,
    votesOperatorAtFault: 0,
    votesOperatorRight: 0,
  });
  await db.update(challengeCommit, { id: disputeId }).set({ status: "REVEALED" });
  await openAccusation(db, commitmentId, Number(leafIndex));
  await updateProtocol(db, event.block.number, (p) => ({ disputes: p.disputes + 1, disputesOpen: p.disputesOpen + 1 }));
});

ponder.on("InferenceLedger:DisputeResolved", async ({ event, context }) => {
  const { db } = context;
  const status = enumName(DisputeStatusNames, event.args.status) as "OPERATOR_FAULT" | "CHALLENGER_FAULT" | "NO_FAULT";
  const d = await db.update(dispute, { id: event.args.disputeId }).set({
    status,
    closedAt: event.block.timestamp,
    closedTx: event.transaction.hash,
  });
  await closeAccusation(db, d.commitmentId, d.leafIndex);
  if (status !== "NO_FAULT") {
    await updateOperator(db, d.operator, (o) =>
      status === "OPERATOR_FAULT" ? { disputesLost: o.disputesLost + 1 } : { disputesWon: o.disputesWon + 1 },
    );
  }
  await updateProtocol(db, event.block.number, (p) => ({ disputesOpen: p.disputesOpen - 1 }));
});

/**
 * Gives every leaf of a commitment (but `except`) its final status. During the backfill the leaves are in
 * Ponder's store, cached when the commitment was indexed: updating them there touches memory only, and Ponder
 * writes the changed rows in bulk when it flushes. Live, they would be read one by one: one set-based UPDATE.
 */
async function setLeafStatuses(db: Db, commitmentId: Hex, count: number, status: "SETTLED" | "VOIDED", at: bigint, except?: number) {
  if (count > 1 && (await indexingLive(db))) {
    const leaves = eq(inference.commitmentId, commitmentId);
    await db.sql
      .update(inference)
      .set({ status, finalizedAt: at })
      .where(except === undefined ? leaves : and(leaves, ne(inference.leafIndex, except)));
    return;
  }
  for (let leafIndex = 0; leafIndex < count; ++leafIndex) {
    if (leafIndex !== except) await db.update(inference, { commitmentId, leafIndex }).set({ status, finalizedAt: at });
  }
}

ponder.on("InferenceLedger:CommitmentSettled", async ({ event, context }) => {
  const { db } = context;
  const c = await db.update(commitment, { id: event.args.commitmentId }).set({
    status: "SETTLED",
    closedBlock: event.block.number,
    closedAt: event.block.timestamp,
    closedTx: event.transaction.hash,
  });
  await setLeafStatuses(db, c.id, c.count, "SETTLED", event.block.timestamp);
  await updateOperator(db, event.args.operator, (o) => ({ bondReserve: o.bondReserve + event.args.bond }));
  await updateProtocol(db, event.block.number, (p) => ({ inferencesSettled: p.inferencesSettled + c.count }));
});

ponder.on("InferenceLedger:CommitmentSlashed", async ({ event, context }) => {
  const { db } = context;
  const { commitmentId, operator, fraudulentLeaf, slashed, reward } = event.args;
  const leaf = Number(fraudulentLeaf);
  const c = await db.update(commitment, { id: commitmentId }).set({
    status: "SLASHED",
    fraudulentLeaf: leaf,
    slashed,
    reward,
    closedBlock: event.block.number,
    closedAt: event.block.timestamp,
    closedTx: event.transaction.hash,
  });
  // The leaf proven wrong (or withheld) is fraudulent; every other leaf of the commitment is void.
  await setLeafStatuses(db, commitmentId, c.count, "VOIDED", event.block.timestamp, leaf);
  await db.update(inference, { commitmentId, leafIndex: leaf }).set({ status: "FRAUDULENT", finalizedAt: event.block.timestamp });
  await db.update(model, { id: c.modelId }).set((m) => ({ fraudulentCount: m.fraudulentCount + 1 }));
  await updateOperator(db, operator, (o) => ({ totalSlashed: o.totalSlashed + slashed }));
  await updateProtocol(db, event.block.number, (p) => ({
    inferencesFraudulent: p.inferencesFraudulent + 1,
    inferencesVoided: p.inferencesVoided + c.count - 1,
    bondsSlashed: p.bondsSlashed + slashed,
  }));
});

ponder.on("InferenceLedger:RewardClaimantChanged", async ({ event, context }) => {
  await context.db.update(commitment, { id: event.args.commitmentId }).set({
    rewardee: lower(event.args.rewardee),
    rewardAccusation: event.args.accusationId,
  });
});

ponder.on("InferenceLedger:ChallengerRewarded", async ({ event, context }) => {
  await context.db.update(commitment, { id: event.args.commitmentId }).set({
    rewardPaid: true,
    rewardee: lower(event.args.rewardee),
    rewardAccusation: event.args.accusationId,
    reward: event.args.reward,
  });
});

ponder.on("InferenceLedger:DataDemanded", async ({ event, context }) => {
  const { db } = context;
  const { demandId, commitmentId, demander, leafIndex, inputHash, deadline, bond } = event.args;
  await db.insert(dataDemand).values({
    id: demandId,
    commitmentId,
    leafIndex: Number(leafIndex),
    demander: lower(demander),
    inputHash,
    deadline: BigInt(deadline),
    bond,
    status: "OPEN",
    openedAt: event.block.timestamp,
    openedTx: event.transaction.hash,
  });
  await db.update(challengeCommit, { id: demandId }).set({ status: "REVEALED" });
  await openAccusation(db, commitmentId, Number(leafIndex));
  await updateProtocol(db, event.block.number, (p) => ({ dataDemandsOpen: p.dataDemandsOpen + 1 }));
});

ponder.on("InferenceLedger:InputPublished", async ({ event, context }) => {
  const { db } = context;
  const d = await db.update(dataDemand, { id: event.args.demandId }).set({
    status: "ANSWERED",
    input: event.args.input,
    closedAt: event.block.timestamp,
  });
  await closeAccusation(db, d.commitmentId, d.leafIndex);
  await updateProtocol(db, event.block.number, (p) => ({ dataDemandsOpen: p.dataDemandsOpen - 1 }));
});

ponder.on("InferenceLedger:DataDemandClosed", async ({ event, context }) => {
  const { db } = context;
  const status = enumName(DataDemandStatusNames, event.args.status) as "COLLECTED" | "WITHHELD";
  const d = await db.update(dataDemand, { id: event.args.demandId }).set((row) => ({
    status,
    closedAt: row.closedAt ?? event.block.timestamp,
  }));
  // An answered demand was released when the input was published; a withheld one closes now, as a fault.
  if (status === "WITHHELD") {
    await closeAccusation(db, d.commitmentId, d.leafIndex);
    const c = await db.find(commitment, { id: d.commitmentId });
    if (c !== null) await updateOperator(db, c.operator, (o) => ({ disputesLost: o.disputesLost + 1 }));
    await updateProtocol(db, event.block.number, (p) => ({ dataDemandsOpen: p.dataDemandsOpen - 1 }));
  }
});

/** The bond reserve is the part of the locked stake not yet behind a commitment. */
async function reserveEvent(
  db: Db,
  kind: "RESERVE_FUNDED" | "RESERVE_RELEASED",
  args: { operator: Hex; amount: bigint; reserve: bigint },
  event: { id: string; block: BlockInfo; transaction: { hash: Hex } },
) {
  const sign = kind === "RESERVE_FUNDED" ? 1n : -1n;
  await updateOperator(db, args.operator, (o) => ({
    freeStake: o.freeStake - sign * args.amount,
    lockedStake: o.lockedStake + sign * args.amount,
    bondReserve: args.reserve,
  }));
  await db.insert(stakeEvent).values({
    id: event.id,
    kind,
    account: lower(args.operator),
    amount: args.amount,
    block: event.block.number,
    timestamp: event.block.timestamp,
    tx: event.transaction.hash,
  });
}

ponder.on("InferenceLedger:BondReserveFunded", async ({ event, context }) => {
  await reserveEvent(context.db, "RESERVE_FUNDED", event.args, event);
});

ponder.on("InferenceLedger:BondReserveReleased", async ({ event, context }) => {
  await reserveEvent(context.db, "RESERVE_RELEASED", event.args, event);
});

ponder.on("InferenceLedger:DataURISet", async ({ event, context }) => {
  await updateOperator(context.db, event.args.operator, () => ({ dataUri: event.args.uri }));
});
