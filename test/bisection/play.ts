// Drives a bisection game on chain with the strategies of player.ts until it ends or stalls.
import type { Hex } from "@vinfer/runtime";
import { GameStatus, nextMove, submitMove } from "./player.ts";
import type { GameView, Move, Player, Role } from "./player.ts";

export type Side<A> = { player: Player; account: A };

export type PlayedMove = { role: Role; move: Move; hash: Hex; gasUsed: bigint };

type Resolver = Parameters<typeof submitMove>[0] & {
  read: { getGame(args: readonly [bigint]): Promise<GameView> };
};

type ReceiptClient = { waitForTransactionReceipt(args: { hash: Hex }): Promise<{ gasUsed: bigint; status: string }> };

/**
 * Alternates both sides' honest moves (per their own traces) until the game is over, or until neither
 * side has a move (a timeout must be waited out). Returns every move with its gas.
 */
export async function playGame<A>(
  resolver: Resolver,
  client: ReceiptClient,
  disputeId: bigint,
  sides: readonly Side<A>[],
  maxMoves = 100,
): Promise<{ moves: PlayedMove[]; game: GameView }> {
  const moves: PlayedMove[] = [];
  for (let i = 0; i < maxMoves; i++) {
    const game = await resolver.read.getGame([disputeId]);
    if (game.status === GameStatus.OperatorWon || game.status === GameStatus.ChallengerWon) return { moves, game };
    let moved = false;
    for (const side of sides) {
      const move = nextMove(side.player, game);
      const hash = await submitMove(resolver, disputeId, move, side.account);
      if (hash === undefined) continue;
      const receipt = await client.waitForTransactionReceipt({ hash });
      moves.push({ role: side.player.role, move, hash, gasUsed: receipt.gasUsed });
      moved = true;
      break;
    }
    if (!moved) return { moves, game };
  }
  throw new Error(`game ${disputeId} did not end within ${maxMoves} moves`);
}
