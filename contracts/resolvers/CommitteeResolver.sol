// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICommitteeResolver} from "../interfaces/ICommitteeResolver.sol";
import {IDisputeResolver} from "../interfaces/IDisputeResolver.sol";
import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";

/// @title CommitteeResolver
/// @notice A fixed committee of arbiters decides disputes by majority threshold within a voting period.
contract CommitteeResolver is ICommitteeResolver {
    /// @inheritdoc IDisputeResolver
    address public immutable ledger;
    /// @inheritdoc ICommitteeResolver
    uint16 public immutable threshold;
    /// @inheritdoc ICommitteeResolver
    uint32 public immutable votingPeriod;

    address[] private _arbiters;
    mapping(address account => bool) private _isArbiter;
    mapping(uint256 disputeId => Ballot) private _ballots;
    mapping(uint256 disputeId => mapping(address arbiter => bool)) private _voted;

    /// @param ledger_ The ledger that opens disputes and receives outcomes.
    /// @param arbiters_ The committee; no duplicates, no zero address.
    /// @param threshold_ Votes one side needs; more than half the committee, so both sides cannot reach it.
    /// @param votingPeriod_ Seconds arbiters have to vote.
    constructor(address ledger_, address[] memory arbiters_, uint16 threshold_, uint32 votingPeriod_) {
        uint256 size = arbiters_.length;
        if (
            ledger_ == address(0) || size == 0 || size > type(uint16).max || threshold_ > size
                || 2 * uint256(threshold_) <= size || votingPeriod_ == 0
        ) revert CommitteeInvalidConfiguration();
        for (uint256 i; i < size; ++i) {
            address arbiter = arbiters_[i];
            if (arbiter == address(0) || _isArbiter[arbiter]) revert CommitteeInvalidConfiguration();
            _isArbiter[arbiter] = true;
        }
        _arbiters = arbiters_;
        ledger = ledger_;
        threshold = threshold_;
        votingPeriod = votingPeriod_;
    }

    /// @inheritdoc IDisputeResolver
    function openDispute(DisputeContext calldata ctx) external {
        if (msg.sender != ledger) revert CommitteeOnlyLedger(msg.sender);
        Ballot storage ballot = _ballots[ctx.disputeId];
        if (ballot.status != BallotStatus.None) revert CommitteeBallotExists(ctx.disputeId);
        uint40 deadline = uint40(block.timestamp) + votingPeriod;
        ballot.deadline = deadline;
        ballot.status = BallotStatus.Voting;
        emit BallotOpened(ctx.disputeId, ctx.commitmentId, deadline);
    }

    /// @inheritdoc ICommitteeResolver
    function vote(uint256 disputeId, bool operatorAtFault) external {
        Ballot storage ballot = _votingBallot(disputeId);
        if (block.timestamp > ballot.deadline) revert CommitteeVotingEnded(disputeId, ballot.deadline);
        if (!_isArbiter[msg.sender]) revert CommitteeNotArbiter(msg.sender);
        if (_voted[disputeId][msg.sender]) revert CommitteeAlreadyVoted(disputeId, msg.sender);
        _voted[disputeId][msg.sender] = true;
        uint16 votes = operatorAtFault ? ++ballot.faultVotes : ++ballot.cleanVotes;
        emit VoteCast(disputeId, msg.sender, operatorAtFault);
        if (votes >= threshold) {
            _close(disputeId, ballot, BallotStatus.Decided, operatorAtFault ? Outcome.OperatorFault : Outcome.ChallengerFault);
        }
    }

    /// @inheritdoc ICommitteeResolver
    function closeWithoutQuorum(uint256 disputeId) external {
        Ballot storage ballot = _votingBallot(disputeId);
        if (block.timestamp <= ballot.deadline) revert CommitteeVotingOngoing(disputeId, ballot.deadline);
        _close(disputeId, ballot, BallotStatus.NoQuorum, Outcome.NoFault);
    }

    /// @inheritdoc IDisputeResolver
    /// @dev Any model can be judged by a committee.
    function checkModel(IModelRegistry.ModelSpec calldata) external pure {}

    /// @inheritdoc IDisputeResolver
    function maxDisputeDuration() external view returns (uint256) {
        return votingPeriod;
    }

    /// @inheritdoc ICommitteeResolver
    function getBallot(uint256 disputeId) external view returns (Ballot memory) {
        return _ballots[disputeId];
    }

    /// @inheritdoc ICommitteeResolver
    function hasVoted(uint256 disputeId, address account) external view returns (bool) {
        return _voted[disputeId][account];
    }

    /// @inheritdoc ICommitteeResolver
    function arbiters() external view returns (address[] memory) {
        return _arbiters;
    }

    /// @inheritdoc ICommitteeResolver
    function isArbiter(address account) external view returns (bool) {
        return _isArbiter[account];
    }

    function _votingBallot(uint256 disputeId) private view returns (Ballot storage ballot) {
        ballot = _ballots[disputeId];
        if (ballot.status == BallotStatus.None) revert CommitteeBallotNotFound(disputeId);
        if (ballot.status != BallotStatus.Voting) revert CommitteeBallotClosed(disputeId, ballot.status);
    }

    function _close(uint256 disputeId, Ballot storage ballot, BallotStatus status, Outcome outcome) private {
        ballot.status = status;
        ballot.outcome = outcome;
        emit BallotClosed(disputeId, status, outcome);
        // The ledger closes a dispute by itself once the protocol's dispute bound has passed; the ballot
        // still closes then, but has nothing left to report.
        IInferenceLedger ledger_ = IInferenceLedger(ledger);
        if (ledger_.getDispute(disputeId).status == IInferenceLedger.DisputeStatus.Open) {
            ledger_.resolveDispute(disputeId, outcome);
        }
    }
}
