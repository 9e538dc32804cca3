// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IModelRegistry} from "./IModelRegistry.sol";

/// @title IDisputeResolver
/// @notice A dispute resolver decides whether an operator's committed output is wrong. The ledger opens
/// a dispute with everything the resolver needs, and the resolver reports the outcome back exactly once
/// through {IInferenceLedger-resolveDispute}.
interface IDisputeResolver {
    /// @notice How a dispute ended.
    enum Outcome {
        /// The dispute is still open (never reported).
        None,
        /// The operator's committed output was shown to be wrong: the operator is slashed.
        OperatorFault,
        /// The challenger's claim was shown to be wrong: the challenger loses its bond.
        ChallengerFault,
        /// Nothing was shown either way (e.g. no quorum): both sides are made whole.
        NoFault
    }

    /// @notice Everything a resolver learns when a dispute opens.
    struct DisputeContext {
        uint256 disputeId; // the ledger's id of the dispute, also the resolver's key
        bytes32 commitmentId; // the disputed commitment
        bytes32 modelId; // the model the operator claims it ran
        address operator; // the party that committed the output
        address challenger; // the party that disputes it
        uint256 leafIndex; // the disputed inference inside the commitment
        bytes32 requestId; // the disputed inference's request id
        bytes32 inputHash; // H(input) the operator committed to
        bytes32 outputHash; // H(output) the operator committed to
        bytes32 claimedOutputHash; // H(output) the challenger says is right
        bytes32 weightsRoot; // the model's content commitment
        uint32 traceLength; // steps of one inference (0 when the model is not bisectable)
    }

    /// @notice Opens dispute `ctx.disputeId`. Only the ledger may call it.
    /// @param ctx The dispute's context.
    function openDispute(DisputeContext calldata ctx) external;

    /// @notice Reverts unless this resolver can decide disputes on a model with `spec`.
    /// @dev Called by the registry when a model names this resolver.
    /// @param spec The model's specification.
    function checkModel(IModelRegistry.ModelSpec calldata spec) external view;

    /// @notice The longest time, in seconds, a dispute can stay open before anyone can close it.
    /// @return seconds_ The bound.
    function maxDisputeDuration() external view returns (uint256 seconds_);

    /// @notice The ledger this resolver reports to.
    /// @return ledger The ledger's address.
    function ledger() external view returns (address ledger);
}
