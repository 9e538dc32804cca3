// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ModelRegistry} from "../../ModelRegistry.sol";
import {InferenceLedger} from "../../InferenceLedger.sol";
import {CommitteeResolver} from "../../resolvers/CommitteeResolver.sol";
import {IStakeManager} from "../../interfaces/IStakeManager.sol";
import {IModelRegistry} from "../../interfaces/IModelRegistry.sol";
import {IInferenceLedger} from "../../interfaces/IInferenceLedger.sol";
import {IDisputeResolver} from "../../interfaces/IDisputeResolver.sol";
import {TestToken} from "../TestToken.sol";
import {TestBase} from "./Vm.sol";
import {NaiveMerkle} from "./NaiveMerkle.sol";

/// @notice One deployed protocol: registry, ledger (which deploys the stake manager), committee and two models.
struct VinferSystem {
    IERC20 token;
    ModelRegistry registry;
    InferenceLedger ledger;
    IStakeManager stakeManager;
    CommitteeResolver committee;
    bytes32 modelA;
    bytes32 modelB;
}

/// @notice The protocol deployed the way production deploys it, shared by every Solidity test.
abstract contract VinferFixture is TestBase {
    uint256 internal constant T0 = 1_700_000_000;

    uint32 internal constant MIN_WINDOW = 10 minutes;
    uint32 internal constant MAX_WINDOW = 1 days;
    uint32 internal constant MAX_DISPUTE = 2 days;
    uint32 internal constant REVEAL_WINDOW = 5 minutes;
    uint32 internal constant DATA_ANSWER_WINDOW = 1 hours;
    uint96 internal constant DEPOSIT = 0.25 ether; // every challenge commit; the bond of a data demand
    uint64 internal constant UNBONDING_DELAY = 4 days; // > MAX_WINDOW + MAX_DISPUTE
    uint16 internal constant REWARD_BPS = 5_000;
    uint16 internal constant BURN_BPS = 2_500;
    uint16 internal constant BPS = 10_000;

    uint16 internal constant THRESHOLD = 3; // of 5 arbiters
    uint32 internal constant VOTING_PERIOD = 1 days;

    uint32 internal constant WINDOW_A = 1 hours;
    uint96 internal constant BOND_A = 2 ether; // per inference
    uint96 internal constant CHALLENGER_BOND_A = 1 ether;

    uint32 internal constant WINDOW_B = 6 hours;
    uint96 internal constant BOND_B = 0.5 ether;
    uint96 internal constant CHALLENGER_BOND_B = 3 ether;

    address internal treasury = _actor("treasury");
    address internal governance = _actor("governance");
    address[] internal arbiters;

    TestToken internal token;
    ModelRegistry internal registry;
    InferenceLedger internal ledger;
    IStakeManager internal stakeManager;
    CommitteeResolver internal committee;
    bytes32 internal modelA;
    bytes32 internal modelB;

    function setUp() public virtual {
        vm.warp(T0);
        for (uint256 i; i < 5; ++i) {
            arbiters.push(_actor(string.concat("arbiter ", _str(i))));
        }
        token = new TestToken();
        VinferSystem memory s = _deploySystem(IERC20(address(token)));
        registry = s.registry;
        ledger = s.ledger;
        stakeManager = s.stakeManager;
        committee = s.committee;
        modelA = s.modelA;
        modelB = s.modelB;
    }

    /// @notice Deploys a full system on `stakeToken`, exactly as the deployment scripts do.
    function _deploySystem(IERC20 stakeToken) internal returns (VinferSystem memory s) {
        s.token = stakeToken;
        s.ledger = new InferenceLedger(_config(stakeToken));
        s.registry = ModelRegistry(address(s.ledger.registry()));
        s.stakeManager = s.ledger.stakeManager();
        s.committee = new CommitteeResolver(address(s.ledger), arbiters, THRESHOLD, VOTING_PERIOD);
        vm.prank(governance);
        s.registry.approveResolver(address(s.committee));
        s.modelA = s.registry.registerModel(_spec(s.committee, "model A", WINDOW_A, BOND_A, CHALLENGER_BOND_A));
        s.modelB = s.registry.registerModel(_spec(s.committee, "model B", WINDOW_B, BOND_B, CHALLENGER_BOND_B));
        require(s.stakeManager.ledger() == address(s.ledger), "fixture: stake manager not bound to ledger");
    }

    /// @notice The protocol parameters every Solidity test deploys with.
    function _config(IERC20 stakeToken) internal view returns (IInferenceLedger.Config memory) {
        return IInferenceLedger.Config({
            minChallengeWindow: MIN_WINDOW,
            maxChallengeWindow: MAX_WINDOW,
            maxDisputeDuration: MAX_DISPUTE,
            revealWindow: REVEAL_WINDOW,
            dataAnswerWindow: DATA_ANSWER_WINDOW,
            unbondingDelay: UNBONDING_DELAY,
            challengerRewardBps: REWARD_BPS,
            challengerBurnBps: BURN_BPS,
            challengeDeposit: DEPOSIT,
            stakeToken: stakeToken,
            treasury: treasury,
            governance: governance
        });
    }

    function _spec(CommitteeResolver resolver, string memory name, uint32 window, uint96 bond, uint96 challengerBond)
        internal
        pure
        returns (IModelRegistry.ModelSpec memory)
    {
        return IModelRegistry.ModelSpec({
            weightsRoot: keccak256(abi.encodePacked("weights ", name)),
            profileHash: keccak256(abi.encodePacked("profile ", name)),
            traceLength: 0,
            resolver: IDisputeResolver(address(resolver)),
            challengeWindow: window,
            bondPerInference: bond,
            challengerBond: challengerBond,
            uri: string.concat("ipfs://", name)
        });
    }

    // ------------------------------------------------------------------ helpers

    /// @notice Mints `amount` to `who` and lets the stake manager pull it.
    function _fund(address who, uint256 amount) internal {
        token.mint(who, amount);
        vm.prank(who);
        token.approve(address(stakeManager), amount);
    }

    function _deposit(address operator, uint256 amount) internal {
        _fund(operator, amount);
        vm.prank(operator);
        stakeManager.deposit(amount);
    }

    /// @notice Deposits `amount` for `operator` and locks it into its bond reserve, ready to back commitments.
    function _depositAndReserve(address operator, uint256 amount) internal {
        _deposit(operator, amount);
        vm.prank(operator);
        ledger.fundBondReserve(amount);
    }

    /// @notice `n` distinct inferences derived from `seed`.
    function _items(bytes32 seed, uint256 n) internal pure returns (IInferenceLedger.Inference[] memory items) {
        items = new IInferenceLedger.Inference[](n);
        for (uint256 i; i < n; ++i) {
            items[i] = IInferenceLedger.Inference({
                requestId: keccak256(abi.encode(seed, i, "request")),
                inputHash: keccak256(abi.encode(seed, i, "input")),
                outputHash: keccak256(abi.encode(seed, i, "output"))
            });
        }
    }

    function _leaves(IInferenceLedger.Inference[] memory items) internal pure returns (bytes32[] memory leaves) {
        leaves = new bytes32[](items.length);
        for (uint256 i; i < items.length; ++i) leaves[i] = NaiveMerkle.leaf(items[i]);
    }

    /// @notice Posts `who`'s challenge commit for an accusation of inference `leaf` (`claim` zero for a data demand)
    /// and returns the salt to reveal it with. `who` must have approved the stake manager.
    function _commitAccusation(address who, bytes32 commitmentId, uint256 leaf, bytes32 claim)
        internal
        returns (bytes32 salt)
    {
        salt = keccak256(abi.encode(who, commitmentId, leaf, claim, "salt"));
        bytes32 commitHash = ledger.computeChallengeCommit(who, commitmentId, leaf, claim, salt);
        vm.prank(who);
        ledger.commitChallenge(commitHash);
    }

    /// @notice Commits and reveals `who`'s dispute of inference `leaf`, claiming `claim`.
    function _accuse(
        address who,
        bytes32 commitmentId,
        uint256 leaf,
        IInferenceLedger.Inference memory inference,
        bytes32[] memory proof,
        bytes32 claim
    ) internal returns (uint256 disputeId) {
        bytes32 salt = _commitAccusation(who, commitmentId, leaf, claim);
        vm.prank(who);
        disputeId = ledger.challenge(commitmentId, leaf, inference, proof, claim, salt);
    }

    /// @notice A ballot closed by `THRESHOLD` votes on one side.
    function _decide(uint256 disputeId, bool operatorAtFault) internal {
        for (uint256 i; i < THRESHOLD; ++i) {
            vm.prank(arbiters[i]);
            committee.vote(disputeId, operatorAtFault);
        }
    }

    function _status(bytes32 commitmentId) internal view returns (IInferenceLedger.CommitmentStatus) {
        return ledger.getCommitment(commitmentId).status;
    }
}
