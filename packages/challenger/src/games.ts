// Plays every open dispute of the daemon to its end as the honest challenger: each tick it reads the game and
// makes the move `nextMove` gives against the latest block's timestamp (a response, the one-step proof when the
// operator will not make it, or a timeout claim when the operator missed its deadline). Nothing about a game is
// kept but its dispute id, resolver and input: the game itself is read from the chain, so a restart resumes it.
import { bisectionResolverAbi } from "@vinfer/abis";
import { DisputeStatus, GameStatus, GameStatusNames, hexToInt8, honestPlayer, nextMove, readGame, submitMove, type Player } from "@vinfer/sdk";
import type { Abi, Address, Hex } from "viem";
import { latestBlock, ledgerView, view } from "./chain.ts";
import { errorText, revertName } from "./log.ts";
import type { AccusationRow } from "./store.ts";
import { Part } from "./part.ts";

type DisputeRecord = { commitmentId: Hex; challenger: Address; leafIndex: number; status: number; resolver: Address };

export class Games extends Part {
  /** Called when a dispute closed (its bond or a reward may have been credited). */
  onCredit: () => void = () => {};
  private readonly players = new Map<string, Player>();

  async tick(): Promise<void> {
    const open = this.store.accusations("challenge", "open");
    if (open.length === 0) return;
    const { timestamp: now } = await latestBlock(this.chain);
    for (const dispute of open) {
      try {
        await this.play(dispute, now);
      } catch (error) {
        this.log({ event: "game.error", disputeId: dispute.accusationId, error: errorText(error), revert: revertName(error) });
      }
    }
  }

  private player(a: AccusationRow): Player | undefined {
    const key = a.accusationId!.toString();
    let player = this.players.get(key);
    if (player === undefined) {
      const commitment = this.store.getCommitment(a.commitmentId)!;
      const resolved = this.models.get(commitment.modelId);
      if (resolved === undefined || a.input === null) return undefined;
      player = honestPlayer("challenger", resolved.model, hexToInt8(a.input));
      this.players.set(key, player);
    }
    return player;
  }

  private async play(a: AccusationRow, now: number): Promise<void> {
    const disputeId = a.accusationId!;
    const resolver = a.resolver!;
    const game = await readGame(this.chain.public, { resolver, disputeId });
    if (game.status === GameStatus.OperatorWon || game.status === GameStatus.ChallengerWon || game.status === GameStatus.None) {
      await this.close(a);
      return;
    }
    const player = this.player(a);
    if (player === undefined) {
      this.log({ event: "game.error", disputeId, error: "no model file or input for this dispute" });
      return;
    }
    const move = nextMove(player, game, now);
    if (move.type === "wait" || move.type === "done") return;
    try {
      const sent = await submitMove(this.chain.wallet, { contracts: { bisectionResolver: resolver }, disputeId, move });
      this.log({
        event: "game.move",
        disputeId,
        move: move.type,
        ...("step" in move ? { step: move.step } : {}),
        ...(move.type === "respond" ? { agree: move.agree } : {}),
        interval: [game.lo, game.hi],
        hash: sent?.hash,
      });
    } catch (error) {
      // A dispute closed outside the game (expired at the ledger) would keep refusing moves: look at it.
      const closed = await this.close(a, true);
      if (!closed) throw error;
      return;
    }
    const after = await readGame(this.chain.public, { resolver, disputeId });
    if (after.status === GameStatus.OperatorWon || after.status === GameStatus.ChallengerWon) await this.close(a);
  }

  /** Records the dispute's outcome once the ledger has it; returns whether it is closed. */
  private async close(a: AccusationRow, quiet = false): Promise<boolean> {
    const disputeId = a.accusationId!;
    const dispute = await ledgerView<DisputeRecord>(this.chain, "getDispute", [disputeId]);
    if (dispute.status === DisputeStatus.Open || dispute.status === DisputeStatus.None) {
      if (!quiet) this.log({ event: "game.error", disputeId, error: "the game is over but the ledger still holds the dispute open" });
      return false;
    }
    const state = dispute.status === DisputeStatus.OperatorFault ? "won" : dispute.status === DisputeStatus.ChallengerFault ? "lost" : "nofault";
    this.store.updateAccusation(a, { state });
    this.players.delete(disputeId.toString());
    this.onCredit();
    const game = await view<{ status: number; lo: number; hi: number }>(this.chain, a.resolver!, bisectionResolverAbi as Abi, "getGame", [disputeId]);
    this.log({
      event: "dispute.closed",
      disputeId,
      commitmentId: a.commitmentId,
      leafIndex: a.leafIndex,
      outcome: state,
      game: GameStatusNames[game.status],
      step: game.lo,
    });
    return true;
  }
}
