// Drives a bisection game on chain with the strategies of player.ts until it ends or stalls, through the SDK's
// move actions, so the same code plays on the tests' in-process network and on a real node.
import { bisectionResolverAbi, GameStatus } from "@vinfer/abis";
import type { Address, Client } from "viem";
import { resolverOf, type VinferContracts } from "../contracts.ts";
import { VinferError } from "../errors.ts";
import { read, type WriteClient, type WriteResult } from "../internal/transact.ts";
import { claimTimeout } from "../actions/claimTimeout.ts";
import { postMidState } from "../actions/postMidState.ts";
import { proveStep } from "../actions/proveStep.ts";
import { respond } from "../actions/respond.ts";
import { nextMove } from "./player.ts";
import type { GameView, Move, Player, Role } from "./player.ts";

/** One side of a game and the client it moves with. */
export type Side = { player: Player; client: WriteClient };

export type PlayedMove = WriteResult & { role: Role; move: Move; gasUsed: bigint };

type BisectionContracts = Pick<VinferContracts, "bisectionResolver">;

export type ReadGameParameters = { resolver: Address; disputeId: bigint };

/** The game of `disputeId` as the resolver reports it (`BisectionResolver.getGame`). */
export function readGame(client: Client, { resolver, disputeId }: ReadGameParameters): Promise<GameView> {
  return read<GameView>(client, { address: resolver, abi: bisectionResolverAbi, functionName: "getGame", args: [disputeId] });
}

export type SubmitMoveParameters = { contracts: BisectionContracts; disputeId: bigint; move: Move };

/** Sends `move` through its action and waits for it; undefined when the move is to wait or the game is done. */
export async function submitMove(client: WriteClient, { contracts, disputeId, move }: SubmitMoveParameters): Promise<WriteResult | undefined> {
  switch (move.type) {
    case "postMidState":
      return postMidState(client, { contracts, disputeId, state: move.state });
    case "respond":
      return respond(client, { contracts, disputeId, agree: move.agree });
    case "proveStep":
      return proveStep(client, { contracts, disputeId, witness: move.witness });
    case "claimTimeout":
      return claimTimeout(client, { contracts, disputeId });
    default:
      return undefined;
  }
}

export type PlayGameParameters = {
  contracts: BisectionContracts;
  disputeId: bigint;
  sides: readonly Side[];
  maxMoves?: number;
  /** Called after each mined move with the game as it stood before the move. */
  onMove?: (played: PlayedMove, before: GameView) => void | Promise<void>;
};

/**
 * Alternates both sides' honest moves (per their own traces) until the game is over, or until neither
 * side has a move (a timeout must be waited out). Returns every move with its gas.
 */
export async function playGame(
  client: Client,
  { contracts, disputeId, sides, maxMoves = 100, onMove }: PlayGameParameters,
): Promise<{ moves: PlayedMove[]; game: GameView }> {
  const resolver = resolverOf(contracts, "bisection");
  const moves: PlayedMove[] = [];
  for (let i = 0; i < maxMoves; i++) {
    const game = await readGame(client, { resolver, disputeId });
    if (game.status === GameStatus.OperatorWon || game.status === GameStatus.ChallengerWon) return { moves, game };
    let moved = false;
    for (const side of sides) {
      const move = nextMove(side.player, game);
      const sent = await submitMove(side.client, { contracts, disputeId, move });
      if (sent === undefined) continue;
      const played = { ...sent, role: side.player.role, move, gasUsed: sent.receipt.gasUsed };
      moves.push(played);
      await onMove?.(played, game);
      moved = true;
      break;
    }
    if (!moved) return { moves, game };
  }
  throw new VinferError(`game ${disputeId} did not end within ${maxMoves} moves`);
}
