// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IInferenceLedger} from "./interfaces/IInferenceLedger.sol";
import {IModelRegistry} from "./interfaces/IModelRegistry.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IStakeManager} from "./interfaces/IStakeManager.sol";
import {StakeManager} from "./StakeManager.sol";
import {ModelRegistry} from "./ModelRegistry.sol";
import {IDisputeResolver} from "./interfaces/IDisputeResolver.sol";
import {MerkleTree} from "./libraries/MerkleTree.sol";

/// @title InferenceLedger
/// @notice Commitments of inference results, their challenge window, their disputes and their settlement.
/// @dev The ledger deploys the model registry and the stake manager, so both trust it through immutable
/// bindings. A commitment reads and writes only this contract's storage: model terms are mirrored from
/// the registry and bonds come from the operator's bond reserve.
contract InferenceLedger is IInferenceLedger, ReentrancyGuardTransient {
    uint16 private constant _BPS = 10_000;

    /// @inheritdoc IInferenceLedger
    uint256 public constant maxBatchSize = 2048;

    /// @inheritdoc IInferenceLedger
    IModelRegistry public immutable registry;
    /// @inheritdoc IInferenceLedger
    IStakeManager public immutable stakeManager;
    /// @inheritdoc IInferenceLedger
    uint16 public immutable challengerRewardBps;
    /// @inheritdoc IInferenceLedger
    uint16 public immutable challengerBurnBps;

    /// @inheritdoc IInferenceLedger
    uint256 public disputeCount;

    mapping(bytes32 modelId => IModelRegistry.CommitTerms) private _terms;
    mapping(uint24 modelIndex => bytes32 modelId) private _modelIds;
    mapping(address operator => uint256) private _bondReserves;
    mapping(bytes32 commitmentId => Commitment) private _commitments;
    mapping(bytes32 commitmentId => DisputeTally) private _tallies;
    mapping(bytes32 commitmentId => mapping(uint256 leafIndex => uint256 open)) private _openByLeaf;
    mapping(uint256 disputeId => Dispute) private _disputes;
    mapping(address operator => string) private _dataURIs;

    /// @notice Deploys the ledger with the model registry and the stake manager it alone talks to.
    /// @param minChallengeWindow The shortest challenge window a model may have, in seconds.
    /// @param maxChallengeWindow The longest challenge window a model may have, in seconds.
    /// @param maxDisputeDuration The longest dispute a model's resolver may run, in seconds.
    /// @param stakeToken The ERC-20 operators stake and challengers bond in.
    /// @param treasury Where slashed stake and burned bond shares are credited.
    /// @param unbondingDelay Seconds a withdrawal waits; must outlast any challenge window plus any dispute,
    /// so that nobody leaves before a slash can reach them.
    /// @param rewardBps Share of a slashed bond credited to the winning challenger.
    /// @param burnBps Share of a losing challenger's bond credited to the treasury instead of the operator.
    constructor(
        uint32 minChallengeWindow,
        uint32 maxChallengeWindow,
        uint32 maxDisputeDuration,
        IERC20 stakeToken,
        address treasury,
        uint64 unbondingDelay,
        uint16 rewardBps,
        uint16 burnBps
    ) {
        if (rewardBps > _BPS || burnBps > _BPS) revert LedgerInvalidConfiguration();
        if (unbondingDelay <= uint256(maxChallengeWindow) + maxDisputeDuration) revert LedgerInvalidConfiguration();
        registry = new ModelRegistry(minChallengeWindow, maxChallengeWindow, maxDisputeDuration);
        stakeManager = new StakeManager(stakeToken, treasury, unbondingDelay);
        challengerRewardBps = rewardBps;
        challengerBurnBps = burnBps;
    }

    // ---------------------------------------------------------------- commitments

    /// @inheritdoc IInferenceLedger
    function commit(bytes32 modelId, bytes32 requestId, bytes32 inputHash, bytes32 outputHash)
        external
        returns (bytes32 commitmentId)
    {
        bytes32 leaf = _leaf(requestId, inputHash, outputHash);
        (bytes32 id, uint40 deadline, uint256 bond) = _open(modelId, leaf, 1);
        emit InferenceCommitted(id, modelId, msg.sender, requestId, inputHash, outputHash, deadline, bond);
        return id;
    }

    /// @inheritdoc IInferenceLedger
    function commitBatch(bytes32 modelId, Inference[] calldata items) external returns (bytes32 commitmentId) {
        uint256 count = items.length;
        if (count == 0 || count > maxBatchSize) revert LedgerBatchSizeInvalid(count, maxBatchSize);
        bytes32[] memory nodes = new bytes32[](count);
        for (uint256 i; i < count; ++i) {
            Inference calldata item = items[i];
            nodes[i] = _leaf(item.requestId, item.inputHash, item.outputHash);
        }
        bytes32 root = MerkleTree.rootInPlace(nodes);
        (bytes32 id, uint40 deadline, uint256 bond) = _open(modelId, root, uint24(count));
        emit BatchCommitted(id, modelId, msg.sender, root, deadline, bond, items);
        return id;
    }

    /// @dev Records a commitment in its one slot and takes its bond from the operator's reserve.
    function _open(bytes32 modelId, bytes32 root, uint24 count)
        private
        returns (bytes32 id, uint40 deadline, uint256 bond)
    {
        IModelRegistry.CommitTerms memory terms = _terms[modelId];
        if (terms.index == 0) revert LedgerModelNotFound(modelId);
        if (terms.deprecated) revert LedgerModelDeprecated(modelId);
        id = computeCommitmentId(modelId, msg.sender, root);
        if (_commitments[id].status != CommitmentStatus.None) revert LedgerCommitmentExists(id);
        deadline = uint40(block.timestamp) + terms.challengeWindow;
        bond = uint256(terms.bondPerInference) * count;
        _commitments[id] = Commitment({
            operator: msg.sender,
            challengeDeadline: deadline,
            status: CommitmentStatus.Pending,
            count: count,
            modelIndex: terms.index
        });
        uint256 reserve = _bondReserves[msg.sender];
        if (reserve < bond) revert LedgerInsufficientBondReserve(msg.sender, reserve, bond);
        _bondReserves[msg.sender] = reserve - bond;
    }

    // ---------------------------------------------------------------- challenges

    /// @inheritdoc IInferenceLedger
    function challenge(
        bytes32 commitmentId,
        uint256 leafIndex,
        Inference calldata inference,
        bytes32[] calldata proof,
        bytes32 claimedOutputHash
    ) external nonReentrant returns (uint256 disputeId) {
        Commitment memory c = _commitments[commitmentId];
        if (c.status == CommitmentStatus.None) revert LedgerCommitmentNotFound(commitmentId);
        if (c.status != CommitmentStatus.Pending && c.status != CommitmentStatus.Disputed) {
            revert LedgerCommitmentStatusInvalid(commitmentId, c.status);
        }
        if (block.timestamp > c.challengeDeadline) revert LedgerChallengeWindowClosed(commitmentId, c.challengeDeadline);
        if (leafIndex >= c.count) revert LedgerLeafIndexOutOfRange(commitmentId, leafIndex, c.count);
        if (claimedOutputHash == inference.outputHash) {
            revert LedgerClaimMatchesCommitment(commitmentId, claimedOutputHash);
        }
        bytes32 modelId = _modelIds[c.modelIndex];
        bytes32 leaf = _leaf(inference.requestId, inference.inputHash, inference.outputHash);
        (bytes32 root, bool valid) = MerkleTree.processProof(leaf, leafIndex, c.count, proof);
        if (!valid || computeCommitmentId(modelId, c.operator, root) != commitmentId) {
            revert LedgerInvalidProof(commitmentId, leafIndex);
        }
        IModelRegistry.ModelSpec memory spec = registry.getModel(modelId).spec;

        disputeId = ++disputeCount;
        _disputes[disputeId] = Dispute({
            commitmentId: commitmentId,
            challenger: msg.sender,
            leafIndex: uint24(leafIndex),
            openedAt: uint40(block.timestamp),
            status: DisputeStatus.Open,
            bond: spec.challengerBond,
            resolver: spec.resolver
        });
        DisputeTally storage tally = _tallies[commitmentId];
        tally.open += 1;
        tally.total += 1;
        _openByLeaf[commitmentId][leafIndex] += 1;
        if (c.status == CommitmentStatus.Pending) _commitments[commitmentId].status = CommitmentStatus.Disputed;
        emit DisputeOpened(
            disputeId, commitmentId, msg.sender, leafIndex, claimedOutputHash, address(spec.resolver), spec.challengerBond
        );

        stakeManager.escrowBond(msg.sender, spec.challengerBond);
        spec.resolver.openDispute(
            IDisputeResolver.DisputeContext({
                disputeId: disputeId,
                commitmentId: commitmentId,
                modelId: modelId,
                operator: c.operator,
                challenger: msg.sender,
                leafIndex: leafIndex,
                requestId: inference.requestId,
                inputHash: inference.inputHash,
                outputHash: inference.outputHash,
                claimedOutputHash: claimedOutputHash,
                weightsRoot: spec.weightsRoot,
                traceLength: spec.traceLength
            })
        );
    }

    /// @inheritdoc IInferenceLedger
    function resolveDispute(uint256 disputeId, IDisputeResolver.Outcome outcome) external nonReentrant {
        Dispute storage dispute = _openDispute(disputeId);
        if (msg.sender != address(dispute.resolver)) revert LedgerNotResolver(disputeId, msg.sender);
        if (outcome == IDisputeResolver.Outcome.None) revert LedgerInvalidOutcome(disputeId, outcome);
        DisputeStatus status = outcome == IDisputeResolver.Outcome.OperatorFault
            ? DisputeStatus.OperatorFault
            : outcome == IDisputeResolver.Outcome.ChallengerFault ? DisputeStatus.ChallengerFault : DisputeStatus.NoFault;
        _close(disputeId, dispute, status);
    }

    /// @inheritdoc IInferenceLedger
    function expireDispute(uint256 disputeId) external nonReentrant {
        Dispute storage dispute = _openDispute(disputeId);
        uint256 expiresAt = uint256(dispute.openedAt) + registry.maxDisputeDuration();
        if (block.timestamp <= expiresAt) revert LedgerDisputeNotExpired(disputeId, expiresAt);
        _close(disputeId, dispute, DisputeStatus.NoFault);
    }

    function _openDispute(uint256 disputeId) private view returns (Dispute storage dispute) {
        dispute = _disputes[disputeId];
        DisputeStatus status = dispute.status;
        if (status == DisputeStatus.None) revert LedgerDisputeNotFound(disputeId);
        if (status != DisputeStatus.Open) revert LedgerDisputeClosed(disputeId, status);
    }

    /// @dev Pays out a dispute. The first proven fault slashes the whole commitment; later disputes on a
    /// slashed commitment only move their own bonds.
    function _close(uint256 disputeId, Dispute storage dispute, DisputeStatus status) private {
        bytes32 commitmentId = dispute.commitmentId;
        Commitment storage c = _commitments[commitmentId];
        DisputeTally storage tally = _tallies[commitmentId];
        dispute.status = status;
        tally.open -= 1;
        _openByLeaf[commitmentId][dispute.leafIndex] -= 1;
        emit DisputeResolved(disputeId, commitmentId, status);

        address challenger = dispute.challenger;
        uint256 bond = dispute.bond;
        if (status == DisputeStatus.OperatorFault) {
            if (c.status != CommitmentStatus.Slashed) {
                uint256 slashed = _bond(c);
                uint256 reward = slashed * challengerRewardBps / _BPS;
                c.status = CommitmentStatus.Slashed;
                tally.fraudulentLeaf = dispute.leafIndex;
                emit CommitmentSlashed(commitmentId, c.operator, disputeId, dispute.leafIndex, slashed, reward);
                stakeManager.slash(c.operator, slashed, challenger, reward);
            }
            stakeManager.releaseBond(challenger, bond);
        } else if (status == DisputeStatus.ChallengerFault) {
            uint256 burned = bond * challengerBurnBps / _BPS;
            stakeManager.releaseBond(c.operator, bond - burned);
            stakeManager.releaseBond(stakeManager.treasury(), burned);
        } else {
            stakeManager.releaseBond(challenger, bond);
        }
        if (tally.open == 0 && c.status == CommitmentStatus.Disputed) c.status = CommitmentStatus.Pending;
    }

    // ---------------------------------------------------------------- settlement

    /// @inheritdoc IInferenceLedger
    function settle(bytes32 commitmentId) external {
        Commitment storage c = _commitments[commitmentId];
        CommitmentStatus status = c.status;
        if (status == CommitmentStatus.None) revert LedgerCommitmentNotFound(commitmentId);
        if (status == CommitmentStatus.Disputed) revert LedgerDisputesOpen(commitmentId, _tallies[commitmentId].open);
        if (status != CommitmentStatus.Pending) revert LedgerCommitmentStatusInvalid(commitmentId, status);
        if (block.timestamp <= c.challengeDeadline) revert LedgerChallengeWindowOpen(commitmentId, c.challengeDeadline);
        _settle(commitmentId, c);
    }

    /// @inheritdoc IInferenceLedger
    function settleMany(bytes32[] calldata commitmentIds) external returns (uint256 settled) {
        for (uint256 i; i < commitmentIds.length; ++i) {
            Commitment storage c = _commitments[commitmentIds[i]];
            if (c.status == CommitmentStatus.Pending && block.timestamp > c.challengeDeadline) {
                _settle(commitmentIds[i], c);
                ++settled;
            }
        }
    }

    function _settle(bytes32 commitmentId, Commitment storage c) private {
        c.status = CommitmentStatus.Settled;
        uint256 bond = _bond(c);
        _bondReserves[c.operator] += bond;
        emit CommitmentSettled(commitmentId, c.operator, bond);
    }

    // ---------------------------------------------------------------- operators and models

    /// @inheritdoc IInferenceLedger
    function fundBondReserve(uint256 amount) external {
        uint256 reserve = _bondReserves[msg.sender] + amount;
        _bondReserves[msg.sender] = reserve;
        emit BondReserveFunded(msg.sender, amount, reserve);
        stakeManager.lock(msg.sender, amount);
    }

    /// @inheritdoc IInferenceLedger
    function releaseBondReserve(uint256 amount) external {
        uint256 reserve = _bondReserves[msg.sender];
        if (reserve < amount) revert LedgerInsufficientBondReserve(msg.sender, reserve, amount);
        _bondReserves[msg.sender] = reserve - amount;
        emit BondReserveReleased(msg.sender, amount, reserve - amount);
        stakeManager.unlock(msg.sender, amount);
    }

    /// @inheritdoc IInferenceLedger
    function syncModelTerms(bytes32 modelId, IModelRegistry.CommitTerms calldata terms) external {
        if (msg.sender != address(registry)) revert LedgerOnlyRegistry(msg.sender);
        _terms[modelId] = terms;
        _modelIds[terms.index] = modelId;
    }

    /// @inheritdoc IInferenceLedger
    function setDataURI(string calldata uri) external {
        _dataURIs[msg.sender] = uri;
        emit DataURISet(msg.sender, uri);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IInferenceLedger
    function getCommitment(bytes32 commitmentId) external view returns (Commitment memory) {
        return _commitments[commitmentId];
    }

    /// @inheritdoc IInferenceLedger
    function getDisputeTally(bytes32 commitmentId) external view returns (DisputeTally memory) {
        return _tallies[commitmentId];
    }

    /// @inheritdoc IInferenceLedger
    function modelOf(bytes32 commitmentId) external view returns (bytes32) {
        return _modelIds[_existing(commitmentId).modelIndex];
    }

    /// @inheritdoc IInferenceLedger
    function bondReserveOf(address operator) external view returns (uint256) {
        return _bondReserves[operator];
    }

    /// @inheritdoc IInferenceLedger
    function bondOf(bytes32 commitmentId) external view returns (uint256) {
        return _bond(_existing(commitmentId));
    }

    /// @inheritdoc IInferenceLedger
    function challengeBond(bytes32 commitmentId) external view returns (uint256) {
        return registry.getModel(_modelIds[_existing(commitmentId).modelIndex]).spec.challengerBond;
    }

    /// @inheritdoc IInferenceLedger
    function inferenceStatus(bytes32 commitmentId, uint256 leafIndex) external view returns (InferenceStatus) {
        Commitment storage c = _commitments[commitmentId];
        CommitmentStatus status = c.status;
        if (status == CommitmentStatus.None || leafIndex >= c.count) return InferenceStatus.None;
        if (status == CommitmentStatus.Slashed) {
            return leafIndex == _tallies[commitmentId].fraudulentLeaf ? InferenceStatus.Fraudulent : InferenceStatus.Voided;
        }
        if (status == CommitmentStatus.Settled) return InferenceStatus.Settled;
        return _openByLeaf[commitmentId][leafIndex] > 0 ? InferenceStatus.Disputed : InferenceStatus.Pending;
    }

    /// @inheritdoc IInferenceLedger
    function getDispute(uint256 disputeId) external view returns (Dispute memory) {
        return _disputes[disputeId];
    }

    /// @inheritdoc IInferenceLedger
    function dataURIOf(address operator) external view returns (string memory) {
        return _dataURIs[operator];
    }

    /// @inheritdoc IInferenceLedger
    function computeCommitmentId(bytes32 modelId, address operator, bytes32 root) public pure returns (bytes32) {
        return keccak256(abi.encode(modelId, operator, root));
    }

    function _existing(bytes32 commitmentId) private view returns (Commitment storage c) {
        c = _commitments[commitmentId];
        if (c.status == CommitmentStatus.None) revert LedgerCommitmentNotFound(commitmentId);
    }

    /// @dev The bond behind a commitment: the model's immutable bond per inference times its size.
    function _bond(Commitment storage c) private view returns (uint256) {
        return uint256(_terms[_modelIds[c.modelIndex]].bondPerInference) * c.count;
    }

    /// @dev `keccak256(bytes.concat(keccak256(abi.encode(requestId, inputHash, outputHash))))`, in scratch memory.
    function _leaf(bytes32 requestId, bytes32 inputHash, bytes32 outputHash) private pure returns (bytes32 leaf) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, requestId)
            mstore(add(ptr, 0x20), inputHash)
            mstore(add(ptr, 0x40), outputHash)
            mstore(0x00, keccak256(ptr, 0x60))
            leaf := keccak256(0x00, 0x20)
        }
    }
}
