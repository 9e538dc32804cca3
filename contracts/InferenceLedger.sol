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
/// @notice Commitments of inference results, their challenge window, the accusations against them (disputes and
/// data demands, committed before they are revealed) and their settlement.
/// @dev The ledger deploys the model registry and the stake manager, so both trust it through immutable
/// bindings. A commitment reads and writes only this contract's storage: model terms are mirrored from
/// the registry and bonds come from the operator's bond reserve.
contract InferenceLedger is IInferenceLedger, ReentrancyGuardTransient {
    uint16 private constant _BPS = 10_000;

    /// @dev A dispute in two slots: its bond and resolver are the model's, mirrored here by the registry.
    struct DisputeRecord {
        bytes32 commitmentId;
        address challenger;
        uint24 leafIndex;
        uint40 openedAt;
        DisputeStatus status;
    }

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
    uint32 public immutable revealWindow;
    /// @inheritdoc IInferenceLedger
    uint32 public immutable dataAnswerWindow;
    /// @inheritdoc IInferenceLedger
    uint96 public immutable challengeDeposit;
    address private immutable _treasury;

    /// @inheritdoc IInferenceLedger
    uint256 public disputeCount;

    mapping(bytes32 modelId => IModelRegistry.CommitTerms) private _terms;
    mapping(uint24 modelIndex => bytes32 modelId) private _modelIds;
    mapping(address operator => uint256) private _bondReserves;
    mapping(bytes32 commitmentId => Commitment) private _commitments;
    mapping(bytes32 commitmentId => DisputeTally) private _tallies;
    mapping(bytes32 commitmentId => mapping(uint256 leafIndex => uint256 open)) private _openByLeaf;
    mapping(uint256 disputeId => DisputeRecord) private _disputes;
    mapping(uint24 modelIndex => IDisputeResolver) private _resolvers;
    mapping(address operator => string) private _dataURIs;
    mapping(bytes32 commitHash => ChallengeCommit) private _challengeCommits;
    mapping(bytes32 demandKey => DataDemand) private _dataDemands;

    /// @notice Deploys the ledger with the model registry and the stake manager it alone talks to.
    /// @param config The protocol parameters; `unbondingDelay` must outlast the longest challenge window plus the
    /// longest dispute, so that nobody leaves before a slash can reach them.
    constructor(Config memory config) {
        if (
            config.challengerRewardBps > _BPS || config.challengerBurnBps > _BPS || config.revealWindow == 0
                || config.dataAnswerWindow == 0 || config.dataAnswerWindow > config.maxDisputeDuration
                || config.unbondingDelay <= uint256(config.maxChallengeWindow) + config.maxDisputeDuration
        ) revert LedgerInvalidConfiguration();
        registry = new ModelRegistry(
            config.minChallengeWindow,
            config.maxChallengeWindow,
            config.maxDisputeDuration,
            config.challengeDeposit,
            config.governance
        );
        stakeManager = new StakeManager(config.stakeToken, config.treasury, config.unbondingDelay);
        challengerRewardBps = config.challengerRewardBps;
        challengerBurnBps = config.challengerBurnBps;
        revealWindow = config.revealWindow;
        dataAnswerWindow = config.dataAnswerWindow;
        challengeDeposit = config.challengeDeposit;
        _treasury = config.treasury;
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

    // ---------------------------------------------------------------- accusations

    /// @inheritdoc IInferenceLedger
    function commitChallenge(bytes32 commitHash) external nonReentrant returns (uint256 id) {
        if (_challengeCommits[commitHash].status != ChallengeCommitStatus.None) {
            revert LedgerChallengeCommitExists(commitHash);
        }
        id = ++disputeCount;
        _challengeCommits[commitHash] = ChallengeCommit({
            id: uint48(id),
            committedAt: uint40(block.timestamp),
            status: ChallengeCommitStatus.Committed
        });
        emit ChallengeCommitted(id, commitHash, msg.sender, uint40(block.timestamp) + revealWindow, challengeDeposit);
        stakeManager.escrowBond(msg.sender, challengeDeposit);
    }

    /// @inheritdoc IInferenceLedger
    function challenge(
        bytes32 commitmentId,
        uint256 leafIndex,
        Inference calldata inference,
        bytes32[] calldata proof,
        bytes32 claimedOutputHash,
        bytes32 salt
    ) external nonReentrant returns (uint256 disputeId) {
        if (claimedOutputHash == bytes32(0)) revert LedgerClaimMissing(commitmentId);
        Commitment memory c;
        bytes32 modelId;
        (c, disputeId, modelId) = _reveal(commitmentId, leafIndex, inference, proof, claimedOutputHash, salt);
        IModelRegistry.DisputeTerms memory spec = registry.disputeTerms(modelId);
        _disputes[disputeId] = DisputeRecord({
            commitmentId: commitmentId,
            challenger: msg.sender,
            leafIndex: uint24(leafIndex),
            openedAt: uint40(block.timestamp),
            status: DisputeStatus.Open
        });
        emit DisputeOpened(
            disputeId, commitmentId, msg.sender, leafIndex, claimedOutputHash, address(spec.resolver), spec.challengerBond
        );

        // The registry keeps every challenger bond at or above the deposit already in escrow.
        uint256 topUp = spec.challengerBond - challengeDeposit;
        if (topUp != 0) stakeManager.escrowBond(msg.sender, topUp);
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
    function demandData(
        bytes32 commitmentId,
        uint256 leafIndex,
        Inference calldata inference,
        bytes32[] calldata proof,
        bytes32 salt
    ) external nonReentrant returns (uint256 demandId) {
        (, demandId,) = _reveal(commitmentId, leafIndex, inference, proof, bytes32(0), salt);
        uint40 deadline = uint40(block.timestamp) + dataAnswerWindow;
        _dataDemands[computeDemandKey(demandId, commitmentId, leafIndex, inference.inputHash)] =
            DataDemand({demander: msg.sender, deadline: deadline, status: DataDemandStatus.Open});
        emit DataDemanded(
            demandId, commitmentId, msg.sender, leafIndex, inference.inputHash, deadline, challengeDeposit
        );
    }

    /// @inheritdoc IInferenceLedger
    function publishInput(uint256 demandId, bytes32 commitmentId, uint256 leafIndex, bytes calldata input)
        external
        nonReentrant
    {
        // The key commits to the input hash: only the committed input's bytes find the demand.
        bytes32 key = computeDemandKey(demandId, commitmentId, leafIndex, keccak256(input));
        DataDemand storage demand = _demandIn(key, DataDemandStatus.Open);
        if (block.timestamp > demand.deadline) revert LedgerDataAnswerWindowClosed(key, demand.deadline);
        demand.status = DataDemandStatus.Answered;
        emit InputPublished(demandId, commitmentId, leafIndex, input);
        // The deposit is credited later ({collectDataDemand}): the answer stays cheap, a calldata-bound transaction.
        Commitment storage c = _commitments[commitmentId];
        // The last open accusation on a slashed commitment may be this demand: its closing pays the reward.
        _tryPayReward(commitmentId, c, _release(commitmentId, c, leafIndex));
    }

    /// @inheritdoc IInferenceLedger
    function collectDataDemand(uint256 demandId, bytes32 commitmentId, uint256 leafIndex, bytes32 inputHash)
        external
        nonReentrant
    {
        DataDemand storage demand =
            _demandIn(computeDemandKey(demandId, commitmentId, leafIndex, inputHash), DataDemandStatus.Answered);
        demand.status = DataDemandStatus.Collected;
        emit DataDemandClosed(demandId, commitmentId, DataDemandStatus.Collected);
        // Answering cost the operator gas; the demander's deposit pays for it.
        stakeManager.releaseBond(_commitments[commitmentId].operator, challengeDeposit);
    }

    /// @inheritdoc IInferenceLedger
    function expireDataDemand(uint256 demandId, bytes32 commitmentId, uint256 leafIndex, bytes32 inputHash)
        external
        nonReentrant
    {
        bytes32 key = computeDemandKey(demandId, commitmentId, leafIndex, inputHash);
        DataDemand storage demand = _demandIn(key, DataDemandStatus.Open);
        uint40 deadline = demand.deadline;
        if (block.timestamp <= deadline) revert LedgerDataAnswerWindowOpen(key, deadline);
        demand.status = DataDemandStatus.Withheld;
        emit DataDemandClosed(demandId, commitmentId, DataDemandStatus.Withheld);
        Commitment storage c = _commitments[commitmentId];
        DisputeTally storage tally = _release(commitmentId, c, leafIndex);
        address demander = demand.demander;
        stakeManager.releaseBond(demander, challengeDeposit);
        _proveFault(commitmentId, c, tally, demandId, leafIndex, demander);
        _tryPayReward(commitmentId, c, tally);
    }

    /// @inheritdoc IInferenceLedger
    function forfeitChallengeCommit(bytes32 commitHash) external nonReentrant {
        ChallengeCommit storage record = _challengeCommits[commitHash];
        ChallengeCommitStatus status = record.status;
        if (status == ChallengeCommitStatus.None) revert LedgerChallengeCommitNotFound(commitHash);
        if (status != ChallengeCommitStatus.Committed) revert LedgerChallengeCommitClosed(commitHash, status);
        uint256 revealDeadline = uint256(record.committedAt) + revealWindow;
        if (block.timestamp <= revealDeadline) revert LedgerRevealWindowOpen(commitHash, revealDeadline);
        record.status = ChallengeCommitStatus.Forfeited;
        emit ChallengeCommitForfeited(record.id, commitHash, challengeDeposit);
        stakeManager.releaseBond(_treasury, challengeDeposit);
    }

    /// @inheritdoc IInferenceLedger
    function payChallengerReward(bytes32 commitmentId) external nonReentrant {
        Commitment storage c = _existing(commitmentId);
        DisputeTally storage tally = _tallies[commitmentId];
        if (c.status != CommitmentStatus.Slashed || tally.rewardPaid) revert LedgerNoReward(commitmentId);
        if (!_tryPayReward(commitmentId, c, tally)) {
            revert LedgerRewardNotFinal(commitmentId, tally.open, c.challengeDeadline);
        }
    }

    /// @dev The data demand under `key`, which must be in status `expected`.
    function _demandIn(bytes32 key, DataDemandStatus expected) private view returns (DataDemand storage demand) {
        demand = _dataDemands[key];
        DataDemandStatus status = demand.status;
        if (status == DataDemandStatus.None) revert LedgerDataDemandNotFound(key);
        if (status != expected) revert LedgerDataDemandStatusInvalid(key, status);
    }

    /// @dev Checks and consumes the caller's challenge commit for an accusation of inference `leafIndex`, and
    /// counts the accusation as open on the commitment. `claim` is zero for a data demand.
    function _reveal(
        bytes32 commitmentId,
        uint256 leafIndex,
        Inference calldata inference,
        bytes32[] calldata proof,
        bytes32 claim,
        bytes32 salt
    ) private returns (Commitment memory c, uint256 id, bytes32 modelId) {
        c = _commitments[commitmentId];
        CommitmentStatus status = c.status;
        if (status == CommitmentStatus.None) revert LedgerCommitmentNotFound(commitmentId);
        if (status == CommitmentStatus.Settled) revert LedgerCommitmentStatusInvalid(commitmentId, status);
        if (block.timestamp > c.challengeDeadline) revert LedgerChallengeWindowClosed(commitmentId, c.challengeDeadline);
        bytes32 commitHash = computeChallengeCommit(msg.sender, commitmentId, leafIndex, claim, salt);
        ChallengeCommit memory record = _challengeCommits[commitHash];
        if (record.status == ChallengeCommitStatus.None) revert LedgerChallengeCommitNotFound(commitHash);
        if (record.status != ChallengeCommitStatus.Committed) {
            revert LedgerChallengeCommitClosed(commitHash, record.status);
        }
        uint256 revealDeadline = uint256(record.committedAt) + revealWindow;
        if (block.timestamp > revealDeadline) revert LedgerRevealWindowClosed(commitHash, revealDeadline);
        id = record.id;
        DisputeTally storage tally = _tallies[commitmentId];
        // Once slashed, only an accusation committed before the current reward claimant's can change anything.
        if (status == CommitmentStatus.Slashed && id > tally.rewardAccusation) {
            revert LedgerAccusationTooLate(commitmentId, id, tally.rewardAccusation);
        }
        if (claim != bytes32(0) && claim == inference.outputHash) {
            revert LedgerClaimMatchesCommitment(commitmentId, claim);
        }
        if (leafIndex >= c.count) revert LedgerLeafIndexOutOfRange(commitmentId, leafIndex, c.count);
        modelId = _modelIds[c.modelIndex];
        bytes32 leaf = _leaf(inference.requestId, inference.inputHash, inference.outputHash);
        (bytes32 root, bool valid) = MerkleTree.processProof(leaf, leafIndex, c.count, proof);
        if (!valid || computeCommitmentId(modelId, c.operator, root) != commitmentId) {
            revert LedgerInvalidProof(commitmentId, leafIndex);
        }

        _challengeCommits[commitHash].status = ChallengeCommitStatus.Revealed;
        tally.open += 1;
        _openByLeaf[commitmentId][leafIndex] += 1;
        if (status == CommitmentStatus.Pending) _commitments[commitmentId].status = CommitmentStatus.Disputed;
    }

    /// @inheritdoc IInferenceLedger
    function resolveDispute(uint256 disputeId, IDisputeResolver.Outcome outcome) external nonReentrant {
        DisputeRecord storage dispute = _openDispute(disputeId);
        if (msg.sender != address(_resolvers[_commitments[dispute.commitmentId].modelIndex])) {
            revert LedgerNotResolver(disputeId, msg.sender);
        }
        if (outcome == IDisputeResolver.Outcome.None) revert LedgerInvalidOutcome(disputeId, outcome);
        DisputeStatus status = outcome == IDisputeResolver.Outcome.OperatorFault
            ? DisputeStatus.OperatorFault
            : outcome == IDisputeResolver.Outcome.ChallengerFault ? DisputeStatus.ChallengerFault : DisputeStatus.NoFault;
        _close(disputeId, dispute, status);
    }

    /// @inheritdoc IInferenceLedger
    function expireDispute(uint256 disputeId) external nonReentrant {
        DisputeRecord storage dispute = _openDispute(disputeId);
        uint256 expiresAt = uint256(dispute.openedAt) + registry.maxDisputeDuration();
        if (block.timestamp <= expiresAt) revert LedgerDisputeNotExpired(disputeId, expiresAt);
        _close(disputeId, dispute, DisputeStatus.NoFault);
    }

    function _openDispute(uint256 disputeId) private view returns (DisputeRecord storage dispute) {
        dispute = _disputes[disputeId];
        DisputeStatus status = dispute.status;
        if (status == DisputeStatus.None) revert LedgerDisputeNotFound(disputeId);
        if (status != DisputeStatus.Open) revert LedgerDisputeClosed(disputeId, status);
    }

    /// @dev Pays out a dispute. A proven fault slashes the commitment's whole bond once and competes for its
    /// challenger reward by commit order; a wrong or unproven claim costs the challenger the burned share.
    function _close(uint256 disputeId, DisputeRecord storage dispute, DisputeStatus status) private {
        bytes32 commitmentId = dispute.commitmentId;
        Commitment storage c = _commitments[commitmentId];
        dispute.status = status;
        emit DisputeResolved(disputeId, commitmentId, status);
        uint256 leafIndex = dispute.leafIndex;
        DisputeTally storage tally = _release(commitmentId, c, leafIndex);

        address challenger = dispute.challenger;
        uint256 bond = _terms[_modelIds[c.modelIndex]].challengerBond;
        if (status == DisputeStatus.OperatorFault) {
            stakeManager.releaseBond(challenger, bond);
            _proveFault(commitmentId, c, tally, disputeId, leafIndex, challenger);
        } else {
            // Challenger fault pays the operator; no fault refunds the challenger. Either way the burned share
            // goes to the treasury, so a challenger can never hold a commitment open for free.
            uint256 burned = bond * challengerBurnBps / _BPS;
            stakeManager.releaseBond(status == DisputeStatus.ChallengerFault ? c.operator : challenger, bond - burned);
            stakeManager.releaseBond(_treasury, burned);
        }
        _tryPayReward(commitmentId, c, tally);
    }

    /// @dev Counts one accusation on inference `leafIndex` as closed; the commitment is pending again when none is open.
    function _release(bytes32 commitmentId, Commitment storage c, uint256 leafIndex)
        private
        returns (DisputeTally storage tally)
    {
        tally = _tallies[commitmentId];
        uint24 open = tally.open - 1;
        tally.open = open;
        _openByLeaf[commitmentId][leafIndex] -= 1;
        if (open == 0 && c.status == CommitmentStatus.Disputed) c.status = CommitmentStatus.Pending;
    }

    /// @dev Accusation `id` proved inference `leafIndex` wrong (or its input withheld). The first proof slashes the
    /// whole bond; the challenger reward stays in escrow for the earliest-committed accusation proven right.
    function _proveFault(
        bytes32 commitmentId,
        Commitment storage c,
        DisputeTally storage tally,
        uint256 id,
        uint256 leafIndex,
        address challenger
    ) private {
        if (c.status != CommitmentStatus.Slashed) {
            uint256 slashed = _bond(c);
            uint256 reward = slashed * challengerRewardBps / _BPS;
            c.status = CommitmentStatus.Slashed;
            tally.fraudulentLeaf = uint16(leafIndex);
            emit CommitmentSlashed(commitmentId, c.operator, id, leafIndex, slashed, reward);
            stakeManager.slash(c.operator, slashed, reward);
        } else if (id > tally.rewardAccusation) {
            return;
        }
        tally.rewardee = challenger;
        tally.rewardAccusation = uint48(id);
        emit RewardClaimantChanged(commitmentId, id, challenger);
    }

    /// @dev Credits the challenger reward once the commitment is slashed, no accusation is open and its window has
    /// closed, so that no accusation committed earlier than the claimant's can still be revealed. Returns whether it paid.
    function _tryPayReward(bytes32 commitmentId, Commitment storage c, DisputeTally storage tally)
        private
        returns (bool)
    {
        if (
            c.status != CommitmentStatus.Slashed || tally.rewardPaid || tally.open != 0
                || block.timestamp <= c.challengeDeadline
        ) return false;
        tally.rewardPaid = true;
        uint256 reward = _bond(c) * challengerRewardBps / _BPS;
        address rewardee = tally.rewardee;
        emit ChallengerRewarded(commitmentId, tally.rewardAccusation, rewardee, reward);
        if (reward != 0) stakeManager.releaseBond(rewardee, reward);
        return true;
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
    function syncModelTerms(bytes32 modelId, IModelRegistry.CommitTerms calldata terms, IDisputeResolver resolver)
        external
    {
        if (msg.sender != address(registry)) revert LedgerOnlyRegistry(msg.sender);
        _terms[modelId] = terms;
        _modelIds[terms.index] = modelId;
        _resolvers[terms.index] = resolver;
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
        return _terms[_modelIds[_existing(commitmentId).modelIndex]].challengerBond;
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
    function getDispute(uint256 disputeId) external view returns (Dispute memory dispute) {
        DisputeRecord memory record = _disputes[disputeId];
        if (record.status == DisputeStatus.None) return dispute;
        uint24 modelIndex = _commitments[record.commitmentId].modelIndex;
        return Dispute({
            commitmentId: record.commitmentId,
            challenger: record.challenger,
            leafIndex: record.leafIndex,
            openedAt: record.openedAt,
            status: record.status,
            bond: _terms[_modelIds[modelIndex]].challengerBond,
            resolver: _resolvers[modelIndex]
        });
    }

    /// @inheritdoc IInferenceLedger
    function dataURIOf(address operator) external view returns (string memory) {
        return _dataURIs[operator];
    }

    /// @inheritdoc IInferenceLedger
    function getChallengeCommit(bytes32 commitHash) external view returns (ChallengeCommit memory) {
        return _challengeCommits[commitHash];
    }

    /// @inheritdoc IInferenceLedger
    function getDataDemand(bytes32 demandKey) external view returns (DataDemand memory) {
        return _dataDemands[demandKey];
    }

    /// @inheritdoc IInferenceLedger
    function computeChallengeCommit(
        address challenger,
        bytes32 commitmentId,
        uint256 leafIndex,
        bytes32 claimedOutputHash,
        bytes32 salt
    ) public pure returns (bytes32) {
        return keccak256(abi.encode(challenger, commitmentId, leafIndex, claimedOutputHash, salt));
    }

    /// @inheritdoc IInferenceLedger
    function computeDemandKey(uint256 demandId, bytes32 commitmentId, uint256 leafIndex, bytes32 inputHash)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(demandId, commitmentId, leafIndex, inputHash));
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
