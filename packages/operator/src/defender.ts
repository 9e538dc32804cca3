// Plays the operator's side of every bisection game on its commitments: from the stored input, the states of
// the trace it really computed (the true one, or for a cheated request the faulty one it served), one move per
// poll within the move's deadline, and a timeout claim when the challenger misses its own.
import { GameStatus } from "@vinfer/abis";
import { honestPlayer, nextMove, readGame, submitMove, type Player } from "@vinfer/sdk";
import { playerWithStates } from "@vinfer/sdk/testing";
import type { Context } from "./context.ts";
import { faultyStates } from "./inference.ts";
import { errorText } from "./log.ts";
import type { DisputeRow } from "./store.ts";

export type Defender = { tick(isRunning: () => boolean): Promise<void> };

export function createDefender(ctx: Context): Defender {
  const { store, chain, log, model } = ctx;
  const players = new Map<bigint, Player | null>();
  const warned = new Set<string>();

  function warnOnce(key: string, event: string, fields: Record<string, unknown>) {
    if (warned.has(key)) return;
    warned.add(key);
    log.warn(event, fields);
  }

  /** The operator's side of a dispute, from what it stored for the disputed leaf; null when it has nothing. */
  function playerFor(d: DisputeRow): Player | null {
    let player = players.get(d.disputeId);
    if (player !== undefined) return player;
    const batch = store.batchByCommitment(d.commitmentId);
    const request = batch === undefined ? undefined : store.batchRequest(batch.id, d.leafIndex);
    if (request === undefined) player = null;
    else if (request.fault !== undefined) {
      player = playerWithStates("operator", model, request.input, faultyStates(model, request.input, request.fault));
    } else player = honestPlayer("operator", model, request.input);
    players.set(d.disputeId, player);
    return player;
  }

  async function defend(d: DisputeRow): Promise<void> {
    const resolver = d.resolver;
    if (!ctx.bisection || resolver.toLowerCase() !== ctx.modelRecord.resolver.toLowerCase()) {
      warnOnce(`resolver:${d.disputeId}`, "dispute_not_playable", { disputeId: d.disputeId, resolver, reason: "not the model's bisection resolver" });
      return;
    }
    const game = await readGame(chain.publicClient, { resolver, disputeId: d.disputeId });
    if (game.status === GameStatus.OperatorWon || game.status === GameStatus.ChallengerWon) {
      const outcome = game.status === GameStatus.OperatorWon ? "won" : "lost";
      store.setDisputeStatus(d.disputeId, outcome);
      players.delete(d.disputeId);
      log[outcome === "won" ? "info" : "warn"]("dispute_resolved", { disputeId: d.disputeId, commitmentId: d.commitmentId, outcome });
      return;
    }
    if (game.status === GameStatus.None) return;
    const player = playerFor(d);
    if (player === null) {
      warnOnce(`record:${d.disputeId}`, "dispute_without_record", { disputeId: d.disputeId, commitmentId: d.commitmentId, leafIndex: d.leafIndex });
      return;
    }
    const now = ctx.state.head?.timestamp;
    const move = nextMove(player, game, now);
    if (move.type === "wait" || move.type === "done") return;
    const result = await submitMove(chain.walletClient, { contracts: { bisectionResolver: resolver }, disputeId: d.disputeId, move });
    if (result === undefined) return;
    ctx.recordTransaction(move.type, result);
    log.info("dispute_move", {
      disputeId: d.disputeId,
      move: move.type,
      step: "step" in move ? move.step : undefined,
      interval: [game.lo, game.hi],
      txHash: result.hash,
      gasUsed: result.receipt.gasUsed,
    });
  }

  async function tick(isRunning: () => boolean): Promise<void> {
    for (const d of store.openDisputes()) {
      if (!isRunning()) return;
      try {
        await defend(d);
      } catch (error) {
        log.error("dispute_move_failed", { disputeId: d.disputeId, error: errorText(error) });
      }
    }
  }

  return { tick };
}
