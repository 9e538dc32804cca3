// The StakeManager: every token movement, as a stake event and in the account's record. Free, locked and
// pending stake mirror `stakeOf` and `withdrawalOf`; credit mirrors `creditOf`. Locks and unlocks have no
// event here: the ledger's bond reserve and commitment events carry them (InferenceLedger.ts).
import { ponder } from "ponder:registry";
import type { Context } from "ponder:registry";
import { stakeEvent } from "ponder:schema";
import type { Hex } from "viem";
import { updateOperator } from "./lib/records.ts";

type Kind = (typeof stakeEvent.$inferInsert)["kind"];
type Logged = { id: string; block: { number: bigint; timestamp: bigint }; transaction: { hash: Hex } };

async function record(context: Context, event: Logged, kind: Kind, account: Hex, amount: bigint, payer?: Hex) {
  await context.db.insert(stakeEvent).values({
    id: event.id,
    kind,
    account: account.toLowerCase() as Hex,
    payer: payer?.toLowerCase() as Hex | undefined,
    amount,
    block: event.block.number,
    timestamp: event.block.timestamp,
    tx: event.transaction.hash,
  });
}

ponder.on("StakeManager:Deposited", async ({ event, context }) => {
  const { operator, payer, amount } = event.args;
  await updateOperator(context.db, operator, (o) => ({ freeStake: o.freeStake + amount }));
  await record(context, event, "DEPOSITED", operator, amount, payer);
});

ponder.on("StakeManager:WithdrawalRequested", async ({ event, context }) => {
  const { operator, amount, total, readyAt } = event.args;
  await updateOperator(context.db, operator, (o) => ({
    freeStake: o.freeStake - amount,
    pendingWithdrawal: total,
    withdrawalReadyAt: readyAt,
  }));
  await record(context, event, "WITHDRAWAL_REQUESTED", operator, amount);
});

ponder.on("StakeManager:WithdrawalCancelled", async ({ event, context }) => {
  const { operator, amount } = event.args;
  await updateOperator(context.db, operator, (o) => ({
    freeStake: o.freeStake + amount,
    pendingWithdrawal: 0n,
    withdrawalReadyAt: 0n,
  }));
  await record(context, event, "WITHDRAWAL_CANCELLED", operator, amount);
});

ponder.on("StakeManager:Withdrawn", async ({ event, context }) => {
  const { operator, amount } = event.args;
  await updateOperator(context.db, operator, () => ({ pendingWithdrawal: 0n, withdrawalReadyAt: 0n }));
  await record(context, event, "WITHDRAWN", operator, amount);
});

ponder.on("StakeManager:StakeSlashed", async ({ event, context }) => {
  const { operator, amount } = event.args;
  await updateOperator(context.db, operator, (o) => ({ lockedStake: o.lockedStake - amount }));
  await record(context, event, "SLASHED", operator, amount);
});

ponder.on("StakeManager:BondEscrowed", async ({ event, context }) => {
  await record(context, event, "BOND_ESCROWED", event.args.payer, event.args.amount);
});

ponder.on("StakeManager:Credited", async ({ event, context }) => {
  const { account, amount } = event.args;
  await updateOperator(context.db, account, (o) => ({ credit: o.credit + amount }));
  await record(context, event, "CREDITED", account, amount);
});

ponder.on("StakeManager:Claimed", async ({ event, context }) => {
  const { account, amount } = event.args;
  await updateOperator(context.db, account, (o) => ({ credit: o.credit - amount }));
  await record(context, event, "CLAIMED", account, amount);
});
