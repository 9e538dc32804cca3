// The rows the page reads from the indexer's GraphQL (BigInt columns arrive as decimal strings).
import type { Address, Hex } from "viem";

export type Protocol = {
  models: number;
  commitments: number;
  inferencesCommitted: number;
  inferencesSettled: number;
  inferencesFraudulent: number;
  inferencesVoided: number;
  bondsSlashed: string;
  disputes: number;
  disputesOpen: number;
  dataDemandsOpen: number;
  lastBlock: string;
};

export type Model = {
  id: Hex;
  owner: Address;
  weightsRoot: Hex;
  profileHash: Hex;
  traceLength: number;
  resolver: Address;
  resolverKind: string;
  challengeWindow: number;
  bondPerInference: string;
  challengerBond: string;
  uri: string;
  deprecated: boolean;
  inferenceCount: number;
  fraudulentCount: number;
};

export type Operator = {
  id: Address;
  freeStake: string;
  lockedStake: string;
  bondReserve: string;
  pendingWithdrawal: string;
  credit: string;
  totalSlashed: string;
  commitmentCount: number;
  inferenceCount: number;
  disputesWon: number;
  disputesLost: number;
  dataUri: string | null;
};

export type Commitment = {
  id: Hex;
  modelId: Hex;
  operator: Address;
  root: Hex;
  count: number;
  batch: boolean;
  bond: string;
  challengeDeadline: string;
  status: string;
  openAccusations: number;
  fraudulentLeaf: number | null;
  slashed: string | null;
  committedBlock: string;
  committedAt: string;
  committedTx: Hex;
  closedAt: string | null;
};

export type Inference = {
  commitmentId: Hex;
  leafIndex: number;
  requestId: Hex;
  inputHash: Hex;
  outputHash: Hex;
  leaf: Hex;
  modelId: Hex;
  operator: Address;
  status: string;
  conflict: boolean;
  committedBlock: string;
  committedAt: string;
  finalizedAt: string | null;
};

export type Dispute = {
  id: string;
  commitmentId: Hex;
  leafIndex: number;
  modelId: Hex;
  operator: Address;
  challenger: Address;
  claimedOutputHash: Hex;
  resolver: Address;
  resolverKind: string;
  bond: string;
  status: string;
  openedAt: string;
  openedTx: Hex;
  closedAt: string | null;
  traceLength: number | null;
  lo: number | null;
  hi: number | null;
  moveDeadline: string | null;
  moveCount: number;
  provenStep: number | null;
  computedState: Hex | null;
  claimedState: Hex | null;
  stepOutput: number | null;
  stepLayer: number | null;
  stepNeuron: number | null;
  stepLayerWidth: number | null;
  timedOutParty: string | null;
  gameStatus: string | null;
  ballotDeadline: string | null;
  ballotStatus: string | null;
  votesOperatorAtFault: number;
  votesOperatorRight: number;
};

export type Move = {
  seq: number;
  kind: string;
  step: number | null;
  state: Hex | null;
  agreed: boolean | null;
  lo: number | null;
  hi: number | null;
  deadline: string | null;
  party: string | null;
  computedState: Hex | null;
  claimedState: Hex | null;
  output: number | null;
  layer: number | null;
  neuron: number | null;
  layerWidth: number | null;
  outcome: string | null;
  sender: Address;
  gasUsed: string;
  timestamp: string;
  tx: Hex;
};

export type Vote = { arbiter: Address; operatorAtFault: boolean; timestamp: string; tx: Hex };

/** The indexer's `GET /receipts/:requestId` answer. */
export type Receipt = {
  chainId: number;
  ledger: Address;
  requestId: Hex;
  operator: Address;
  modelId: Hex;
  commitmentId: Hex;
  leafIndex: number;
  count: number;
  inference: { requestId: Hex; inputHash: Hex; outputHash: Hex };
  leaf: Hex;
  proof: Hex[];
  root: Hex;
  status: string;
  commitmentStatus: string;
  challengeDeadline: string;
  committedBlock: string;
  committedTx: Hex;
  conflict: boolean;
};

export type Page<T> = { items: T[] };
