// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IDisputeResolver} from "./IDisputeResolver.sol";
import {Int8Mlp} from "../libraries/Int8Mlp.sol";

/// @title IBisectionResolver
/// @notice Decides disputes on deterministic `vinfer-int8-mlp/1` models without trusting anyone: the operator and
/// the challenger bisect the trace of the disputed inference down to the first step they disagree on, and that
/// one step is executed on chain.
/// @dev The interval `[lo, hi]` starts at `[0, traceLength]`: both sides agree on `s_lo` (from the input hash) and
/// the operator claims `s_hi` (from its output hash). The operator posts the state at `mid = (lo + hi) / 2`; the
/// challenger agrees (`lo = mid`) or disagrees (`hi = mid`). At `hi − lo == 1` anyone may prove step `lo`: if it
/// leads to the operator's `s_hi` the challenger was wrong, otherwise the operator was. Every move has a deadline;
/// whoever's turn it is when it passes loses. Witness errors come from {Int8Mlp}.
interface IBisectionResolver is IDisputeResolver {
    /// @notice The lifecycle of a game.
    enum GameStatus {
        /// No such game.
        None,
        /// The operator must post the state at the interval's midpoint.
        AwaitingMidState,
        /// The challenger must agree or disagree with the posted midpoint state.
        AwaitingResponse,
        /// One step is left: it must be proven (the operator's turn; anyone may prove it).
        AwaitingStepProof,
        /// The operator's output stood: reported as challenger fault. Terminal.
        OperatorWon,
        /// The operator's output was shown wrong or it missed a deadline: reported as operator fault. Terminal.
        ChallengerWon
    }

    /// @notice Whose move it is.
    enum Party {
        /// Nobody: the game is absent or over.
        None,
        /// The operator (midpoint states and the one-step proof).
        Operator,
        /// The challenger (answers to midpoint states).
        Challenger
    }

    /// @notice A game as stored.
    struct Game {
        address operator; // posts midpoint states; its output is disputed
        uint24 lo; // the agreed end of the interval
        uint24 hi; // the disputed end of the interval
        uint40 deadline; // the current move is accepted up to and including this timestamp
        GameStatus status; // see {GameStatus}
        address challenger; // answers midpoint states
        uint24 traceLength; // steps of one inference of the model
        bytes32 stateLo; // s_lo, agreed by both sides
        bytes32 stateHi; // s_hi, the operator's claim
        bytes32 midState; // the operator's state at the midpoint, while the challenger answers
        bytes32 weightsRoot; // the model's neuron Merkle root
    }

    /// @notice Emitted when the ledger opens a dispute and its game starts.
    event GameStarted(
        uint256 indexed disputeId,
        address indexed operator,
        address indexed challenger,
        uint256 traceLength,
        bytes32 initialState,
        bytes32 finalState,
        uint40 deadline
    );

    /// @notice Emitted when the operator posts its state at step `mid`.
    event MidStatePosted(uint256 indexed disputeId, uint256 mid, bytes32 state, uint40 deadline);

    /// @notice Emitted when the challenger answers the midpoint state; the interval becomes `[lo, hi]`.
    event MidStateAnswered(uint256 indexed disputeId, uint256 mid, bool agreed, uint256 lo, uint256 hi, uint40 deadline);

    /// @notice Emitted when step `step` is executed on chain from the agreed state.
    event StepProven(uint256 indexed disputeId, uint256 step, bytes32 computedState, bytes32 claimedState, int8 output);

    /// @notice Emitted when `party` missed the deadline of its move.
    event MoveTimedOut(uint256 indexed disputeId, Party party, uint40 deadline);

    /// @notice Emitted when a game ends and its outcome is reported to the ledger.
    event GameEnded(uint256 indexed disputeId, GameStatus status, Outcome outcome);

    /// @notice Only the ledger may open disputes.
    error BisectionOnlyLedger(address caller);

    /// @notice A game with this id is already open or over.
    error BisectionGameExists(uint256 disputeId);

    /// @notice No game has this id.
    error BisectionGameNotFound(uint256 disputeId);

    /// @notice The game is over.
    error BisectionGameOver(uint256 disputeId, GameStatus status);

    /// @notice This move is not the one the game waits for.
    error BisectionUnexpectedMove(uint256 disputeId, GameStatus status);

    /// @notice The caller is not the party whose move it is.
    error BisectionNotYourTurn(uint256 disputeId, address caller, address expected);

    /// @notice The current move's deadline passed at `deadline`.
    error BisectionDeadlinePassed(uint256 disputeId, uint40 deadline);

    /// @notice The current move may still be made until `deadline`.
    error BisectionDeadlineNotPassed(uint256 disputeId, uint40 deadline);

    /// @notice The model's trace length is zero or above the maximum.
    error BisectionTraceLengthInvalid(uint256 traceLength, uint256 max);

    /// @notice The model's determinism profile is not `vinfer-int8-mlp/1`.
    error BisectionProfileUnsupported(bytes32 profileHash);

    /// @notice The deployment parameters are inconsistent.
    error BisectionInvalidConfiguration();

    /// @notice Posts the operator's state at the interval's midpoint. Only the operator, while the game awaits it.
    /// @param disputeId The dispute.
    /// @param state The state hash `s_mid` of the operator's trace.
    function postMidState(uint256 disputeId, bytes32 state) external;

    /// @notice Answers the posted midpoint state. Only the challenger, while the game awaits it.
    /// @param disputeId The dispute.
    /// @param agree True when the challenger's trace has the same state at the midpoint.
    function respond(uint256 disputeId, bool agree) external;

    /// @notice Executes the last disputed step `lo` on chain and ends the game. Anyone may call it before the
    /// deadline. Reverts with an {Int8Mlp} error when the witness is not the true one for the agreed `s_lo`.
    /// @param disputeId The dispute.
    /// @param witness The layer input, partial outputs, neuron leaf and its Merkle proof for step `lo`.
    function proveStep(uint256 disputeId, Int8Mlp.StepWitness calldata witness) external;

    /// @notice Ends a game whose current move missed its deadline: the party whose move it was loses. Anyone may
    /// call it.
    /// @param disputeId The dispute.
    function claimTimeout(uint256 disputeId) external;

    /// @notice A game as stored.
    /// @param disputeId The dispute.
    /// @return game The game (zero when absent).
    function getGame(uint256 disputeId) external view returns (Game memory game);

    /// @notice The move a game waits for.
    /// @param disputeId The dispute.
    /// @return party Who must move ({Party.None} when the game is absent or over).
    /// @return step The step in question: the midpoint while bisecting, `lo` when a step must be proven.
    /// @return deadline The last timestamp at which the move is accepted.
    function nextMove(uint256 disputeId) external view returns (Party party, uint256 step, uint40 deadline);

    /// @notice The longest trace a model may have to be judged here.
    /// @return steps The bound.
    function maxTraceLength() external view returns (uint256 steps);

    /// @notice Seconds each side has for each move.
    /// @return seconds_ The timeout.
    function moveTimeout() external view returns (uint32 seconds_);

    /// @notice The determinism profile this resolver judges: `keccak256("vinfer-int8-mlp/1")`.
    /// @return profileHash The profile's hash.
    function profileHash() external view returns (bytes32 profileHash);
}
