// After the games: the challenger reward of a commitment the daemon proved wrong (or found withheld) is paid once
// it is final (`payChallengerReward`: the window closed and no accusation is open), everything credited to the
// daemon is claimed (`claim`), and commitments it re-executed and found right are settled once their window
// closed (`settleMany`), so an honest operator's bond does not wait on anyone else.
import { claim, CommitmentStatus, payChallengerReward, settleMany } from "@vinfer/sdk";
import { getAddress, type Address, type Hex } from "viem";
import { commitmentOf, latestBlock, ledgerView, stakeView } from "./chain.ts";
import { revertName } from "./log.ts";
import { Part } from "./part.ts";

/** Commitments settled in one settleMany at most. */
const SETTLE_BATCH = 100;

type Tally = { open: number; fraudulentLeaf: number; rewardee: Address; rewardAccusation: bigint | number; rewardPaid: boolean };

export class Payouts extends Part {
  /** Whether something may have been credited to the daemon since it last looked. */
  creditPending = true;

  async tick(): Promise<void> {
    const { timestamp: now } = await latestBlock(this.chain);
    await this.rewards(now);
    await this.claimCredit();
    await this.settle(now);
  }

  private async rewards(now: number): Promise<void> {
    for (const c of this.store.rewardCandidates()) {
      const onChain = await commitmentOf(this.chain, c.id);
      if (onChain.status !== CommitmentStatus.Slashed) continue;
      const tally = await ledgerView<Tally>(this.chain, "getDisputeTally", [c.id]);
      const ours = getAddress(tally.rewardee) === getAddress(this.chain.address);
      if (tally.rewardPaid) {
        this.store.markRewardDone(c.id);
        if (ours) this.creditPending = true;
        this.log({ event: "reward.paid", commitmentId: c.id, to: ours ? "this challenger" : getAddress(tally.rewardee), by: "the ledger, when the last accusation closed" });
        continue;
      }
      if (tally.open !== 0 || now <= Number(onChain.challengeDeadline)) continue; // not final yet
      if (!ours) {
        // An accusation committed earlier than ours was proven right too: the reward is someone else's.
        this.store.markRewardDone(c.id);
        this.log({ event: "reward.paid", commitmentId: c.id, to: getAddress(tally.rewardee) });
        continue;
      }
      try {
        const { hash } = await payChallengerReward(this.chain.wallet, { contracts: this.chain.contracts, commitmentId: c.id });
        this.store.markRewardDone(c.id);
        this.creditPending = true;
        this.log({ event: "reward.paid", commitmentId: c.id, to: "this challenger", hash });
      } catch (error) {
        if (revertName(error) === "LedgerNoReward") this.store.markRewardDone(c.id);
        else throw error;
      }
    }
  }

  private async claimCredit(): Promise<void> {
    if (!this.creditPending) return;
    const credit = await stakeView<bigint>(this.chain, "creditOf", [this.chain.address]);
    if (credit > 0n) {
      const { amount, hash } = await claim(this.chain.wallet, { contracts: this.chain.contracts });
      this.log({ event: "credit.claimed", amount, hash });
    }
    this.creditPending = false;
  }

  private async settle(now: number): Promise<void> {
    const due = this.store.settleable(now, SETTLE_BATCH);
    if (due.length === 0) return;
    const ready: Hex[] = [];
    for (const c of due) {
      const onChain = await commitmentOf(this.chain, c.id);
      if (onChain.status === CommitmentStatus.Pending) ready.push(c.id);
      else if (onChain.status === CommitmentStatus.Settled || onChain.status === CommitmentStatus.Slashed) this.store.markSettled(c.id);
      // Disputed by someone else: settlement waits until the disputes close.
    }
    if (ready.length === 0) return;
    // Those skipped (disputed or settled in between) are looked at again next time.
    const { settled, hash } = await settleMany(this.chain.wallet, { contracts: this.chain.contracts, commitmentIds: ready });
    for (const id of settled) this.store.markSettled(id);
    this.log({ event: "commitments.settled", settled: settled.length, commitmentIds: settled, hash });
  }
}
