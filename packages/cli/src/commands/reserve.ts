// vinfer reserve fund | release: the operator's bond reserve, from which its commitments draw their bonds.
import { fundBondReserve, releaseBondReserve } from "@vinfer/sdk";
import { parseAmount, type CommandSpec, type Context } from "../config.ts";
import { printJson, printRecord, tokens } from "../output.ts";
import { readStake, stakeRows } from "./stake.ts";

async function move(ctx: Context, direction: "fund" | "release", amountText: string) {
  const amount = parseAmount(amountText, "amount");
  const client = await ctx.walletClient();
  const contracts = await ctx.contracts();
  const result = direction === "fund" ? await fundBondReserve(client, { contracts, amount }) : await releaseBondReserve(client, { contracts, amount });
  const stake = await readStake(client, contracts, client.account.address);
  if (ctx.json) {
    printJson({ action: `${direction} reserve`, amount: tokens(amount), reserve: tokens(result.reserve), tx: result.hash, stake });
  } else {
    printRecord([[direction === "fund" ? "funded" : "released", tokens(amount)], ...stakeRows(stake), ["tx", result.hash]]);
  }
}

const fund: CommandSpec = {
  name: "reserve fund",
  summary: "lock free stake into the bond reserve that commitments draw their bonds from",
  args: [{ name: "amount", description: "tokens of free stake to lock (18 decimals)" }],
  json: true,
  examples: ["vinfer reserve fund 50 --key-file operator.key"],
  run: (ctx, { args: [amount] }) => move(ctx, "fund", amount),
};

const release: CommandSpec = {
  name: "reserve release",
  summary: "return part of the bond reserve to free stake",
  args: [{ name: "amount", description: "tokens of the reserve to release (18 decimals)" }],
  json: true,
  examples: ["vinfer reserve release 20 --key-file operator.key"],
  run: (ctx, { args: [amount] }) => move(ctx, "release", amount),
};

export const reserveCommands: CommandSpec[] = [fund, release];
