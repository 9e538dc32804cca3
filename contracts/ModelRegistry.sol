// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IModelRegistry} from "./interfaces/IModelRegistry.sol";
import {IDisputeResolver} from "./interfaces/IDisputeResolver.sol";
import {IInferenceLedger} from "./interfaces/IInferenceLedger.sol";

/// @title ModelRegistry
/// @notice Immutable model records keyed by `keccak256(abi.encode(weightsRoot, profileHash, resolver))`.
/// @dev Deployed by the ledger; every change of a model's commit terms is pushed to it in the same
/// transaction, so the ledger reads them from its own storage on every commitment.
contract ModelRegistry is IModelRegistry {
    /// @inheritdoc IModelRegistry
    uint32 public immutable minChallengeWindow;
    /// @inheritdoc IModelRegistry
    uint32 public immutable maxChallengeWindow;
    /// @inheritdoc IModelRegistry
    uint32 public immutable maxDisputeDuration;
    /// @inheritdoc IModelRegistry
    address public immutable ledger;

    /// @inheritdoc IModelRegistry
    uint24 public modelCount;

    mapping(bytes32 modelId => Model) private _models;
    mapping(uint24 index => bytes32 modelId) private _modelIds;

    /// @param minWindow The shortest challenge window a model may have, in seconds.
    /// @param maxWindow The longest challenge window a model may have, in seconds.
    /// @param maxDispute The longest dispute a model's resolver may run, in seconds.
    constructor(uint32 minWindow, uint32 maxWindow, uint32 maxDispute) {
        if (minWindow == 0 || minWindow > maxWindow || maxDispute == 0) revert RegistryInvalidBounds();
        minChallengeWindow = minWindow;
        maxChallengeWindow = maxWindow;
        maxDisputeDuration = maxDispute;
        ledger = msg.sender;
    }

    /// @inheritdoc IModelRegistry
    function registerModel(ModelSpec calldata spec) external returns (bytes32 modelId) {
        modelId = computeModelId(spec.weightsRoot, spec.profileHash, spec.resolver);
        if (_models[modelId].index != 0) revert RegistryModelExists(modelId);
        if (spec.weightsRoot == bytes32(0) || spec.profileHash == bytes32(0)) revert RegistryEmptyContent();
        if (spec.challengeWindow < minChallengeWindow || spec.challengeWindow > maxChallengeWindow) {
            revert RegistryChallengeWindowOutOfBounds(spec.challengeWindow, minChallengeWindow, maxChallengeWindow);
        }
        if (spec.bondPerInference == 0 || spec.challengerBond == 0) revert RegistryZeroBond();
        address resolver = address(spec.resolver);
        if (resolver.code.length == 0 || spec.resolver.maxDisputeDuration() > maxDisputeDuration) {
            revert RegistryResolverRejected(resolver);
        }
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
        IInferenceLedger(ledger).syncModelTerms(modelId, _commitTerms(model));
    }

    /// @inheritdoc IModelRegistry
    function deprecateModel(bytes32 modelId) external {
        Model storage model = _models[modelId];
        if (model.index == 0) revert RegistryModelNotFound(modelId);
        if (model.deprecated) revert RegistryModelDeprecated(modelId);
        if (model.owner != msg.sender) revert RegistryNotModelOwner(modelId, msg.sender);
        model.deprecated = true;
        emit ModelDeprecated(modelId);
        IInferenceLedger(ledger).syncModelTerms(modelId, _commitTerms(model));
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
    function commitTerms(bytes32 modelId) external view returns (CommitTerms memory) {
        return _commitTerms(_models[modelId]);
    }

    /// @inheritdoc IModelRegistry
    function computeModelId(bytes32 weightsRoot, bytes32 profileHash, IDisputeResolver resolver)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(weightsRoot, profileHash, resolver));
    }

    /// @dev The fields the ledger mirrors, read from the one stored record.
    function _commitTerms(Model storage model) private view returns (CommitTerms memory) {
        return CommitTerms({
            index: model.index,
            challengeWindow: model.spec.challengeWindow,
            bondPerInference: model.spec.bondPerInference,
            deprecated: model.deprecated
        });
    }
}
