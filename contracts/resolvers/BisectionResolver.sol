// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IBisectionResolver} from "../interfaces/IBisectionResolver.sol";
import {IDisputeResolver} from "../interfaces/IDisputeResolver.sol";
import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {Int8Mlp} from "../libraries/Int8Mlp.sol";

/// @title BisectionResolver
/// @notice Trustless disputes on deterministic int8 MLPs: a bisection game over the inference's trace ending in
/// one step executed on chain. See docs/bisection-game.md.
contract BisectionResolver is IBisectionResolver {
    uint256 private constant _LOG2_MAX_TRACE_LENGTH = 20;

    /// @inheritdoc IBisectionResolver
    uint256 public constant maxTraceLength = 1 << _LOG2_MAX_TRACE_LENGTH;

    /// @inheritdoc IBisectionResolver
    bytes32 public constant profileHash = keccak256("vinfer-int8-mlp/1");

    /// @inheritdoc IDisputeResolver
    address public immutable ledger;
    /// @inheritdoc IBisectionResolver
    uint32 public immutable moveTimeout;

    mapping(uint256 disputeId => Game) private _games;

    /// @param ledger_ The ledger that opens disputes and receives outcomes.
    /// @param moveTimeout_ Seconds each side has for each move.
    constructor(address ledger_, uint32 moveTimeout_) {
        if (ledger_ == address(0) || moveTimeout_ == 0) revert BisectionInvalidConfiguration();
        ledger = ledger_;
        moveTimeout = moveTimeout_;
    }

    /// @inheritdoc IDisputeResolver
    function openDispute(DisputeContext calldata ctx) external {
        if (msg.sender != ledger) revert BisectionOnlyLedger(msg.sender);
        Game storage game = _games[ctx.disputeId];
        if (game.status != GameStatus.None) revert BisectionGameExists(ctx.disputeId);
        uint256 traceLength = ctx.traceLength;
        if (traceLength == 0 || traceLength > maxTraceLength) {
            revert BisectionTraceLengthInvalid(traceLength, maxTraceLength);
        }
        uint40 deadline = _nextDeadline();
        bytes32 initialState = Int8Mlp.initialState(ctx.inputHash);
        bytes32 finalState = Int8Mlp.finalState(traceLength, ctx.outputHash);
        game.operator = ctx.operator;
        game.hi = uint24(traceLength);
        game.deadline = deadline;
        game.status = traceLength == 1 ? GameStatus.AwaitingStepProof : GameStatus.AwaitingMidState;
        game.challenger = ctx.challenger;
        game.traceLength = uint24(traceLength);
        game.stateLo = initialState;
        game.stateHi = finalState;
        game.weightsRoot = ctx.weightsRoot;
        emit GameStarted(ctx.disputeId, ctx.operator, ctx.challenger, traceLength, initialState, finalState, deadline);
    }

    /// @inheritdoc IBisectionResolver
    function postMidState(uint256 disputeId, bytes32 state) external {
        Game storage game = _gameAwaiting(disputeId, GameStatus.AwaitingMidState);
        if (msg.sender != game.operator) revert BisectionNotYourTurn(disputeId, msg.sender, game.operator);
        uint40 deadline = _nextDeadline();
        game.midState = state;
        game.status = GameStatus.AwaitingResponse;
        game.deadline = deadline;
        emit MidStatePosted(disputeId, (uint256(game.lo) + game.hi) / 2, state, deadline);
    }

    /// @inheritdoc IBisectionResolver
    function respond(uint256 disputeId, bool agree) external {
        Game storage game = _gameAwaiting(disputeId, GameStatus.AwaitingResponse);
        if (msg.sender != game.challenger) revert BisectionNotYourTurn(disputeId, msg.sender, game.challenger);
        uint24 lo = game.lo;
        uint24 hi = game.hi;
        uint24 mid = uint24((uint256(lo) + hi) / 2);
        if (agree) {
            lo = mid;
            game.stateLo = game.midState;
        } else {
            hi = mid;
            game.stateHi = game.midState;
        }
        uint40 deadline = _nextDeadline();
        game.lo = lo;
        game.hi = hi;
        game.deadline = deadline;
        game.status = hi - lo == 1 ? GameStatus.AwaitingStepProof : GameStatus.AwaitingMidState;
        emit MidStateAnswered(disputeId, mid, agree, lo, hi, deadline);
    }

    /// @inheritdoc IBisectionResolver
    function proveStep(uint256 disputeId, Int8Mlp.StepWitness calldata witness) external {
        Game storage game = _gameAwaiting(disputeId, GameStatus.AwaitingStepProof);
        uint256 step = game.lo;
        (bytes32 computed, int8 output) =
            Int8Mlp.verifyStep(witness, step, game.traceLength, game.weightsRoot, game.stateLo);
        bytes32 claimed = game.stateHi;
        emit StepProven(disputeId, step, computed, claimed, output);
        _end(disputeId, game, computed == claimed ? GameStatus.OperatorWon : GameStatus.ChallengerWon);
    }

    /// @inheritdoc IBisectionResolver
    function claimTimeout(uint256 disputeId) external {
        Game storage game = _games[disputeId];
        GameStatus status = _checkActive(disputeId, game.status);
        uint40 deadline = game.deadline;
        if (block.timestamp <= deadline) revert BisectionDeadlineNotPassed(disputeId, deadline);
        bool operatorsMove = status != GameStatus.AwaitingResponse;
        emit MoveTimedOut(disputeId, operatorsMove ? Party.Operator : Party.Challenger, deadline);
        _end(disputeId, game, operatorsMove ? GameStatus.ChallengerWon : GameStatus.OperatorWon);
    }

    /// @inheritdoc IDisputeResolver
    /// @dev Only `vinfer-int8-mlp/1` models with a trace of 1 to {maxTraceLength} steps.
    function checkModel(IModelRegistry.ModelSpec calldata spec) external pure {
        if (spec.profileHash != profileHash) revert BisectionProfileUnsupported(spec.profileHash);
        if (spec.traceLength == 0 || spec.traceLength > maxTraceLength) {
            revert BisectionTraceLengthInvalid(spec.traceLength, maxTraceLength);
        }
    }

    /// @inheritdoc IDisputeResolver
    /// @dev The longest game has ceil(log2(maxTraceLength)) rounds of two moves, then the one-step proof, each
    /// move taking at most {moveTimeout}.
    function maxDisputeDuration() external view returns (uint256) {
        return (2 * _LOG2_MAX_TRACE_LENGTH + 1) * uint256(moveTimeout);
    }

    /// @inheritdoc IBisectionResolver
    function getGame(uint256 disputeId) external view returns (Game memory) {
        return _games[disputeId];
    }

    /// @inheritdoc IBisectionResolver
    function nextMove(uint256 disputeId) external view returns (Party party, uint256 step, uint40 deadline) {
        Game storage game = _games[disputeId];
        GameStatus status = game.status;
        if (status == GameStatus.AwaitingMidState || status == GameStatus.AwaitingResponse) {
            party = status == GameStatus.AwaitingMidState ? Party.Operator : Party.Challenger;
            step = (uint256(game.lo) + game.hi) / 2;
            deadline = game.deadline;
        } else if (status == GameStatus.AwaitingStepProof) {
            party = Party.Operator;
            step = game.lo;
            deadline = game.deadline;
        }
    }

    function _gameAwaiting(uint256 disputeId, GameStatus expected) private view returns (Game storage game) {
        game = _games[disputeId];
        GameStatus status = _checkActive(disputeId, game.status);
        if (status != expected) revert BisectionUnexpectedMove(disputeId, status);
        if (block.timestamp > game.deadline) revert BisectionDeadlinePassed(disputeId, game.deadline);
    }

    function _checkActive(uint256 disputeId, GameStatus status) private pure returns (GameStatus) {
        if (status == GameStatus.None) revert BisectionGameNotFound(disputeId);
        if (status == GameStatus.OperatorWon || status == GameStatus.ChallengerWon) {
            revert BisectionGameOver(disputeId, status);
        }
        return status;
    }

    function _nextDeadline() private view returns (uint40) {
        return uint40(block.timestamp + moveTimeout);
    }

    function _end(uint256 disputeId, Game storage game, GameStatus status) private {
        Outcome outcome = status == GameStatus.OperatorWon ? Outcome.ChallengerFault : Outcome.OperatorFault;
        game.status = status;
        emit GameEnded(disputeId, status, outcome);
        IInferenceLedger(ledger).resolveDispute(disputeId, outcome);
    }
}
