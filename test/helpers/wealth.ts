// Every token a party owns anywhere in the protocol, so that tests can assert exact gains and losses.
import type { Address } from "viem";
import type { System } from "./system.ts";

/** Wallet balance + free, locked and unbonding stake + credits waiting to be claimed. */
export async function wealthOf(system: System, account: Address): Promise<bigint> {
  const { token, stakeManager } = system;
  const [balance, stake, withdrawal, credit] = await Promise.all([
    token.read.balanceOf([account]),
    stakeManager.read.stakeOf([account]),
    stakeManager.read.withdrawalOf([account]),
    stakeManager.read.creditOf([account]),
  ]);
  return balance + stake.free + stake.locked + withdrawal.amount + credit;
}

/** Snapshots the wealth of named parties; `delta()` returns each one's change since. */
export async function ledgerOf(system: System, parties: Record<string, Address>) {
  const names = Object.keys(parties);
  const before = await Promise.all(names.map((name) => wealthOf(system, parties[name])));
  return {
    async delta(): Promise<Record<string, bigint>> {
      const after = await Promise.all(names.map((name) => wealthOf(system, parties[name])));
      return Object.fromEntries(names.map((name, i) => [name, after[i] - before[i]]));
    },
  };
}
