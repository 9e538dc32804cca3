// What the indexer stores, keyed by the protocol's own ids. Ponder derives the GraphQL API from these
// tables; the indexes match the filters and orders a dApp uses (inferences by status, model, operator or
// request id, newest first) so that a page is an index scan, never a sort of the whole table.
import { index, onchainEnum, onchainTable, primaryKey, relations } from "ponder";

/** The ledger's `CommitmentStatus`, without `None`. */
export const commitmentStatus = onchainEnum("commitment_status", ["PENDING", "DISPUTED", "SETTLED", "SLASHED"]);
/** The ledger's `InferenceStatus`, without `None`: exactly what `inferenceStatus(commitmentId, leaf)` returns. */
export const inferenceStatus = onchainEnum("inference_status", ["PENDING", "DISPUTED", "SETTLED", "FRAUDULENT", "VOIDED"]);
/** The ledger's `DisputeStatus`, without `None`. */
export const disputeStatus = onchainEnum("dispute_status", ["OPEN", "OPERATOR_FAULT", "CHALLENGER_FAULT", "NO_FAULT"]);
/** Which of the protocol's resolvers decides a model's disputes. */
export const resolverKind = onchainEnum("resolver_kind", ["BISECTION", "COMMITTEE", "OTHER"]);
/** The ledger's `ChallengeCommitStatus`, without `None`. */
export const challengeCommitStatus = onchainEnum("challenge_commit_status", ["COMMITTED", "REVEALED", "FORFEITED"]);
/** The ledger's `DataDemandStatus`, without `None`. */
export const dataDemandStatus = onchainEnum("data_demand_status", ["OPEN", "ANSWERED", "COLLECTED", "WITHHELD"]);
/** One event of the bisection game. */
export const moveKind = onchainEnum("move_kind", ["STARTED", "MID_STATE", "ANSWER", "STEP", "TIMEOUT", "ENDED"]);
/** A movement of tokens or stake in the StakeManager, or of an operator's bond reserve in the ledger. */
export const stakeEventKind = onchainEnum("stake_event_kind", [
  "DEPOSITED",
  "WITHDRAWAL_REQUESTED",
  "WITHDRAWAL_CANCELLED",
  "WITHDRAWN",
  "SLASHED",
  "BOND_ESCROWED",
  "CREDITED",
  "CLAIMED",
  "RESERVE_FUNDED",
  "RESERVE_RELEASED",
]);

/** The protocol's totals: one row, id "vinfer". */
export const protocol = onchainTable("protocol", (t) => ({
  id: t.text().primaryKey(),
  models: t.integer().notNull(),
  commitments: t.integer().notNull(),
  inferencesCommitted: t.integer().notNull(),
  inferencesSettled: t.integer().notNull(),
  inferencesFraudulent: t.integer().notNull(),
  inferencesVoided: t.integer().notNull(),
  bondsSlashed: t.bigint().notNull(),
  disputes: t.integer().notNull(),
  disputesOpen: t.integer().notNull(),
  dataDemandsOpen: t.integer().notNull(),
  lastBlock: t.bigint().notNull(),
}));

export const model = onchainTable(
  "model",
  (t) => ({
    id: t.hex().primaryKey(),
    owner: t.hex().notNull(),
    index: t.integer().notNull(),
    weightsRoot: t.hex().notNull(),
    profileHash: t.hex().notNull(),
    traceLength: t.integer().notNull(),
    resolver: t.hex().notNull(),
    resolverKind: resolverKind("resolver_kind").notNull(),
    challengeWindow: t.integer().notNull(),
    bondPerInference: t.bigint().notNull(),
    challengerBond: t.bigint().notNull(),
    uri: t.text().notNull(),
    deprecated: t.boolean().notNull(),
    // Counts are named *Count: `inferences` is the relation to the rows themselves.
    inferenceCount: t.integer().notNull(),
    fraudulentCount: t.integer().notNull(),
    registeredBlock: t.bigint().notNull(),
    registeredAt: t.bigint().notNull(),
    registeredTx: t.hex().notNull(),
  }),
  (table) => ({ ownerIdx: index().on(table.owner) }),
);

/** Every account the StakeManager or the ledger moved tokens for: operators, and challengers' credits. */
export const operator = onchainTable("operator", (t) => ({
  id: t.hex().primaryKey(),
  freeStake: t.bigint().notNull(),
  lockedStake: t.bigint().notNull(),
  bondReserve: t.bigint().notNull(),
  pendingWithdrawal: t.bigint().notNull(),
  withdrawalReadyAt: t.bigint().notNull(),
  credit: t.bigint().notNull(),
  totalSlashed: t.bigint().notNull(),
  // Counts are named *Count: `commitments` and `inferences` are the relations to the rows themselves.
  commitmentCount: t.integer().notNull(),
  inferenceCount: t.integer().notNull(),
  disputesWon: t.integer().notNull(),
  disputesLost: t.integer().notNull(),
  dataUri: t.text(),
}));

export const commitment = onchainTable(
  "commitment",
  (t) => ({
    id: t.hex().primaryKey(),
    modelId: t.hex().notNull(),
    operator: t.hex().notNull(),
    root: t.hex().notNull(),
    count: t.integer().notNull(),
    batch: t.boolean().notNull(),
    bond: t.bigint().notNull(),
    challengeDeadline: t.bigint().notNull(),
    status: commitmentStatus("status").notNull(),
    /** Disputes and data demands not yet closed (the ledger's `DisputeTally.open`). */
    openAccusations: t.integer().notNull(),
    fraudulentLeaf: t.integer(),
    slashed: t.bigint(),
    reward: t.bigint(),
    rewardee: t.hex(),
    rewardAccusation: t.bigint(),
    rewardPaid: t.boolean().notNull(),
    committedBlock: t.bigint().notNull(),
    committedAt: t.bigint().notNull(),
    committedTx: t.hex().notNull(),
    closedBlock: t.bigint(),
    closedAt: t.bigint(),
    closedTx: t.hex(),
  }),
  (table) => ({
    operatorIdx: index().on(table.operator, table.committedBlock),
    modelIdx: index().on(table.modelId, table.committedBlock),
    statusIdx: index().on(table.status, table.challengeDeadline),
  }),
);

/** One row per committed leaf. */
export const inference = onchainTable(
  "inference",
  (t) => ({
    commitmentId: t.hex().notNull(),
    leafIndex: t.integer().notNull(),
    requestId: t.hex().notNull(),
    inputHash: t.hex().notNull(),
    outputHash: t.hex().notNull(),
    leaf: t.hex().notNull(),
    modelId: t.hex().notNull(),
    operator: t.hex().notNull(),
    status: inferenceStatus("status").notNull(),
    /** Disputes and data demands open on this leaf (the ledger's `_openByLeaf`). */
    openAccusations: t.integer().notNull(),
    /** The same operator committed the same request id with a different output elsewhere. */
    conflict: t.boolean().notNull(),
    committedBlock: t.bigint().notNull(),
    committedAt: t.bigint().notNull(),
    finalizedAt: t.bigint(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.commitmentId, table.leafIndex] }),
    statusIdx: index().on(table.status, table.commitmentId, table.leafIndex),
    requestIdx: index().on(table.requestId, table.operator),
    operatorIdx: index().on(table.operator, table.status),
    modelIdx: index().on(table.modelId, table.status),
    committedIdx: index().on(table.committedBlock),
  }),
);

/** The first commitment of each (operator, request id): how a later duplicate finds it. */
export const request = onchainTable(
  "request",
  (t) => ({
    operator: t.hex().notNull(),
    requestId: t.hex().notNull(),
    commitmentId: t.hex().notNull(),
    leafIndex: t.integer().notNull(),
    outputHash: t.hex().notNull(),
    commits: t.integer().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.operator, table.requestId] }) }),
);

/** A challenge commit (`commitChallenge`): hidden until revealed as a dispute or a data demand of the same id. */
export const challengeCommit = onchainTable(
  "challenge_commit",
  (t) => ({
    id: t.bigint().primaryKey(),
    commitHash: t.hex().notNull(),
    challenger: t.hex().notNull(),
    revealDeadline: t.bigint().notNull(),
    deposit: t.bigint().notNull(),
    status: challengeCommitStatus("status").notNull(),
    committedAt: t.bigint().notNull(),
    committedTx: t.hex().notNull(),
  }),
  (table) => ({ challengerIdx: index().on(table.challenger) }),
);

export const dispute = onchainTable(
  "dispute",
  (t) => ({
    id: t.bigint().primaryKey(),
    commitmentId: t.hex().notNull(),
    leafIndex: t.integer().notNull(),
    modelId: t.hex().notNull(),
    operator: t.hex().notNull(),
    challenger: t.hex().notNull(),
    claimedOutputHash: t.hex().notNull(),
    resolver: t.hex().notNull(),
    resolverKind: resolverKind("resolver_kind").notNull(),
    bond: t.bigint().notNull(),
    status: disputeStatus("status").notNull(),
    openedBlock: t.bigint().notNull(),
    openedAt: t.bigint().notNull(),
    openedTx: t.hex().notNull(),
    closedAt: t.bigint(),
    closedTx: t.hex(),
    // The bisection game: the interval [lo, hi] still disputed, whose move is next and until when.
    traceLength: t.integer(),
    lo: t.integer(),
    hi: t.integer(),
    moveDeadline: t.bigint(),
    moveCount: t.integer().notNull(),
    /** The step executed on chain, its computed and claimed states and the neuron's output. */
    provenStep: t.integer(),
    computedState: t.hex(),
    claimedState: t.hex(),
    stepOutput: t.integer(),
    /** The neuron re-executed (layer, index in the layer, the layer's width), from the proveStep call's witness;
     * null when the call came through another contract. */
    stepLayer: t.integer(),
    stepNeuron: t.integer(),
    stepLayerWidth: t.integer(),
    timedOutParty: t.text(),
    /** The game's `GameStatus` once it ended (OPERATOR_WON or CHALLENGER_WON). */
    gameStatus: t.text(),
    // The committee ballot.
    ballotDeadline: t.bigint(),
    /** The ballot's `BallotStatus` (VOTING, DECIDED or NO_QUORUM). */
    ballotStatus: t.text(),
    votesOperatorAtFault: t.integer().notNull(),
    votesOperatorRight: t.integer().notNull(),
  }),
  (table) => ({
    commitmentIdx: index().on(table.commitmentId, table.leafIndex),
    statusIdx: index().on(table.status),
    challengerIdx: index().on(table.challenger),
    operatorIdx: index().on(table.operator),
  }),
);

/** One event of a bisection game, in order (`seq`). */
export const bisectionMove = onchainTable(
  "bisection_move",
  (t) => ({
    disputeId: t.bigint().notNull(),
    seq: t.integer().notNull(),
    kind: moveKind("kind").notNull(),
    /** The midpoint posted or answered, or the step proven. */
    step: t.integer(),
    state: t.hex(),
    agreed: t.boolean(),
    /** The interval after the move. */
    lo: t.integer(),
    hi: t.integer(),
    deadline: t.bigint(),
    party: t.text(),
    computedState: t.hex(),
    claimedState: t.hex(),
    output: t.integer(),
    /** STEP: the neuron re-executed, from the proveStep call's witness (null when called through a contract). */
    layer: t.integer(),
    neuron: t.integer(),
    layerWidth: t.integer(),
    outcome: t.text(),
    sender: t.hex().notNull(),
    gasUsed: t.bigint().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    tx: t.hex().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.disputeId, table.seq] }) }),
);

export const committeeVote = onchainTable(
  "committee_vote",
  (t) => ({
    disputeId: t.bigint().notNull(),
    arbiter: t.hex().notNull(),
    operatorAtFault: t.boolean().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    tx: t.hex().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.disputeId, table.arbiter] }) }),
);

export const dataDemand = onchainTable(
  "data_demand",
  (t) => ({
    id: t.bigint().primaryKey(),
    commitmentId: t.hex().notNull(),
    leafIndex: t.integer().notNull(),
    demander: t.hex().notNull(),
    inputHash: t.hex().notNull(),
    deadline: t.bigint().notNull(),
    bond: t.bigint().notNull(),
    status: dataDemandStatus("status").notNull(),
    /** The input the operator published (checked on chain against `inputHash`). */
    input: t.hex(),
    openedAt: t.bigint().notNull(),
    openedTx: t.hex().notNull(),
    closedAt: t.bigint(),
  }),
  (table) => ({ commitmentIdx: index().on(table.commitmentId, table.leafIndex) }),
);

export const stakeEvent = onchainTable(
  "stake_event",
  (t) => ({
    id: t.text().primaryKey(),
    kind: stakeEventKind("kind").notNull(),
    account: t.hex().notNull(),
    payer: t.hex(),
    amount: t.bigint().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    tx: t.hex().notNull(),
  }),
  (table) => ({ accountIdx: index().on(table.account, table.block) }),
);

/** Resolvers governance approved (and revoked) for models to name. */
export const resolver = onchainTable("resolver", (t) => ({
  id: t.hex().primaryKey(),
  kind: resolverKind("kind").notNull(),
  approved: t.boolean().notNull(),
  changedAt: t.bigint().notNull(),
}));

// Relations: what GraphQL follows from one row to another (an inference's commitment and disputes, a
// dispute's moves and votes, an operator's commitments).
export const modelRelations = relations(model, ({ many }) => ({
  commitments: many(commitment),
  inferences: many(inference),
}));
export const operatorRelations = relations(operator, ({ many }) => ({
  commitments: many(commitment),
  inferences: many(inference),
  stakeEvents: many(stakeEvent),
}));
export const commitmentRelations = relations(commitment, ({ one, many }) => ({
  model: one(model, { fields: [commitment.modelId], references: [model.id] }),
  operatorRecord: one(operator, { fields: [commitment.operator], references: [operator.id] }),
  inferences: many(inference),
  disputes: many(dispute),
  dataDemands: many(dataDemand),
}));
export const inferenceRelations = relations(inference, ({ one, many }) => ({
  commitment: one(commitment, { fields: [inference.commitmentId], references: [commitment.id] }),
  model: one(model, { fields: [inference.modelId], references: [model.id] }),
  operatorRecord: one(operator, { fields: [inference.operator], references: [operator.id] }),
  disputes: many(dispute),
}));
export const disputeRelations = relations(dispute, ({ one, many }) => ({
  commitment: one(commitment, { fields: [dispute.commitmentId], references: [commitment.id] }),
  inference: one(inference, {
    fields: [dispute.commitmentId, dispute.leafIndex],
    references: [inference.commitmentId, inference.leafIndex],
  }),
  moves: many(bisectionMove),
  votes: many(committeeVote),
}));
export const bisectionMoveRelations = relations(bisectionMove, ({ one }) => ({
  dispute: one(dispute, { fields: [bisectionMove.disputeId], references: [dispute.id] }),
}));
export const committeeVoteRelations = relations(committeeVote, ({ one }) => ({
  dispute: one(dispute, { fields: [committeeVote.disputeId], references: [dispute.id] }),
}));
export const dataDemandRelations = relations(dataDemand, ({ one }) => ({
  commitment: one(commitment, { fields: [dataDemand.commitmentId], references: [commitment.id] }),
}));
export const stakeEventRelations = relations(stakeEvent, ({ one }) => ({
  operatorRecord: one(operator, { fields: [stakeEvent.account], references: [operator.id] }),
}));
