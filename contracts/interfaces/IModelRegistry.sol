// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IDisputeResolver} from "./IDisputeResolver.sol";

/// @title IModelRegistry
/// @notice Immutable records of models, keyed by a deterministic id derived from their content.
interface IModelRegistry {
    /// @notice What a model owner registers. Everything but `deprecated` is immutable afterwards.
    struct ModelSpec {
        bytes32 weightsRoot; // content commitment (for deterministic models, the neuron Merkle root)
        bytes32 profileHash; // determinism profile: runtime, quantization, tokenizer, sampling
        uint32 traceLength; // steps of one inference; 0 when the model is not bisectable
        IDisputeResolver resolver; // who decides disputes on this model's inferences
        uint32 challengeWindow; // seconds a commitment stays open to challenges
        uint96 bondPerInference; // stake an operator locks per committed inference
        uint96 challengerBond; // stake a challenger posts per dispute
        string uri; // where the weights can be fetched
    }

    /// @notice A registered model as stored.
    struct Model {
        ModelSpec spec;
        address owner; // the account that registered it; may deprecate it
        uint24 index; // compact registration number, starting at 1
        bool deprecated; // no new commitments once set
    }

    /// @notice The few fields the ledger reads on every commitment, packed in one slot.
    struct CommitTerms {
        uint24 index; // the model's registration number (0: not registered)
        uint32 challengeWindow; // seconds
        uint96 bondPerInference; // stake locked per inference
        bool deprecated; // no new commitments once set
    }

    /// @notice Emitted when a model is registered.
    event ModelRegistered(bytes32 indexed modelId, address indexed owner, uint24 index, ModelSpec spec);

    /// @notice Emitted when a model's owner deprecates it.
    event ModelDeprecated(bytes32 indexed modelId);

    /// @notice A model with this id is already registered.
    error RegistryModelExists(bytes32 modelId);

    /// @notice No model is registered under this id.
    error RegistryModelNotFound(bytes32 modelId);

    /// @notice No model is registered under this index.
    error RegistryModelIndexNotFound(uint24 index);

    /// @notice Only the model's owner may do this.
    error RegistryNotModelOwner(bytes32 modelId, address caller);

    /// @notice The model is already deprecated.
    error RegistryModelDeprecated(bytes32 modelId);

    /// @notice The challenge window is outside the protocol's bounds.
    error RegistryChallengeWindowOutOfBounds(uint32 challengeWindow, uint32 min, uint32 max);

    /// @notice Bonds must be non-zero: a free commitment or a free challenge is spam.
    error RegistryZeroBond();

    /// @notice The weights root and profile hash must be set.
    error RegistryEmptyContent();

    /// @notice The resolver is missing, or its disputes can outlast the protocol's bound.
    error RegistryResolverRejected(address resolver);

    /// @notice The registry holds as many models as its compact index can number.
    error RegistryFull();

    /// @notice The protocol bounds given at deployment are inconsistent.
    error RegistryInvalidBounds();

    /// @notice Registers a model and returns its id.
    /// @dev Reverts with {RegistryModelExists} for a duplicate; the resolver's {IDisputeResolver-checkModel} must pass.
    /// @param spec The model's specification.
    /// @return modelId `keccak256(abi.encode(weightsRoot, profileHash, resolver))`.
    function registerModel(ModelSpec calldata spec) external returns (bytes32 modelId);

    /// @notice Stops new commitments on a model. Only its owner may call it; it cannot be undone.
    /// @param modelId The model.
    function deprecateModel(bytes32 modelId) external;

    /// @notice Returns a registered model.
    /// @param modelId The model.
    /// @return model The stored record; reverts with {RegistryModelNotFound} when absent.
    function getModel(bytes32 modelId) external view returns (Model memory model);

    /// @notice Returns the id of the model registered under `index`.
    /// @param index The registration number.
    /// @return modelId The model's id; reverts with {RegistryModelIndexNotFound} when absent.
    function modelIdAt(uint24 index) external view returns (bytes32 modelId);

    /// @notice Returns the terms the ledger needs to accept a commitment (all zero when absent).
    /// @param modelId The model.
    /// @return terms The packed terms.
    function commitTerms(bytes32 modelId) external view returns (CommitTerms memory terms);

    /// @notice Computes a model's id from its content.
    /// @param weightsRoot The content commitment.
    /// @param profileHash The determinism profile.
    /// @param resolver The dispute resolver.
    /// @return modelId The id.
    function computeModelId(bytes32 weightsRoot, bytes32 profileHash, IDisputeResolver resolver)
        external
        pure
        returns (bytes32 modelId);

    /// @notice The number of models registered so far.
    /// @return count The count.
    function modelCount() external view returns (uint24 count);

    /// @notice The shortest challenge window a model may have, in seconds.
    /// @return seconds_ The bound.
    function minChallengeWindow() external view returns (uint32 seconds_);

    /// @notice The longest challenge window a model may have, in seconds.
    /// @return seconds_ The bound.
    function maxChallengeWindow() external view returns (uint32 seconds_);

    /// @notice The longest dispute a model's resolver may run, in seconds.
    /// @return seconds_ The bound.
    function maxDisputeDuration() external view returns (uint32 seconds_);

    /// @notice The ledger this registry pushes commit terms to: the contract that deployed it.
    /// @return ledger The ledger's address.
    function ledger() external view returns (address ledger);
}
