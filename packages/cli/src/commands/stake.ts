// vinfer stake deposit | withdraw | status | claim
import {
  cancelWithdrawal,
  claim,
  completeWithdrawal,
  deposit,
  getStake,
  requestWithdrawal,
  type VinferContracts,
} from "@vinfer/sdk";
import type { Address, Client } from "viem";
import { parseAddress, parseAmount, type CommandSpec, type Context } from "../config.ts";
import { CliError, NO_KEY, UsageError } from "../errors.ts";
import { isoTime, printJson, printRecord, tokens } from "../output.ts";

/** An account's stake as the command prints it (amounts in tokens, times in unix seconds). */
export type StakeView = {
  account: Address;
  free: string;
  locked: string;
  bondReserve: string;
  withdrawal: { amount: string; readyAt: number };
  credit: string;
};

export async function readStake(client: Client, contracts: VinferContracts, account: Address): Promise<StakeView> {
  const stake = await getStake(client, { contracts, account });
  return {
    account,
    free: tokens(stake.free),
    locked: tokens(stake.locked),
    bondReserve: tokens(stake.bondReserve),
    withdrawal: { amount: tokens(stake.withdrawal.amount), readyAt: Number(stake.withdrawal.readyAt) },
    credit: tokens(stake.credit),
  };
}

export function stakeRows(stake: StakeView): [string, string][] {
  const { amount, readyAt } = stake.withdrawal;
  return [
    ["account", stake.account],
    ["free", stake.free],
    ["locked", stake.locked],
    ["bond reserve", stake.bondReserve],
    ["withdrawing", amount === "0" ? "0" : `${amount} (ready ${isoTime(readyAt)})`],
    ["claimable", stake.credit],
  ];
}

/** Prints what a write did: `{ action, amount, tx, stake }` as JSON, or the same as lines. */
function report(ctx: Context, action: string, label: string, amount: bigint, tx: string, stake: StakeView, extra: Record<string, unknown> = {}) {
  if (ctx.json) printJson({ action, amount: tokens(amount), ...extra, tx, stake });
  else printRecord([[label, tokens(amount)], ...stakeRows(stake), ["tx", tx]]);
}

const depositCommand: CommandSpec = {
  name: "stake deposit",
  summary: "deposit stake from the signing account",
  description: ["Moves <amount> stake tokens into the StakeManager as free stake, approving the token first when needed."],
  args: [{ name: "amount", description: "tokens to deposit (18 decimals: 100, 0.5)" }],
  json: true,
  examples: ["vinfer stake deposit 100 --key-file operator.key"],
  async run(ctx, { args: [amountText] }) {
    const amount = parseAmount(amountText, "amount");
    const client = await ctx.walletClient();
    const contracts = await ctx.contracts();
    const result = await deposit(client, { contracts, amount });
    report(ctx, "deposit", "deposited", amount, result.hash, await readStake(client, contracts, client.account.address));
  },
};

const withdrawCommand: CommandSpec = {
  name: "stake withdraw",
  summary: "request, cancel or complete a withdrawal of free stake",
  description: [
    "With <amount>: moves that much free stake into the unbonding queue; it can be paid out once the",
    "unbonding delay has passed, with --complete. --cancel returns a pending withdrawal to free stake.",
  ],
  args: [{ name: "amount", description: "tokens to withdraw (18 decimals)", optional: true }],
  options: {
    cancel: { type: "boolean", description: "return the pending withdrawal to free stake" },
    complete: { type: "boolean", description: "pay out the pending withdrawal once it is ready" },
  },
  json: true,
  examples: ["vinfer stake withdraw 40", "vinfer stake withdraw --cancel", "vinfer stake withdraw --complete"],
  async run(ctx, { args: [amountText], options }) {
    const chosen = [amountText !== undefined, options.cancel === true, options.complete === true].filter(Boolean).length;
    if (chosen !== 1) throw new UsageError("stake withdraw needs exactly one of <amount>, --cancel or --complete (see vinfer stake withdraw --help)");
    const amount = amountText === undefined ? 0n : parseAmount(amountText, "amount");
    const client = await ctx.walletClient();
    const contracts = await ctx.contracts();
    const account = client.account.address;
    if (options.cancel === true) {
      const pending = (await getStake(client, { contracts, account })).withdrawal.amount;
      const result = await cancelWithdrawal(client, { contracts });
      report(ctx, "cancel withdrawal", "cancelled", pending, result.hash, await readStake(client, contracts, account));
    } else if (options.complete === true) {
      const result = await completeWithdrawal(client, { contracts });
      report(ctx, "complete withdrawal", "withdrawn", result.amount, result.hash, await readStake(client, contracts, account));
    } else {
      const result = await requestWithdrawal(client, { contracts, amount });
      const stake = await readStake(client, contracts, account);
      report(ctx, "request withdrawal", "requested", amount, result.hash, stake, { readyAt: Number(result.readyAt) });
    }
  },
};

const statusCommand: CommandSpec = {
  name: "stake status",
  summary: "show an account's stake, bond reserve, pending withdrawal and claimable credit",
  args: [{ name: "address", description: "the account (default: the signing key's)", optional: true }],
  json: true,
  examples: ["vinfer stake status 0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "vinfer stake status --json"],
  async run(ctx, { args: [addressText] }) {
    let account = addressText === undefined ? undefined : parseAddress(addressText, "address");
    if (account === undefined) {
      account = ctx.account();
      if (account === undefined) throw new CliError(`${NO_KEY}, or name an address`);
    }
    const client = await ctx.publicClient();
    const stake = await readStake(client, await ctx.contracts(), account);
    if (ctx.json) printJson(stake);
    else printRecord(stakeRows(stake));
  },
};

const claimCommand: CommandSpec = {
  name: "stake claim",
  summary: "pull everything credited to the signing account (rewards, returned bonds)",
  json: true,
  examples: ["vinfer stake claim --key-file challenger.key"],
  async run(ctx) {
    const client = await ctx.walletClient();
    const contracts = await ctx.contracts();
    const result = await claim(client, { contracts });
    report(ctx, "claim", "claimed", result.amount, result.hash, await readStake(client, contracts, client.account.address));
  },
};

export const stakeCommands: CommandSpec[] = [depositCommand, withdrawCommand, statusCommand, claimCommand];
