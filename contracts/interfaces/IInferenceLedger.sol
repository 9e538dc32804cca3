// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IDisputeResolver} from "./IDisputeResolver.sol";
import {IModelRegistry} from "./IModelRegistry.sol";
import {IStakeManager} from "./IStakeManager.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IInferenceLedger
/// @notice Operators commit, with stake behind them, to what a model computed for a request; anyone may
/// challenge a commitment inside its window; commitments nobody proved wrong settle.
/// @dev A commitment touches only the ledger's own storage and costs one new slot: its id is
/// `keccak256(abi.encode(modelId, operator, root))` and its record packs everything else settlement
/// needs. The root and every leaf appear in events; a challenge recomputes the root from a Merkle proof
/// and must land on the id. Bonds come from the operator's bond reserve (stake locked in the stake
/// manager once, in bulk) and settled bonds return to it, so no commitment pays for a call to another
/// contract; the registry pushes each model's commit terms here when it registers or deprecates one.
///
/// Accusations (challenges and data demands) are committed before they are revealed: a challenger first posts
/// a hash of its accusation with the protocol's challenge deposit ({commitChallenge}), then reveals it within
/// the reveal window and inside the commitment's challenge window ({challenge} or {demandData}). The commit's
/// sequence number is the accusation's id and its priority: whichever accusation proves the operator at fault
/// first, the challenger reward of a slashed commitment goes to the proven accusation committed earliest, so
/// an operator that sees an accusation coming cannot buy its way out by front-running it or by resolving a
/// later one of its own first.
interface IInferenceLedger {
    /// @notice The protocol parameters, fixed at deployment.
    struct Config {
        uint32 minChallengeWindow; // the shortest challenge window a model may have, in seconds
        uint32 maxChallengeWindow; // the longest challenge window a model may have, in seconds
        uint32 maxDisputeDuration; // the longest dispute a model's resolver may run, in seconds
        uint32 revealWindow; // seconds a challenge commit has to be revealed (and never past the challenge deadline)
        uint32 dataAnswerWindow; // seconds an operator has to publish a demanded input
        uint64 unbondingDelay; // seconds a withdrawal waits; outlasts any window, reveal, answer and dispute
        uint16 challengerRewardBps; // share of a slashed bond credited to the winning challenger
        uint16 challengerBurnBps; // share of a losing or unproven accusation's bond credited to the treasury
        uint96 challengeDeposit; // posted with every challenge commit; the least challenger bond a model may ask
        IERC20 stakeToken; // the ERC-20 operators stake and challengers bond in
        address treasury; // where slashed stake, burned shares and forfeited deposits are credited
        address governance; // may approve the dispute resolvers models can name
    }
    /// @notice One committed inference: the leaf preimage.
    struct Inference {
        bytes32 requestId; // chosen by the requester (or the hash of its signed request); unique per operator
        bytes32 inputHash; // H(input) under the model's profile
        bytes32 outputHash; // H(output) under the model's profile
    }

    /// @notice The lifecycle of a commitment.
    enum CommitmentStatus {
        /// Never committed.
        None,
        /// Bond locked; open to challenges until the deadline, settleable after it.
        Pending,
        /// At least one dispute is open; settlement waits until every one has closed.
        Disputed,
        /// No fault was found by the deadline; the bond went back to free stake. Terminal.
        Settled,
        /// The operator lost a dispute; the whole bond was slashed. Terminal.
        Slashed
    }

    /// @notice The status of one inference inside a commitment.
    enum InferenceStatus {
        /// No such inference.
        None,
        /// Its commitment is open and nobody disputes it.
        Pending,
        /// A dispute on this very inference is open.
        Disputed,
        /// Its commitment settled: the result stands.
        Settled,
        /// Proven wrong in a dispute.
        Fraudulent,
        /// Another inference of its batch was proven wrong: no bond stands behind it any more.
        Voided
    }

    /// @notice The lifecycle of a dispute.
    enum DisputeStatus {
        /// No such dispute.
        None,
        /// Waiting for its resolver.
        Open,
        /// The operator's output was proven wrong (or it missed a move): its commitment is slashed. Terminal.
        OperatorFault,
        /// The challenger's claim was wrong; its bond went to the operator less the burned share. Terminal.
        ChallengerFault,
        /// Nothing was shown either way (no quorum, or the resolver never reported); the bond was refunded less
        /// the burned share, so that holding a commitment open is never free. Terminal.
        NoFault
    }

    /// @notice The lifecycle of a challenge commit.
    enum ChallengeCommitStatus {
        /// Never committed.
        None,
        /// The deposit is in escrow; the commit may be revealed until its reveal deadline.
        Committed,
        /// Revealed as a challenge or a data demand. Terminal.
        Revealed,
        /// Never revealed in time: the deposit went to the treasury. Terminal.
        Forfeited
    }

    /// @notice The lifecycle of a data demand.
    enum DataDemandStatus {
        /// No such demand.
        None,
        /// The operator must publish the demanded input before the deadline.
        Open,
        /// The input was published; the demander's deposit awaits {collectDataDemand}.
        Answered,
        /// The deposit was credited to the operator. Terminal.
        Collected,
        /// Nobody published the input in time: the commitment was slashed as if at fault. Terminal.
        Withheld
    }

    /// @notice A commitment as stored: one slot.
    struct Commitment {
        address operator; // who committed and whose stake backs it
        uint40 challengeDeadline; // challenges are accepted up to and including this timestamp
        CommitmentStatus status; // see {CommitmentStatus}
        uint24 count; // inferences in the commitment
        uint24 modelIndex; // the model's registration number in the registry
    }

    /// @notice Accusation bookkeeping of a commitment in one slot, written only when it is accused.
    struct DisputeTally {
        uint24 open; // accusations (disputes and data demands) not yet closed
        uint16 fraudulentLeaf; // the leaf proven wrong (or withheld) first, when the commitment is slashed
        address rewardee; // the challenger of the earliest-committed accusation proven right so far
        uint48 rewardAccusation; // that accusation's id (its commit's sequence number)
        bool rewardPaid; // the challenger reward was credited to `rewardee`
    }

    /// @notice A challenge commit as stored: one slot.
    struct ChallengeCommit {
        uint48 id; // the sequence number: the id of the dispute or demand it reveals, and its priority
        uint40 committedAt; // when the deposit was posted
        ChallengeCommitStatus status; // see {ChallengeCommitStatus}
    }

    /// @notice A data demand as stored: one slot, keyed by {computeDemandKey}.
    struct DataDemand {
        address demander; // who revealed it; its deposit is the demand's bond
        uint40 deadline; // the input is accepted up to and including this timestamp
        DataDemandStatus status; // see {DataDemandStatus}
    }

    /// @notice A dispute as {getDispute} returns it (the bond and resolver are the model's).
    struct Dispute {
        bytes32 commitmentId; // the disputed commitment
        address challenger; // who opened it and posted the bond
        uint24 leafIndex; // the disputed inference
        uint40 openedAt; // when it was revealed
        DisputeStatus status; // see {DisputeStatus}
        uint96 bond; // the challenger's bond (deposit included), in escrow while open
        IDisputeResolver resolver; // who decides it
    }

    /// @notice Emitted when an operator commits one inference (the commitment's root is its leaf).
    event InferenceCommitted(
        bytes32 indexed commitmentId,
        bytes32 indexed modelId,
        address indexed operator,
        bytes32 requestId,
        bytes32 inputHash,
        bytes32 outputHash,
        uint40 challengeDeadline,
        uint256 bond
    );

    /// @notice Emitted when an operator commits a batch; `items` lists every leaf in order.
    event BatchCommitted(
        bytes32 indexed commitmentId,
        bytes32 indexed modelId,
        address indexed operator,
        bytes32 root,
        uint40 challengeDeadline,
        uint256 bond,
        Inference[] items
    );

    /// @notice Emitted when a challenger commits to an accusation it will reveal as dispute or demand `id`.
    event ChallengeCommitted(
        uint256 indexed id, bytes32 indexed commitHash, address indexed challenger, uint40 revealDeadline, uint256 deposit
    );

    /// @notice Emitted when a challenge commit was not revealed in time and its deposit went to the treasury.
    event ChallengeCommitForfeited(uint256 indexed id, bytes32 indexed commitHash, uint256 deposit);

    /// @notice Emitted when a challenger disputes inference `leafIndex` of a commitment.
    event DisputeOpened(
        uint256 indexed disputeId,
        bytes32 indexed commitmentId,
        address indexed challenger,
        uint256 leafIndex,
        bytes32 claimedOutputHash,
        address resolver,
        uint256 bond
    );

    /// @notice Emitted when a dispute closes with `status`.
    event DisputeResolved(uint256 indexed disputeId, bytes32 indexed commitmentId, DisputeStatus status);

    /// @notice Emitted when a commitment settles and its bond returns to the operator's bond reserve.
    event CommitmentSettled(bytes32 indexed commitmentId, address indexed operator, uint256 bond);

    /// @notice Emitted when a commitment is slashed because accusation `accusationId` proved inference
    /// `fraudulentLeaf` wrong (or its input withheld). `reward` stays in escrow for the challenger of the
    /// earliest-committed accusation proven right ({ChallengerRewarded}); the rest went to the treasury.
    event CommitmentSlashed(
        bytes32 indexed commitmentId,
        address indexed operator,
        uint256 indexed accusationId,
        uint256 fraudulentLeaf,
        uint256 slashed,
        uint256 reward
    );

    /// @notice Emitted when an accusation proven right becomes the earliest-committed one of a slashed commitment.
    event RewardClaimantChanged(bytes32 indexed commitmentId, uint256 indexed accusationId, address indexed rewardee);

    /// @notice Emitted when a slashed commitment's challenger reward is credited.
    event ChallengerRewarded(
        bytes32 indexed commitmentId, uint256 indexed accusationId, address indexed rewardee, uint256 reward
    );

    /// @notice Emitted when a challenger demands the input of inference `leafIndex` of a commitment.
    event DataDemanded(
        uint256 indexed demandId,
        bytes32 indexed commitmentId,
        address indexed demander,
        uint256 leafIndex,
        bytes32 inputHash,
        uint40 deadline,
        uint256 bond
    );

    /// @notice Emitted when the demanded input of inference `leafIndex` is published; `input` hashes to its input hash.
    event InputPublished(uint256 indexed demandId, bytes32 indexed commitmentId, uint256 leafIndex, bytes input);

    /// @notice Emitted when a data demand closes with `status` (`Collected` or `Withheld`).
    event DataDemandClosed(uint256 indexed demandId, bytes32 indexed commitmentId, DataDemandStatus status);

    /// @notice Emitted when an operator locks `amount` more of its free stake into its bond reserve.
    event BondReserveFunded(address indexed operator, uint256 amount, uint256 reserve);

    /// @notice Emitted when an operator returns `amount` of its bond reserve to free stake.
    event BondReserveReleased(address indexed operator, uint256 amount, uint256 reserve);

    /// @notice Emitted when an operator sets where it publishes its commitments' inputs and outputs.
    event DataURISet(address indexed operator, string uri);

    /// @notice The model is not registered.
    error LedgerModelNotFound(bytes32 modelId);

    /// @notice The model is deprecated: no new commitments.
    error LedgerModelDeprecated(bytes32 modelId);

    /// @notice A batch must hold at least one inference and at most the maximum.
    error LedgerBatchSizeInvalid(uint256 count, uint256 max);

    /// @notice The same operator already committed the same root for the same model.
    error LedgerCommitmentExists(bytes32 commitmentId);

    /// @notice No commitment has this id.
    error LedgerCommitmentNotFound(bytes32 commitmentId);

    /// @notice The commitment is not in a status that allows this.
    error LedgerCommitmentStatusInvalid(bytes32 commitmentId, CommitmentStatus status);

    /// @notice The challenge window closed at `deadline`.
    error LedgerChallengeWindowClosed(bytes32 commitmentId, uint40 deadline);

    /// @notice The challenge window is open until `deadline`.
    error LedgerChallengeWindowOpen(bytes32 commitmentId, uint40 deadline);

    /// @notice Settlement waits until every dispute has closed.
    error LedgerDisputesOpen(bytes32 commitmentId, uint24 open);

    /// @notice The leaf index is outside the commitment.
    error LedgerLeafIndexOutOfRange(bytes32 commitmentId, uint256 leafIndex, uint24 count);

    /// @notice The inference and proof do not lead to the commitment.
    error LedgerInvalidProof(bytes32 commitmentId, uint256 leafIndex);

    /// @notice The challenger claims the output the operator committed: nothing to dispute.
    error LedgerClaimMatchesCommitment(bytes32 commitmentId, bytes32 outputHash);

    /// @notice No dispute has this id.
    error LedgerDisputeNotFound(uint256 disputeId);

    /// @notice The dispute is already closed.
    error LedgerDisputeClosed(uint256 disputeId, DisputeStatus status);

    /// @notice Only the dispute's resolver may report its outcome.
    error LedgerNotResolver(uint256 disputeId, address caller);

    /// @notice A resolver may report only a final outcome.
    error LedgerInvalidOutcome(uint256 disputeId, IDisputeResolver.Outcome outcome);

    /// @notice The dispute may still be resolved until `expiresAt`.
    error LedgerDisputeNotExpired(uint256 disputeId, uint256 expiresAt);

    /// @notice A challenge commit with this hash exists already.
    error LedgerChallengeCommitExists(bytes32 commitHash);

    /// @notice No challenge commit matches the revealed accusation (wrong salt, claim, leaf or sender).
    error LedgerChallengeCommitNotFound(bytes32 commitHash);

    /// @notice The challenge commit was already revealed or forfeited.
    error LedgerChallengeCommitClosed(bytes32 commitHash, ChallengeCommitStatus status);

    /// @notice The commit could be revealed up to and including `revealDeadline`, which has passed.
    error LedgerRevealWindowClosed(bytes32 commitHash, uint256 revealDeadline);

    /// @notice The commit may still be revealed until `revealDeadline`.
    error LedgerRevealWindowOpen(bytes32 commitHash, uint256 revealDeadline);

    /// @notice A challenge must claim an output hash (zero is how a commit names a data demand).
    error LedgerClaimMissing(bytes32 commitmentId);

    /// @notice The commitment was slashed through accusation `rewardAccusation`, committed before this one:
    /// revealing this one now could not change anything.
    error LedgerAccusationTooLate(bytes32 commitmentId, uint256 id, uint256 rewardAccusation);

    /// @notice The commitment has no challenger reward to pay: it was not slashed, or the reward was paid.
    error LedgerNoReward(bytes32 commitmentId);

    /// @notice The reward waits until the challenge window has closed (no accusation committed earlier can still be
    /// revealed) and every accusation is closed.
    error LedgerRewardNotFinal(bytes32 commitmentId, uint24 open, uint40 challengeDeadline);

    /// @notice No data demand has this key: a wrong demand id, commitment or leaf, or an input that does not hash to
    /// the committed input hash.
    error LedgerDataDemandNotFound(bytes32 demandKey);

    /// @notice The data demand is not in a status that allows this.
    error LedgerDataDemandStatusInvalid(bytes32 demandKey, DataDemandStatus status);

    /// @notice The demanded input was due by `deadline`, which has passed.
    error LedgerDataAnswerWindowClosed(bytes32 demandKey, uint40 deadline);

    /// @notice The operator may still publish the demanded input until `deadline`.
    error LedgerDataAnswerWindowOpen(bytes32 demandKey, uint40 deadline);

    /// @notice The operator's bond reserve cannot back what is asked.
    error LedgerInsufficientBondReserve(address operator, uint256 reserve, uint256 needed);

    /// @notice Only the registry may push model terms.
    error LedgerOnlyRegistry(address caller);

    /// @notice The deployment parameters are inconsistent.
    error LedgerInvalidConfiguration();

    /// @notice Locks `amount` of the caller's free stake into its bond reserve, from which commitments draw
    /// their bonds and to which settled bonds return.
    /// @param amount Tokens to move from free stake into the reserve.
    function fundBondReserve(uint256 amount) external;

    /// @notice Returns `amount` of the caller's bond reserve to its free stake.
    /// @param amount Tokens to release; bonds behind open commitments are not part of the reserve.
    function releaseBondReserve(uint256 amount) external;

    /// @notice Records a model's commit terms and resolver. Only the registry calls it, when it registers or
    /// deprecates a model.
    /// @param modelId The model.
    /// @param terms Its terms.
    /// @param resolver Its dispute resolver.
    function syncModelTerms(bytes32 modelId, IModelRegistry.CommitTerms calldata terms, IDisputeResolver resolver)
        external;

    /// @notice Commits one inference of `modelId`, taking the model's bond per inference from the bond reserve.
    /// @param modelId The model the operator ran.
    /// @param requestId The request's id.
    /// @param inputHash H(input).
    /// @param outputHash H(output).
    /// @return commitmentId The new commitment's id.
    function commit(bytes32 modelId, bytes32 requestId, bytes32 inputHash, bytes32 outputHash)
        external
        returns (bytes32 commitmentId);

    /// @notice Commits a batch of inferences of `modelId` under the Merkle root the contract computes,
    /// taking the bond per inference times the batch size from the bond reserve.
    /// @param modelId The model the operator ran.
    /// @param items The inferences, in leaf order.
    /// @return commitmentId The new commitment's id.
    function commitBatch(bytes32 modelId, Inference[] calldata items) external returns (bytes32 commitmentId);

    /// @notice Commits to an accusation without revealing it, posting the protocol's challenge deposit (the caller
    /// must approve the stake manager for it). The commit's sequence number becomes the accusation's id and its
    /// priority for the challenger reward.
    /// @param commitHash {computeChallengeCommit} of the accusation; zero claim for a data demand.
    /// @return id The id of the dispute or demand the commit will reveal.
    function commitChallenge(bytes32 commitHash) external returns (uint256 id);

    /// @notice Reveals a challenge commit as a dispute of inference `leafIndex` of a commitment, tops the deposit up
    /// to the model's challenger bond (the caller must approve the stake manager for the difference), and opens
    /// the dispute at the model's resolver. The commit must be the caller's, made and revealed inside the
    /// commitment's challenge window, and revealed within the reveal window.
    /// @param commitmentId The commitment.
    /// @param leafIndex The inference's position in the commitment.
    /// @param inference The inference as committed.
    /// @param proof The Merkle proof of its leaf (empty for a single commitment).
    /// @param claimedOutputHash The output hash the challenger says is right.
    /// @param salt The secret the commit was made with.
    /// @return disputeId The dispute's id: the commit's sequence number.
    function challenge(
        bytes32 commitmentId,
        uint256 leafIndex,
        Inference calldata inference,
        bytes32[] calldata proof,
        bytes32 claimedOutputHash,
        bytes32 salt
    ) external returns (uint256 disputeId);

    /// @notice Reveals a challenge commit (made with a zero claim) as a demand that the input of inference
    /// `leafIndex` be published on chain within the data answer window; the deposit is the demand's bond.
    /// @param commitmentId The commitment.
    /// @param leafIndex The inference's position in the commitment.
    /// @param inference The inference as committed.
    /// @param proof The Merkle proof of its leaf (empty for a single commitment).
    /// @param salt The secret the commit was made with.
    /// @return demandId The demand's id: the commit's sequence number.
    function demandData(
        bytes32 commitmentId,
        uint256 leafIndex,
        Inference calldata inference,
        bytes32[] calldata proof,
        bytes32 salt
    ) external returns (uint256 demandId);

    /// @notice Publishes a demanded input. Anyone may call it before the demand's deadline; `input` must hash to
    /// the inference's committed input hash (`keccak256(input)`, the packed int8 vector for int8 profiles). The
    /// demander's deposit then belongs to the operator ({collectDataDemand}).
    /// @param demandId The demand.
    /// @param commitmentId The demanded inference's commitment.
    /// @param leafIndex The demanded inference's position.
    /// @param input The input's bytes.
    function publishInput(uint256 demandId, bytes32 commitmentId, uint256 leafIndex, bytes calldata input) external;

    /// @notice Credits an answered demand's deposit to the commitment's operator. Anyone may call it.
    /// @param demandId The demand.
    /// @param commitmentId The demanded inference's commitment.
    /// @param leafIndex The demanded inference's position.
    /// @param inputHash The demanded inference's committed input hash.
    function collectDataDemand(uint256 demandId, bytes32 commitmentId, uint256 leafIndex, bytes32 inputHash) external;

    /// @notice Closes a demand whose input was not published by its deadline: the commitment is slashed as if the
    /// operator were at fault and the demander's deposit is refunded. Anyone may call it.
    /// @param demandId The demand.
    /// @param commitmentId The demanded inference's commitment.
    /// @param leafIndex The demanded inference's position.
    /// @param inputHash The demanded inference's committed input hash.
    function expireDataDemand(uint256 demandId, bytes32 commitmentId, uint256 leafIndex, bytes32 inputHash) external;

    /// @notice Sends the deposit of a commit that was not revealed in time to the treasury. Anyone may call it.
    /// @param commitHash The commit.
    function forfeitChallengeCommit(bytes32 commitHash) external;

    /// @notice Credits a slashed commitment's challenger reward to the earliest-committed accusation proven right,
    /// once its challenge window has closed (so no earlier-committed accusation can still be revealed) and every
    /// accusation on it is closed. Anyone may call it; the ledger also pays by itself when the last accusation
    /// closes after the window.
    /// @param commitmentId The slashed commitment.
    function payChallengerReward(bytes32 commitmentId) external;

    /// @notice Settles a pending commitment after its deadline and returns its bond to the operator's bond
    /// reserve. Anyone may call it.
    /// @param commitmentId The commitment.
    function settle(bytes32 commitmentId) external;

    /// @notice Settles every listed commitment that can be settled now and skips the others.
    /// @param commitmentIds The commitments.
    /// @return settled How many were settled.
    function settleMany(bytes32[] calldata commitmentIds) external returns (uint256 settled);

    /// @notice Reports the outcome of a dispute. Only the dispute's resolver may call it, once.
    /// @param disputeId The dispute.
    /// @param outcome The final outcome (not {IDisputeResolver.Outcome.None}).
    function resolveDispute(uint256 disputeId, IDisputeResolver.Outcome outcome) external;

    /// @notice Closes a dispute its resolver never reported within the registry's dispute bound, as no fault.
    /// Anyone may call it.
    /// @param disputeId The dispute.
    function expireDispute(uint256 disputeId) external;

    /// @notice Sets where the caller publishes its commitments' inputs and outputs.
    /// @param uri The base URI of the operator's data endpoint.
    function setDataURI(string calldata uri) external;

    /// @notice The part of `operator`'s locked stake not yet behind a commitment.
    /// @param operator The operator.
    /// @return reserve The reserve.
    function bondReserveOf(address operator) external view returns (uint256 reserve);

    /// @notice A commitment's stored record.
    /// @param commitmentId The commitment.
    /// @return commitment The record (zero when absent).
    function getCommitment(bytes32 commitmentId) external view returns (Commitment memory commitment);

    /// @notice A commitment's dispute bookkeeping.
    /// @param commitmentId The commitment.
    /// @return tally The tally (zero when never challenged).
    function getDisputeTally(bytes32 commitmentId) external view returns (DisputeTally memory tally);

    /// @notice The model a commitment is for.
    /// @param commitmentId The commitment.
    /// @return modelId The model's id; reverts with {LedgerCommitmentNotFound} when absent.
    function modelOf(bytes32 commitmentId) external view returns (bytes32 modelId);

    /// @notice The stake locked behind a commitment while it is open.
    /// @param commitmentId The commitment.
    /// @return bond The bond; reverts with {LedgerCommitmentNotFound} when absent.
    function bondOf(bytes32 commitmentId) external view returns (uint256 bond);

    /// @notice The bond a challenger must post to dispute a commitment.
    /// @param commitmentId The commitment.
    /// @return bond The bond; reverts with {LedgerCommitmentNotFound} when absent.
    function challengeBond(bytes32 commitmentId) external view returns (uint256 bond);

    /// @notice The status of inference `leafIndex` of a commitment.
    /// @param commitmentId The commitment.
    /// @param leafIndex The inference's position.
    /// @return status The status ({InferenceStatus.None} when absent).
    function inferenceStatus(bytes32 commitmentId, uint256 leafIndex) external view returns (InferenceStatus status);

    /// @notice A dispute's stored record.
    /// @param disputeId The dispute.
    /// @return dispute The record (zero when absent).
    function getDispute(uint256 disputeId) external view returns (Dispute memory dispute);

    /// @notice The number of challenge commits ever made; dispute and demand ids run from 1 to this, with gaps for
    /// commits never revealed.
    /// @return count The count.
    function disputeCount() external view returns (uint256 count);

    /// @notice A challenge commit's stored record.
    /// @param commitHash The commit.
    /// @return commit The record (zero when absent).
    function getChallengeCommit(bytes32 commitHash) external view returns (ChallengeCommit memory commit);

    /// @notice A data demand's stored record.
    /// @param demandKey {computeDemandKey} of the demand.
    /// @return demand The record (zero when absent).
    function getDataDemand(bytes32 demandKey) external view returns (DataDemand memory demand);

    /// @notice The hash a challenger commits to before revealing an accusation.
    /// @param challenger Who will reveal it (the commit's sender).
    /// @param commitmentId The accused commitment.
    /// @param leafIndex The accused inference.
    /// @param claimedOutputHash The output the challenger says is right; zero for a data demand.
    /// @param salt A secret that keeps the commit unguessable.
    /// @return commitHash `keccak256(abi.encode(challenger, commitmentId, leafIndex, claimedOutputHash, salt))`.
    function computeChallengeCommit(
        address challenger,
        bytes32 commitmentId,
        uint256 leafIndex,
        bytes32 claimedOutputHash,
        bytes32 salt
    ) external pure returns (bytes32 commitHash);

    /// @notice The key of a data demand.
    /// @param demandId The demand's id.
    /// @param commitmentId The demanded inference's commitment.
    /// @param leafIndex The demanded inference's position.
    /// @param inputHash The demanded inference's committed input hash.
    /// @return demandKey `keccak256(abi.encode(demandId, commitmentId, leafIndex, inputHash))`.
    function computeDemandKey(uint256 demandId, bytes32 commitmentId, uint256 leafIndex, bytes32 inputHash)
        external
        pure
        returns (bytes32 demandKey);

    /// @notice Seconds a challenge commit has to be revealed (never past the commitment's challenge deadline).
    /// @return seconds_ The window.
    function revealWindow() external view returns (uint32 seconds_);

    /// @notice Seconds an operator has to publish a demanded input.
    /// @return seconds_ The window.
    function dataAnswerWindow() external view returns (uint32 seconds_);

    /// @notice The deposit posted with every challenge commit, and the bond of a data demand.
    /// @return deposit The deposit.
    function challengeDeposit() external view returns (uint96 deposit);

    /// @notice Where `operator` publishes its commitments' inputs and outputs.
    /// @param operator The operator.
    /// @return uri The base URI (empty when unset).
    function dataURIOf(address operator) external view returns (string memory uri);

    /// @notice Computes a commitment's id.
    /// @param modelId The model.
    /// @param operator The operator.
    /// @param root The Merkle root of the commitment's leaves.
    /// @return commitmentId The id.
    function computeCommitmentId(bytes32 modelId, address operator, bytes32 root)
        external
        pure
        returns (bytes32 commitmentId);

    /// @notice The registry of models, deployed by this ledger.
    /// @return registry The registry.
    function registry() external view returns (IModelRegistry registry);

    /// @notice The stake manager holding every token, deployed by this ledger.
    /// @return stakeManager The stake manager.
    function stakeManager() external view returns (IStakeManager stakeManager);

    /// @notice The share of a slashed bond credited to the winning challenger, in basis points.
    /// @return bps The share.
    function challengerRewardBps() external view returns (uint16 bps);

    /// @notice The share of a losing or unproven accusation's bond credited to the treasury, in basis points.
    /// @return bps The share.
    function challengerBurnBps() external view returns (uint16 bps);

    /// @notice The largest batch a commitment may hold.
    /// @return count The bound.
    function maxBatchSize() external view returns (uint256 count);
}
