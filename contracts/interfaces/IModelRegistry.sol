// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IDisputeResolver} from "./IDisputeResolver.sol";

/// @title IModelRegistry
/// @notice Immutable records of models, keyed by a deterministic id that commits to the owner and to every term
/// of the model, so nobody can squat another owner's model or register it under other terms. A model may name
/// only a dispute resolver that governance approved for this ledger.
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

    /// @notice The fields the ledger mirrors: what every commitment reads, and the bond every dispute moves,
    /// packed in one slot.
    struct CommitTerms {
        uint24 index; // the model's registration number (0: not registered)
        uint32 challengeWindow; // seconds
        uint96 bondPerInference; // stake locked per inference
        bool deprecated; // no new commitments once set
        uint96 challengerBond; // stake a challenger posts per dispute
    }

    /// @notice What the ledger needs to open a dispute on a model's inferences.
    struct DisputeTerms {
        IDisputeResolver resolver; // who decides disputes
        uint96 challengerBond; // stake a challenger posts per dispute
        bytes32 weightsRoot; // the model's content commitment
        uint32 traceLength; // steps of one inference; 0 when the model is not bisectable
    }

    /// @notice Emitted when a model is registered.
    event ModelRegistered(bytes32 indexed modelId, address indexed owner, uint24 index, ModelSpec spec);

    /// @notice Emitted when a model's owner deprecates it.
    event ModelDeprecated(bytes32 indexed modelId);

    /// @notice Emitted when governance approves a resolver for new models.
    event ResolverApproved(address indexed resolver);

    /// @notice Emitted when governance withdraws a resolver's approval; models that already name it keep it.
    event ResolverRevoked(address indexed resolver);

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

    /// @notice The resolver reports to another ledger than this registry's.
    error RegistryResolverNotBound(address resolver, address resolverLedger);

    /// @notice Governance has not approved this resolver.
    error RegistryResolverNotApproved(address resolver);

    /// @notice The resolver is approved already.
    error RegistryResolverAlreadyApproved(address resolver);

    /// @notice The challenger bond is below the protocol's challenge deposit, which every accusation posts first.
    error RegistryChallengerBondTooLow(uint96 challengerBond, uint96 min);

    /// @notice The registry holds as many models as its compact index can number.
    error RegistryFull();

    /// @notice The protocol bounds given at deployment are inconsistent.
    error RegistryInvalidBounds();

    /// @notice Registers a model owned by the caller and returns its id.
    /// @dev Reverts with {RegistryModelExists} when the caller registered the same spec already; the resolver must
    /// be approved and its {IDisputeResolver-checkModel} must pass.
    /// @param spec The model's specification.
    /// @return modelId {computeModelId} of the caller and `spec`.
    function registerModel(ModelSpec calldata spec) external returns (bytes32 modelId);

    /// @notice Lets new models name `resolver`. Governance only. The resolver must report to this registry's ledger
    /// and bound its disputes within the protocol's dispute bound.
    /// @param resolver The resolver.
    function approveResolver(address resolver) external;

    /// @notice Stops new models from naming `resolver`; models that name it already keep it. Governance only.
    /// @param resolver The resolver.
    function revokeResolver(address resolver) external;

    /// @notice Whether new models may name `resolver`.
    /// @param resolver The resolver.
    /// @return approved True when approved.
    function isResolverApproved(address resolver) external view returns (bool approved);

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

    /// @notice Returns the terms the ledger needs to open a dispute, without the rest of the record.
    /// @param modelId The model.
    /// @return terms The terms; reverts with {RegistryModelNotFound} when absent.
    function disputeTerms(bytes32 modelId) external view returns (DisputeTerms memory terms);

    /// @notice Returns the terms the ledger needs to accept a commitment (all zero when absent).
    /// @param modelId The model.
    /// @return terms The packed terms.
    function commitTerms(bytes32 modelId) external view returns (CommitTerms memory terms);

    /// @notice Computes a model's id from its owner and its whole specification.
    /// @param modelOwner The account that registers it.
    /// @param spec The model's specification.
    /// @return modelId `keccak256(abi.encode(modelOwner, spec))`.
    function computeModelId(address modelOwner, ModelSpec calldata spec) external pure returns (bytes32 modelId);

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

    /// @notice The least challenger bond a model may ask: the ledger's challenge deposit.
    /// @return bond The bound.
    function minChallengerBond() external view returns (uint96 bond);
}
