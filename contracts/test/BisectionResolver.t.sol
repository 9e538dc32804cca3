// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BisectionResolver} from "../resolvers/BisectionResolver.sol";
import {IBisectionResolver} from "../interfaces/IBisectionResolver.sol";
import {IDisputeResolver} from "../interfaces/IDisputeResolver.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {Int8Mlp} from "../libraries/Int8Mlp.sol";

interface Vm {
    function warp(uint256 timestamp) external;
    function prank(address sender) external;
    function expectRevert(bytes calldata revertData) external;
}

/// @notice The game's state machine, with this contract standing in for the ledger, on a 3-step model:
/// input [1, 2]; layer 0: [1, 1]·x and [2, −1]·x with ReLU → [3, 0]; layer 1: [1, 1]·h + 1 → [4].
contract BisectionResolverTest {
    Vm private constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint32 private constant TIMEOUT = 3600;
    uint256 private constant START = 1_000_000;
    address private constant OPERATOR = address(0xA11CE);
    address private constant CHALLENGER = address(0xB0B);
    address private constant STRANGER = address(0xCAFE);

    BisectionResolver private resolver;
    mapping(uint256 disputeId => IDisputeResolver.Outcome) private reported;

    bytes32[3] private leaves;
    bytes32 private root;
    bytes32[4] private states;

    /// The ledger's side of the interface.
    function resolveDispute(uint256 disputeId, IDisputeResolver.Outcome outcome) external {
        require(msg.sender == address(resolver), "not the resolver");
        require(reported[disputeId] == IDisputeResolver.Outcome.None, "reported twice");
        reported[disputeId] = outcome;
    }

    function setUp() public {
        vm.warp(START);
        resolver = new BisectionResolver(address(this), TIMEOUT);
        for (uint256 t; t < 3; ++t) {
            Int8Mlp.NeuronLeaf memory l = _leaf(t);
            leaves[t] = keccak256(
                bytes.concat(
                    keccak256(abi.encodePacked(l.layer, l.neuron, l.layerWidth, l.bias, l.multiplier, l.shift, l.relu, l.weights))
                )
            );
        }
        root = keccak256(abi.encodePacked(keccak256(abi.encodePacked(leaves[0], leaves[1])), leaves[2]));
        bytes32 empty = keccak256("");
        states[0] = Int8Mlp.stateHash(0, keccak256(hex"0102"), empty);
        states[1] = Int8Mlp.stateHash(1, keccak256(hex"0102"), keccak256(hex"03"));
        states[2] = Int8Mlp.stateHash(2, keccak256(hex"0300"), empty);
        states[3] = Int8Mlp.stateHash(3, keccak256(hex"04"), empty);
    }

    // ------------------------------------------------------------- model and helpers

    function _leaf(uint256 t) private pure returns (Int8Mlp.NeuronLeaf memory) {
        if (t == 0) return Int8Mlp.NeuronLeaf(0, 0, 2, 0, 1, 0, true, hex"0101");
        if (t == 1) return Int8Mlp.NeuronLeaf(0, 1, 2, 0, 1, 0, true, hex"02ff");
        return Int8Mlp.NeuronLeaf(1, 0, 1, 1, 1, 0, false, hex"0101");
    }

    function _witness(uint256 t) private view returns (Int8Mlp.StepWitness memory w) {
        w.leaf = _leaf(t);
        if (t == 2) {
            w.layerInput = hex"0300";
            w.proof = new bytes32[](1);
            w.proof[0] = keccak256(abi.encodePacked(leaves[0], leaves[1]));
        } else {
            w.layerInput = hex"0102";
            w.partialOutputs = t == 1 ? bytes(hex"03") : bytes("");
            w.proof = new bytes32[](2);
            w.proof[0] = leaves[1 - t];
            w.proof[1] = leaves[2];
        }
    }

    function _open(uint256 disputeId, bytes32 outputHash, uint32 traceLength, bytes32 weightsRoot) private {
        resolver.openDispute(
            IDisputeResolver.DisputeContext({
                disputeId: disputeId,
                commitmentId: bytes32(disputeId),
                modelId: bytes32("model"),
                operator: OPERATOR,
                challenger: CHALLENGER,
                leafIndex: 0,
                requestId: bytes32("request"),
                inputHash: keccak256(hex"0102"),
                outputHash: outputHash,
                claimedOutputHash: keccak256(hex"09"),
                weightsRoot: weightsRoot,
                traceLength: traceLength
            })
        );
    }

    function _open(uint256 disputeId, bytes32 outputHash) private {
        _open(disputeId, outputHash, 3, root);
    }

    function _post(uint256 disputeId, bytes32 state) private {
        vm.prank(OPERATOR);
        resolver.postMidState(disputeId, state);
    }

    function _respond(uint256 disputeId, bool agree) private {
        vm.prank(CHALLENGER);
        resolver.respond(disputeId, agree);
    }

    function _expectStatus(uint256 disputeId, IBisectionResolver.GameStatus status) private view {
        require(resolver.getGame(disputeId).status == status, "status");
    }

    // ------------------------------------------------------------- whole games

    function test_honestOperatorBeatsLyingChallenger() public {
        _open(1, keccak256(hex"04"));
        (IBisectionResolver.Party party, uint256 step, uint40 deadline) = resolver.nextMove(1);
        require(party == IBisectionResolver.Party.Operator && step == 1 && deadline == START + TIMEOUT, "first move");
        _post(1, states[1]);
        (party, step,) = resolver.nextMove(1);
        require(party == IBisectionResolver.Party.Challenger && step == 1, "answer");
        _respond(1, false); // the lie
        IBisectionResolver.Game memory game = resolver.getGame(1);
        require(game.lo == 0 && game.hi == 1 && game.stateHi == states[1], "interval");
        _expectStatus(1, IBisectionResolver.GameStatus.AwaitingStepProof);
        vm.prank(STRANGER);
        resolver.proveStep(1, _witness(0));
        _expectStatus(1, IBisectionResolver.GameStatus.OperatorWon);
        require(reported[1] == IDisputeResolver.Outcome.ChallengerFault, "outcome");
        (party,,) = resolver.nextMove(1);
        require(party == IBisectionResolver.Party.None, "over");
    }

    function test_cheatingOperatorLosesAtTheLastStep() public {
        _open(1, keccak256(hex"05"));
        _post(1, states[1]);
        _respond(1, true);
        _post(1, states[2]);
        _respond(1, true);
        IBisectionResolver.Game memory game = resolver.getGame(1);
        require(game.lo == 2 && game.hi == 3 && game.stateLo == states[2], "interval");
        resolver.proveStep(1, _witness(2));
        _expectStatus(1, IBisectionResolver.GameStatus.ChallengerWon);
        require(reported[1] == IDisputeResolver.Outcome.OperatorFault, "outcome");
    }

    function test_singleStepModelStartsWithTheProof() public {
        Int8Mlp.StepWitness memory w;
        w.layerInput = hex"0102";
        w.leaf = Int8Mlp.NeuronLeaf(0, 0, 1, 0, 1, 0, false, hex"0101");
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encodePacked(uint16(0), uint16(0), uint16(1), int32(0), uint32(1), uint8(0), false, hex"0101"))));
        _open(1, keccak256(hex"03"), 1, leaf);
        _expectStatus(1, IBisectionResolver.GameStatus.AwaitingStepProof);
        resolver.proveStep(1, w);
        require(reported[1] == IDisputeResolver.Outcome.ChallengerFault, "honest");
        _open(2, keccak256(hex"04"), 1, leaf);
        resolver.proveStep(2, w);
        require(reported[2] == IDisputeResolver.Outcome.OperatorFault, "cheat");
    }

    // ------------------------------------------------------------- deadlines

    function test_timeouts() public {
        // The operator never posts.
        _open(1, keccak256(hex"04"));
        vm.expectRevert(abi.encodeWithSelector(IBisectionResolver.BisectionDeadlineNotPassed.selector, 1, START + TIMEOUT));
        resolver.claimTimeout(1);
        vm.warp(START + TIMEOUT + 1);
        vm.prank(STRANGER);
        resolver.claimTimeout(1);
        require(reported[1] == IDisputeResolver.Outcome.OperatorFault, "operator timed out");

        // The challenger never answers.
        _open(2, keccak256(hex"04"));
        _post(2, states[1]);
        vm.warp(block.timestamp + TIMEOUT + 1);
        resolver.claimTimeout(2);
        require(reported[2] == IDisputeResolver.Outcome.ChallengerFault, "challenger timed out");

        // Nobody proves the last step: the operator's turn.
        _open(3, keccak256(hex"04"));
        _post(3, states[1]);
        _respond(3, false);
        uint256 deadline = block.timestamp + TIMEOUT;
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(IBisectionResolver.BisectionDeadlinePassed.selector, 3, deadline));
        resolver.proveStep(3, _witness(0));
        resolver.claimTimeout(3);
        require(reported[3] == IDisputeResolver.Outcome.OperatorFault, "proof timed out");

        vm.expectRevert(
            abi.encodeWithSelector(
                IBisectionResolver.BisectionGameOver.selector, 3, IBisectionResolver.GameStatus.ChallengerWon
            )
        );
        resolver.claimTimeout(3);
    }

    function test_movesAreAcceptedUpToTheDeadline() public {
        _open(1, keccak256(hex"04"));
        vm.warp(START + TIMEOUT);
        _post(1, states[1]);
        vm.warp(START + 2 * TIMEOUT + 1);
        vm.expectRevert(abi.encodeWithSelector(IBisectionResolver.BisectionDeadlinePassed.selector, 1, START + 2 * TIMEOUT));
        _respond(1, true);
    }

    // ------------------------------------------------------------- turns and access

    function test_movesOutOfTurnRevert() public {
        _open(1, keccak256(hex"04"));
        vm.expectRevert(
            abi.encodeWithSelector(IBisectionResolver.BisectionNotYourTurn.selector, 1, CHALLENGER, OPERATOR)
        );
        vm.prank(CHALLENGER);
        resolver.postMidState(1, states[1]);
        vm.expectRevert(
            abi.encodeWithSelector(
                IBisectionResolver.BisectionUnexpectedMove.selector, 1, IBisectionResolver.GameStatus.AwaitingMidState
            )
        );
        _respond(1, true);
        vm.expectRevert(
            abi.encodeWithSelector(
                IBisectionResolver.BisectionUnexpectedMove.selector, 1, IBisectionResolver.GameStatus.AwaitingMidState
            )
        );
        resolver.proveStep(1, _witness(0));
        _post(1, states[1]);
        vm.expectRevert(
            abi.encodeWithSelector(
                IBisectionResolver.BisectionUnexpectedMove.selector, 1, IBisectionResolver.GameStatus.AwaitingResponse
            )
        );
        _post(1, states[1]);
        vm.expectRevert(abi.encodeWithSelector(IBisectionResolver.BisectionNotYourTurn.selector, 1, OPERATOR, CHALLENGER));
        vm.prank(OPERATOR);
        resolver.respond(1, true);
        vm.expectRevert(abi.encodeWithSelector(IBisectionResolver.BisectionGameNotFound.selector, 9));
        resolver.claimTimeout(9);
    }

    function test_proofOfAnotherStepIsRejected() public {
        _open(1, keccak256(hex"05"));
        _post(1, states[1]);
        _respond(1, true);
        _post(1, states[2]);
        _respond(1, true);
        // The witness of step 1 does not start from the agreed s_2.
        Int8Mlp.StepWitness memory w = _witness(1);
        bytes32 computed = Int8Mlp.stateHash(2, keccak256(hex"0102"), keccak256(hex"03"));
        vm.expectRevert(abi.encodeWithSelector(Int8Mlp.Int8MlpStateMismatch.selector, states[2], computed));
        resolver.proveStep(1, w);
    }

    function test_onlyTheLedgerOpensGamesOnce() public {
        _open(1, keccak256(hex"04"));
        vm.expectRevert(abi.encodeWithSelector(IBisectionResolver.BisectionGameExists.selector, 1));
        _open(1, keccak256(hex"04"));
        vm.expectRevert(abi.encodeWithSelector(IBisectionResolver.BisectionOnlyLedger.selector, STRANGER));
        vm.prank(STRANGER);
        resolver.openDispute(
            IDisputeResolver.DisputeContext(2, 0, 0, OPERATOR, CHALLENGER, 0, 0, 0, 0, 0, root, 3)
        );
        vm.expectRevert(abi.encodeWithSelector(IBisectionResolver.BisectionTraceLengthInvalid.selector, 0, 1 << 20));
        _open(3, keccak256(hex"04"), 0, root);
    }

    // ------------------------------------------------------------- models and bounds

    function _spec(bytes32 profile, uint32 traceLength) private view returns (IModelRegistry.ModelSpec memory) {
        return IModelRegistry.ModelSpec(root, profile, traceLength, resolver, 600, 1, 1, "");
    }

    function test_checkModel() public {
        bytes32 profile = keccak256("vinfer-int8-mlp/1");
        require(resolver.profileHash() == profile, "profile");
        resolver.checkModel(_spec(profile, 1));
        resolver.checkModel(_spec(profile, 1 << 20));
        vm.expectRevert(abi.encodeWithSelector(IBisectionResolver.BisectionTraceLengthInvalid.selector, 0, 1 << 20));
        resolver.checkModel(_spec(profile, 0));
        vm.expectRevert(
            abi.encodeWithSelector(IBisectionResolver.BisectionTraceLengthInvalid.selector, (1 << 20) + 1, 1 << 20)
        );
        resolver.checkModel(_spec(profile, (1 << 20) + 1));
        vm.expectRevert(abi.encodeWithSelector(IBisectionResolver.BisectionProfileUnsupported.selector, bytes32("x")));
        resolver.checkModel(_spec(bytes32("x"), 3));
    }

    function test_maxDisputeDurationBoundsTheLongestGame() public view {
        require(resolver.maxDisputeDuration() == 41 * uint256(TIMEOUT), "41 moves");
    }

    function test_constructorRejectsBadParameters() public {
        vm.expectRevert(abi.encodeWithSelector(IBisectionResolver.BisectionInvalidConfiguration.selector));
        new BisectionResolver(address(0), TIMEOUT);
        vm.expectRevert(abi.encodeWithSelector(IBisectionResolver.BisectionInvalidConfiguration.selector));
        new BisectionResolver(address(this), 0);
    }
}
