// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IModelRegistry} from "./interfaces/IModelRegistry.sol";
import {IDisputeResolver} from "./interfaces/IDisputeResolver.sol";
import {IInferenceLedger} from "./interfaces/IInferenceLedger.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

/// @title ModelRegistry
/// @notice Immutable model records keyed by `keccak256(abi.encode(owner, spec))`, judged by resolvers that
/// governance (the owner of this contract) approved for this ledger.
/// @dev Deployed by the ledger; every change of a model's commit terms is pushed to it in the same
/// transaction, so the ledger reads them from its own storage on every commitment. As Optimism's dispute game
/// factory holds one implementation per game type, governance holds the set of resolvers a model may name: a
/// resolver bound to another ledger, or any contract that merely implements the interface, could never rule,
/// and commitments on its models would look bonded while nobody could ever dispute them.
contract ModelRegistry is IModelRegistry, Ownable2Step {
    /// @inheritdoc IModelRegistry
    uint32 public immutable minChallengeWindow;
    /// @inheritdoc IModelRegistry
    uint32 public immutable maxChallengeWindow;
    /// @inheritdoc IModelRegistry
    uint32 public immutable maxDisputeDuration;
    /// @inheritdoc IModelRegistry
    address public immutable ledger;
    /// @inheritdoc IModelRegistry
    uint96 public immutable minChallengerBond;

    /// @inheritdoc IModelRegistry
    uint24 public modelCount;

    mapping(bytes32 modelId => Model) private _models;
    mapping(uint24 index => bytes32 modelId) private _modelIds;
    mapping(address resolver => bool) private _approvedResolvers;

    /// @param minWindow The shortest challenge window a model may have, in seconds.
    /// @param maxWindow The longest challenge window a model may have, in seconds.
    /// @param maxDispute The longest dispute a model's resolver may run, in seconds.
    /// @param minBond The least challenger bond a model may ask (the ledger's challenge deposit).
    /// @param governance Who approves resolvers.
    constructor(uint32 minWindow, uint32 maxWindow, uint32 maxDispute, uint96 minBond, address governance)
        Ownable(governance)
    {
        if (minWindow == 0 || minWindow > maxWindow || maxDispute == 0 || minBond == 0) revert RegistryInvalidBounds();
        minChallengeWindow = minWindow;
        maxChallengeWindow = maxWindow;
        maxDisputeDuration = maxDispute;
        minChallengerBond = minBond;
        ledger = msg.sender;
    }

    /// @inheritdoc IModelRegistry
    function approveResolver(address resolver) external onlyOwner {
        if (_approvedResolvers[resolver]) revert RegistryResolverAlreadyApproved(resolver);
        if (resolver.code.length == 0) revert RegistryResolverRejected(resolver);
        // A contract that is not a resolver is refused by name, not with the empty revert of a missing function.
        address bound;
        try IDisputeResolver(resolver).ledger() returns (address resolverLedger) {
            bound = resolverLedger;
        } catch {
            revert RegistryResolverRejected(resolver);
        }
        if (bound != ledger) revert RegistryResolverNotBound(resolver, bound);
        try IDisputeResolver(resolver).maxDisputeDuration() returns (uint256 duration) {
            if (duration > maxDisputeDuration) revert RegistryResolverRejected(resolver);
        } catch {
            revert RegistryResolverRejected(resolver);
        }
        _approvedResolvers[resolver] = true;
        emit ResolverApproved(resolver);
    }

    /// @inheritdoc IModelRegistry
    function revokeResolver(address resolver) external onlyOwner {
        if (!_approvedResolvers[resolver]) revert RegistryResolverNotApproved(resolver);
        _approvedResolvers[resolver] = false;
        emit ResolverRevoked(resolver);
    }

    /// @inheritdoc IModelRegistry
    function registerModel(ModelSpec calldata spec) external returns (bytes32 modelId) {
        modelId = computeModelId(msg.sender, spec);
        if (_models[modelId].index != 0) revert RegistryModelExists(modelId);
        if (spec.weightsRoot == bytes32(0) || spec.profileHash == bytes32(0)) revert RegistryEmptyContent();
        if (spec.challengeWindow < minChallengeWindow || spec.challengeWindow > maxChallengeWindow) {
            revert RegistryChallengeWindowOutOfBounds(spec.challengeWindow, minChallengeWindow, maxChallengeWindow);
        }
        if (spec.bondPerInference == 0 || spec.challengerBond == 0) revert RegistryZeroBond();
        if (spec.challengerBond < minChallengerBond) {
            revert RegistryChallengerBondTooLow(spec.challengerBond, minChallengerBond);
        }
        if (!_approvedResolvers[address(spec.resolver)]) revert RegistryResolverNotApproved(address(spec.resolver));
        spec.resolver.checkModel(spec);

        if (modelCount == type(uint24).max) revert RegistryFull();
        uint24 index = modelCount + 1;
        modelCount = index;
        _modelIds[index] = modelId;
        Model storage model = _models[modelId];
        model.spec = spec;
        model.owner = msg.sender;
        model.index = index;
        emit ModelRegistered(modelId, msg.sender, index, spec);
        IInferenceLedger(ledger).syncModelTerms(modelId, _commitTerms(model), spec.resolver);
    }

    /// @inheritdoc IModelRegistry
    function deprecateModel(bytes32 modelId) external {
        Model storage model = _models[modelId];
        if (model.index == 0) revert RegistryModelNotFound(modelId);
        if (model.deprecated) revert RegistryModelDeprecated(modelId);
        if (model.owner != msg.sender) revert RegistryNotModelOwner(modelId, msg.sender);
        model.deprecated = true;
        emit ModelDeprecated(modelId);
        IInferenceLedger(ledger).syncModelTerms(modelId, _commitTerms(model), model.spec.resolver);
    }

    /// @inheritdoc IModelRegistry
    function getModel(bytes32 modelId) external view returns (Model memory model) {
        model = _models[modelId];
        if (model.index == 0) revert RegistryModelNotFound(modelId);
    }

    /// @inheritdoc IModelRegistry
    function modelIdAt(uint24 index) external view returns (bytes32 modelId) {
        modelId = _modelIds[index];
        if (modelId == bytes32(0)) revert RegistryModelIndexNotFound(index);
    }

    /// @inheritdoc IModelRegistry
    function disputeTerms(bytes32 modelId) external view returns (DisputeTerms memory) {
        ModelSpec storage spec = _models[modelId].spec;
        // Every registered model names a resolver: reading it spares the record's last slot.
        if (address(spec.resolver) == address(0)) revert RegistryModelNotFound(modelId);
        return DisputeTerms({
            resolver: spec.resolver,
            challengerBond: spec.challengerBond,
            weightsRoot: spec.weightsRoot,
            traceLength: spec.traceLength
        });
    }

    /// @inheritdoc IModelRegistry
    function commitTerms(bytes32 modelId) external view returns (CommitTerms memory) {
        return _commitTerms(_models[modelId]);
    }

    /// @inheritdoc IModelRegistry
    function isResolverApproved(address resolver) external view returns (bool) {
        return _approvedResolvers[resolver];
    }

    /// @inheritdoc IModelRegistry
    function computeModelId(address modelOwner, ModelSpec calldata spec) public pure returns (bytes32) {
        return keccak256(abi.encode(modelOwner, spec));
    }

    /// @dev The fields the ledger mirrors, read from the one stored record.
    function _commitTerms(Model storage model) private view returns (CommitTerms memory) {
        return CommitTerms({
            index: model.index,
            challengeWindow: model.spec.challengeWindow,
            bondPerInference: model.spec.bondPerInference,
            deprecated: model.deprecated,
            challengerBond: model.spec.challengerBond
        });
    }
}
