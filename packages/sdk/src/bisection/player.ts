// How to play the bisection game of contracts/resolvers/BisectionResolver.sol (docs/bisection-game.md).
// Pure functions: given a side's trace and the game as the contract reports it, they compute the next
// move. Nothing here touches a chain (play.ts does), so tests, benchmarks, the demo and daemons share
// one strategy.
import { EMPTY_VECTOR_HASH, stateHash, stepWitness, trace } from "@vinfer/runtime";
import type { Hex, Int8Model, NeuronLeafFields, StepWitness } from "@vinfer/runtime";
import { GameStatus, Party } from "@vinfer/abis";
import { toHex } from "viem";

/** The fields of IBisectionResolver.Game a player needs, as `getGame` returns them. */
export type GameView = {
  lo: number;
  hi: number;
  deadline: number | bigint;
  status: number;
  stateLo: Hex;
  stateHi: Hex;
  midState: Hex;
};

/** Int8Mlp.StepWitness as the contract takes it. */
export type EncodedStepWitness = {
  layerInput: Hex;
  partialOutputs: Hex;
  leaf: Omit<NeuronLeafFields, "weights"> & { weights: Hex };
  proof: Hex[];
};

export type Move =
  | { type: "postMidState"; step: number; state: Hex }
  | { type: "respond"; step: number; agree: boolean }
  | { type: "proveStep"; step: number; witness: EncodedStepWitness }
  | { type: "claimTimeout" }
  /** Nothing useful to do now: the opponent's move, or a move that could only lose. */
  | { type: "wait" }
  | { type: "done" };

export type Role = "operator" | "challenger";

/** One side of a game. */
export type Player = {
  role: Role;
  /** s_0 … s_T of the trace this side stands by (the operator's ends in its committed output). */
  states: readonly Hex[];
  /** The true witness of step `step`; both sides know the model and the committed input. */
  witness(step: number): StepWitness;
};

const int8Bytes = (v: Int8Array): Hex => toHex(new Uint8Array(v.buffer, v.byteOffset, v.length));

/** A runtime witness in the contract's calldata layout. */
export function encodeWitness(w: StepWitness): EncodedStepWitness {
  return {
    layerInput: int8Bytes(w.layerInput),
    partialOutputs: int8Bytes(w.partialOutputs),
    leaf: {
      layer: w.neuron.layer,
      neuron: w.neuron.neuron,
      layerWidth: w.neuron.layerWidth,
      bias: w.neuron.bias,
      multiplier: w.neuron.multiplier,
      shift: w.neuron.shift,
      relu: w.neuron.relu,
      weights: int8Bytes(w.neuron.weights),
    },
    proof: [...w.proof],
  };
}

export const midpoint = (lo: number, hi: number): number => Math.floor((lo + hi) / 2);

/** Whose move a status waits for. */
export function whoseTurn(status: number): Party {
  if (status === GameStatus.AwaitingMidState || status === GameStatus.AwaitingStepProof) return Party.Operator;
  if (status === GameStatus.AwaitingResponse) return Party.Challenger;
  return Party.None;
}

/** Rounds of a game on a trace of `traceLength` steps in the worst case: ceil(log2 T). */
export function maxRounds(traceLength: number): number {
  return traceLength <= 1 ? 0 : Math.ceil(Math.log2(traceLength));
}

/**
 * The honest move of `player` in `game`. With `now` (a block timestamp), a missed deadline of the
 * opponent becomes a timeout claim.
 */
export function nextMove(player: Player, game: GameView, now?: number | bigint): Move {
  const turn = whoseTurn(game.status);
  if (turn === Party.None) return { type: "done" };
  const mine = (turn === Party.Operator) === (player.role === "operator");
  if (now !== undefined && BigInt(now) > BigInt(game.deadline)) return mine ? { type: "wait" } : { type: "claimTimeout" };

  if (game.status === GameStatus.AwaitingStepProof) {
    // Anyone may prove the step; only the side the proof favours has a reason to.
    const witness = player.witness(game.lo);
    if (witness.stateBefore !== game.stateLo) return { type: "wait" }; // nobody can prove it: the operator times out
    const operatorRight = witness.stateAfter === game.stateHi;
    return operatorRight === (player.role === "operator")
      ? { type: "proveStep", step: game.lo, witness: encodeWitness(witness) }
      : { type: "wait" };
  }
  if (!mine) return { type: "wait" };
  const mid = midpoint(game.lo, game.hi);
  if (game.status === GameStatus.AwaitingMidState) return { type: "postMidState", step: mid, state: player.states[mid] };
  return { type: "respond", step: mid, agree: game.midState === player.states[mid] };
}

/** A side that computed the inference honestly. */
export function honestPlayer(role: Role, model: Int8Model, input: Int8Array): Player {
  return playerWithStates(role, model, input, trace(model, input).states);
}

/** A side standing by `states`, which may differ from the true trace. */
export function playerWithStates(role: Role, model: Int8Model, input: Int8Array, states: readonly Hex[]): Player {
  if (states.length !== model.traceLength + 1) throw new RangeError(`expected ${model.traceLength + 1} states`);
  const witnesses = new Map<number, StepWitness>();
  return {
    role,
    states,
    witness(step) {
      let w = witnesses.get(step);
      if (w === undefined) witnesses.set(step, (w = stepWitness(model, input, step)));
      return w;
    },
  };
}

/** s_T of a trace of `traceLength` steps ending in `outputHash`. */
export const finalState = (traceLength: number, outputHash: Hex): Hex => stateHash(traceLength, outputHash, EMPTY_VECTOR_HASH);

