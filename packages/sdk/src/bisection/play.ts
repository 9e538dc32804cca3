// Drives a bisection game on chain with the strategies of player.ts until it ends or stalls. It takes
// plain viem clients and the resolver's ABI from @vinfer/abis, so the same code plays on the tests'
// in-process network and on a real node.
import { bisectionResolverAbi } from "@vinfer/abis";
import type { Account, Address, Chain, Hex, PublicClient, Transport, WalletClient } from "viem";
import { confirmed } from "../receipts.ts";
import { GameStatus, nextMove } from "./player.ts";
import type { GameView, Move, Player, Role } from "./player.ts";

/** A wallet client with its account and chain set, as hardhat-viem and `createWalletClient` give them. */
export type Wallet = WalletClient<Transport, Chain, Account>;
export type Reader = PublicClient<Transport, Chain>;

/** One side of a game and the wallet it moves with. */
export type Side = { player: Player; wallet: Wallet };

export type PlayedMove = { role: Role; move: Move; hash: Hex; gasUsed: bigint };

/** The game of `disputeId` as the resolver at `resolver` reports it. */
export function readGame(client: Reader, resolver: Address, disputeId: bigint): Promise<GameView> {
  return client.readContract({ address: resolver, abi: bisectionResolverAbi, functionName: "getGame", args: [disputeId] });
}

/** Sends `move` for `disputeId` from `wallet`; returns the transaction hash, or undefined for no move. */
export async function submitMove(wallet: Wallet, resolver: Address, disputeId: bigint, move: Move): Promise<Hex | undefined> {
  const call = { address: resolver, abi: bisectionResolverAbi, account: wallet.account, chain: wallet.chain } as const;
  switch (move.type) {
    case "postMidState":
      return wallet.writeContract({ ...call, functionName: "postMidState", args: [disputeId, move.state] });
    case "respond":
      return wallet.writeContract({ ...call, functionName: "respond", args: [disputeId, move.agree] });
    case "proveStep":
      return wallet.writeContract({ ...call, functionName: "proveStep", args: [disputeId, move.witness] });
    case "claimTimeout":
      return wallet.writeContract({ ...call, functionName: "claimTimeout", args: [disputeId] });
    default:
      return undefined;
  }
}

export type PlayOptions = {
  maxMoves?: number;
  /** Called after each mined move with the game as it stood before the move. */
  onMove?: (played: PlayedMove, before: GameView) => void | Promise<void>;
};

/**
 * Alternates both sides' honest moves (per their own traces) until the game is over, or until neither
 * side has a move (a timeout must be waited out). Returns every move with its gas.
 */
export async function playGame(
  client: Reader,
  resolver: Address,
  disputeId: bigint,
  sides: readonly Side[],
  { maxMoves = 100, onMove }: PlayOptions = {},
): Promise<{ moves: PlayedMove[]; game: GameView }> {
  const moves: PlayedMove[] = [];
  for (let i = 0; i < maxMoves; i++) {
    const game = await readGame(client, resolver, disputeId);
    if (game.status === GameStatus.OperatorWon || game.status === GameStatus.ChallengerWon) return { moves, game };
    let moved = false;
    for (const side of sides) {
      const move = nextMove(side.player, game);
      const hash = await submitMove(side.wallet, resolver, disputeId, move);
      if (hash === undefined) continue;
      const receipt = await confirmed(client, hash, `${move.type} of dispute ${disputeId}`);
      const played = { role: side.player.role, move, hash, gasUsed: receipt.gasUsed };
      moves.push(played);
      await onMove?.(played, game);
      moved = true;
      break;
    }
    if (!moved) return { moves, game };
  }
  throw new Error(`game ${disputeId} did not end within ${maxMoves} moves`);
}
