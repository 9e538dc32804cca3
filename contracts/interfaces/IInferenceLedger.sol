// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IDisputeResolver} from "./IDisputeResolver.sol";
import {IModelRegistry} from "./IModelRegistry.sol";
import {IStakeManager} from "./IStakeManager.sol";

/// @title IInferenceLedger
/// @notice Operators commit, with stake behind them, to what a model computed for a request; anyone may
/// challenge a commitment inside its window; commitments nobody proved wrong settle.
/// @dev A commitment touches only the ledger's own storage and costs one new slot: its id is
/// `keccak256(abi.encode(modelId, operator, root))` and its record packs everything else settlement
/// needs. The root and every leaf appear in events; a challenge recomputes the root from a Merkle proof
/// and must land on the id. Bonds come from the operator's bond reserve (stake locked in the stake
/// manager once, in bulk) and settled bonds return to it, so no commitment pays for a call to another
/// contract; the registry pushes each model's commit terms here when it registers or deprecates one.
interface IInferenceLedger {
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
        /// The operator's output was wrong; the operator was slashed. Terminal.
        OperatorFault,
        /// The challenger's claim was wrong; its bond went to the operator less the burned share. Terminal.
        ChallengerFault,
        /// Nothing was shown either way; the bond was refunded. Terminal.
        NoFault
    }

    /// @notice A commitment as stored: one slot.
    struct Commitment {
        address operator; // who committed and whose stake backs it
        uint40 challengeDeadline; // challenges are accepted up to and including this timestamp
        CommitmentStatus status; // see {CommitmentStatus}
        uint24 count; // inferences in the commitment
        uint24 modelIndex; // the model's registration number in the registry
    }

    /// @notice Dispute bookkeeping of a commitment, written only when it is challenged.
    struct DisputeTally {
        uint32 open; // disputes not yet resolved
        uint32 total; // disputes ever opened
        uint24 fraudulentLeaf; // the leaf proven wrong, when the commitment is slashed
    }

    /// @notice A dispute as stored.
    struct Dispute {
        bytes32 commitmentId; // the disputed commitment
        address challenger; // who opened it and posted the bond
        uint24 leafIndex; // the disputed inference
        uint40 openedAt; // when it was opened
        DisputeStatus status; // see {DisputeStatus}
        uint96 bond; // the challenger's bond, in escrow while open
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

    /// @notice Emitted when a commitment is slashed because inference `fraudulentLeaf` was proven wrong.
    event CommitmentSlashed(
        bytes32 indexed commitmentId,
        address indexed operator,
        uint256 indexed disputeId,
        uint256 fraudulentLeaf,
        uint256 slashed,
        uint256 reward
    );

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
    error LedgerDisputesOpen(bytes32 commitmentId, uint32 open);

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

    /// @notice Records a model's commit terms. Only the registry calls it, when it registers or deprecates a model.
    /// @param modelId The model.
    /// @param terms Its terms.
    function syncModelTerms(bytes32 modelId, IModelRegistry.CommitTerms calldata terms) external;

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

    /// @notice Disputes inference `leafIndex` of a commitment, posting the model's challenger bond (the caller
    /// must approve the stake manager for it), and opens the dispute at the model's resolver.
    /// @param commitmentId The commitment.
    /// @param leafIndex The inference's position in the commitment.
    /// @param inference The inference as committed.
    /// @param proof The Merkle proof of its leaf (empty for a single commitment).
    /// @param claimedOutputHash The output hash the challenger says is right.
    /// @return disputeId The new dispute's id.
    function challenge(
        bytes32 commitmentId,
        uint256 leafIndex,
        Inference calldata inference,
        bytes32[] calldata proof,
        bytes32 claimedOutputHash
    ) external returns (uint256 disputeId);

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

    /// @notice The number of disputes ever opened; ids run from 1 to this.
    /// @return count The count.
    function disputeCount() external view returns (uint256 count);

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

    /// @notice The share of a losing challenger's bond credited to the treasury instead of the operator, in basis points.
    /// @return bps The share.
    function challengerBurnBps() external view returns (uint16 bps);

    /// @notice The largest batch a commitment may hold.
    /// @return count The bound.
    function maxBatchSize() external view returns (uint256 count);
}
