// Public API of @vinfer/sdk: one viem action per protocol operation (actions/), the errors they throw, the
// protocol's contracts and enums, receipt verification, and the bisection game's strategy and driver.
export * from "./actions/index.ts";
export { vinferActions, type VinferActions } from "./vinferActions.ts";
export { getVinferContracts, protocolErrorsAbi, type GetVinferContractsParameters, type VinferContracts } from "./contracts.ts";
export { VinferContractError, VinferError, VinferRpcError, VinferTransactionRevertedError, toVinferError } from "./errors.ts";
export type { WriteClient, WriteResult } from "./internal/transact.ts";
export type { Inference } from "./types.ts";
export type { IndexedReceipt, IndexedReceiptError } from "./indexer.ts";
export { fetchCommitmentData, hexToInt8, int8ToHex, type CommitmentData, type CommitmentDataItem, type FetchCommitmentDataParameters } from "./data.ts";
export { challengeCommitHash, dataDemandKey, randomSalt, type Accusation } from "./accusations/commitHash.ts";
export {
  encodeWitness,
  finalState,
  honestPlayer,
  maxRounds,
  midpoint,
  nextMove,
  whoseTurn,
  type EncodedStepWitness,
  type GameView,
  type Move,
  type Player,
  type Role,
} from "./bisection/player.ts";
export * from "./bisection/play.ts";
export {
  BallotStatus,
  BallotStatusNames,
  ChallengeCommitStatus,
  ChallengeCommitStatusNames,
  CommitmentStatus,
  CommitmentStatusNames,
  DataDemandStatus,
  DataDemandStatusNames,
  DisputeStatus,
  DisputeStatusNames,
  GameStatus,
  GameStatusNames,
  InferenceStatus,
  InferenceStatusNames,
  Outcome,
  OutcomeNames,
  Party,
  PartyNames,
} from "@vinfer/abis";
export type {
  BallotStatusName,
  ChallengeCommitStatusName,
  CommitmentStatusName,
  DataDemandStatusName,
  DisputeStatusName,
  GameStatusName,
  InferenceStatusName,
  OutcomeName,
  PartyName,
} from "@vinfer/abis";
