// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IDisputeResolver} from "./IDisputeResolver.sol";

/// @title ICommitteeResolver
/// @notice Decides disputes on models that cannot be re-executed bit for bit (LLMs on GPUs): a fixed set of
/// arbiters votes within a period; a threshold of votes on one side decides; no quorum means no fault.
interface ICommitteeResolver is IDisputeResolver {
    /// @notice The lifecycle of a ballot.
    enum BallotStatus {
        /// No such ballot.
        None,
        /// Arbiters may vote until the deadline.
        Voting,
        /// A side reached the threshold; the outcome was reported. Terminal.
        Decided,
        /// The period ended without a quorum; reported as no fault. Terminal.
        NoQuorum
    }

    /// @notice A dispute's ballot.
    struct Ballot {
        uint40 deadline; // votes are accepted up to and including this timestamp
        uint16 faultVotes; // arbiters who found the operator at fault
        uint16 cleanVotes; // arbiters who found the operator's output right
        BallotStatus status; // see {BallotStatus}
        Outcome outcome; // the reported outcome once closed
    }

    /// @notice Emitted when the ledger opens a dispute on this committee.
    event BallotOpened(uint256 indexed disputeId, bytes32 indexed commitmentId, uint40 deadline);

    /// @notice Emitted when an arbiter votes.
    event VoteCast(uint256 indexed disputeId, address indexed arbiter, bool operatorAtFault);

    /// @notice Emitted when a ballot closes and its outcome is reported to the ledger.
    event BallotClosed(uint256 indexed disputeId, BallotStatus status, Outcome outcome);

    /// @notice Only the ledger may open disputes.
    error CommitteeOnlyLedger(address caller);

    /// @notice Only an arbiter may vote.
    error CommitteeNotArbiter(address caller);

    /// @notice The arbiter already voted on this dispute.
    error CommitteeAlreadyVoted(uint256 disputeId, address arbiter);

    /// @notice No ballot has this id.
    error CommitteeBallotNotFound(uint256 disputeId);

    /// @notice A ballot with this id is already open or closed.
    error CommitteeBallotExists(uint256 disputeId);

    /// @notice The ballot is closed.
    error CommitteeBallotClosed(uint256 disputeId, BallotStatus status);

    /// @notice The voting period ended at `deadline`.
    error CommitteeVotingEnded(uint256 disputeId, uint40 deadline);

    /// @notice The voting period runs until `deadline`.
    error CommitteeVotingOngoing(uint256 disputeId, uint40 deadline);

    /// @notice The committee must be non-empty, free of duplicates and zero addresses, with a majority threshold.
    error CommitteeInvalidConfiguration();

    /// @notice Votes on a dispute. A side that reaches the threshold decides it at once.
    /// @param disputeId The dispute.
    /// @param operatorAtFault True when the arbiter found the operator's output wrong.
    function vote(uint256 disputeId, bool operatorAtFault) external;

    /// @notice Closes a ballot whose period ended without a quorum, as no fault. Anyone may call it.
    /// @param disputeId The dispute.
    function closeWithoutQuorum(uint256 disputeId) external;

    /// @notice A dispute's ballot.
    /// @param disputeId The dispute.
    /// @return ballot The ballot (zero when absent).
    function getBallot(uint256 disputeId) external view returns (Ballot memory ballot);

    /// @notice Whether `account` has voted on a dispute.
    /// @param disputeId The dispute.
    /// @param account The account.
    /// @return voted True once it voted.
    function hasVoted(uint256 disputeId, address account) external view returns (bool voted);

    /// @notice The arbiters.
    /// @return arbiters Every arbiter, in registration order.
    function arbiters() external view returns (address[] memory arbiters);

    /// @notice Whether `account` is an arbiter.
    /// @param account The account.
    /// @return True for an arbiter.
    function isArbiter(address account) external view returns (bool);

    /// @notice Votes one side needs to decide.
    /// @return votes The threshold.
    function threshold() external view returns (uint16 votes);

    /// @notice Seconds arbiters have to vote.
    /// @return seconds_ The period.
    function votingPeriod() external view returns (uint32 seconds_);
}
