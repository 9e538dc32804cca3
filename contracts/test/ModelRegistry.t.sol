// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IDisputeResolver} from "../interfaces/IDisputeResolver.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {VinferFixture, VinferSystem} from "./utils/VinferFixture.sol";
import {ManualResolver} from "./ManualResolver.sol";

/// @notice A resolver whose binding and dispute bound the test chooses. Test-only.
contract ConfigurableResolver is IDisputeResolver {
    address public immutable ledger;
    uint256 public immutable maxDisputeDuration;

    constructor(address ledger_, uint256 maxDisputeDuration_) {
        ledger = ledger_;
        maxDisputeDuration = maxDisputeDuration_;
    }

    function openDispute(DisputeContext calldata) external {}

    function checkModel(IModelRegistry.ModelSpec calldata) external pure {}
}

/// @notice Governance-approved resolvers, model ids bound to their owner and terms, and the least challenger bond.
contract ModelRegistryTest is VinferFixture {
    address private owner1 = _actor("model owner 1");
    address private owner2 = _actor("model owner 2");

    function _specWith(address resolver, uint96 challengerBond, bytes32 salt)
        private
        pure
        returns (IModelRegistry.ModelSpec memory)
    {
        return IModelRegistry.ModelSpec({
            weightsRoot: keccak256(abi.encode("weights", salt)),
            profileHash: keccak256(abi.encode("profile", salt)),
            traceLength: 0,
            resolver: IDisputeResolver(resolver),
            challengeWindow: WINDOW_A,
            bondPerInference: BOND_A,
            challengerBond: challengerBond,
            uri: "ipfs://model"
        });
    }

    function test_deploymentWiresGovernanceAndTheDeposit() public view {
        assertEq(registry.owner(), governance, "governance owns the registry");
        assertEq(registry.ledger(), address(ledger), "bound to its ledger");
        assertEq(registry.minChallengerBond(), DEPOSIT, "the least challenger bond is the challenge deposit");
        assertTrue(registry.isResolverApproved(address(committee)), "the fixture's committee is approved");
    }

    /// Only governance approves or revokes a resolver, once each way.
    function testFuzz_onlyGovernanceApprovesResolvers(address caller) public {
        vm.assume(caller != governance);
        ManualResolver manual = new ManualResolver(address(ledger));
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, caller));
        registry.approveResolver(address(manual));

        vm.prank(governance);
        registry.approveResolver(address(manual));
        assertTrue(registry.isResolverApproved(address(manual)), "approved");
        vm.prank(governance);
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.RegistryResolverAlreadyApproved.selector, address(manual))
        );
        registry.approveResolver(address(manual));

        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, caller));
        registry.revokeResolver(address(manual));
        vm.prank(governance);
        registry.revokeResolver(address(manual));
        assertFalse(registry.isResolverApproved(address(manual)), "revoked");
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.RegistryResolverNotApproved.selector, address(manual)));
        registry.revokeResolver(address(manual));
    }

    /// A resolver bound to another ledger, one whose disputes can outlast the protocol's bound, or an address
    /// without code is never approved.
    function testFuzz_resolverMustBeBoundAndBounded(uint256 duration, address noCode) public {
        VinferSystem memory other = _deploySystem(IERC20(address(token)));
        ManualResolver foreign = new ManualResolver(address(other.ledger));
        vm.prank(governance);
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistry.RegistryResolverNotBound.selector, address(foreign), address(other.ledger)
            )
        );
        registry.approveResolver(address(foreign));

        duration = _bound(duration, MAX_DISPUTE + 1, type(uint256).max);
        ConfigurableResolver slow = new ConfigurableResolver(address(ledger), duration);
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.RegistryResolverRejected.selector, address(slow)));
        registry.approveResolver(address(slow));
        ConfigurableResolver bounded = new ConfigurableResolver(address(ledger), MAX_DISPUTE);
        vm.prank(governance);
        registry.approveResolver(address(bounded));

        vm.assume(noCode.code.length == 0);
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.RegistryResolverRejected.selector, noCode));
        registry.approveResolver(noCode);
    }

    /// A model names only an approved resolver; revoking one stops new models, not the ones that name it.
    function testFuzz_modelsNameOnlyApprovedResolvers(bytes32 salt) public {
        ManualResolver manual = new ManualResolver(address(ledger));
        IModelRegistry.ModelSpec memory spec = _specWith(address(manual), CHALLENGER_BOND_A, salt);
        vm.prank(owner1);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.RegistryResolverNotApproved.selector, address(manual)));
        registry.registerModel(spec);

        vm.prank(governance);
        registry.approveResolver(address(manual));
        vm.prank(owner1);
        bytes32 modelId = registry.registerModel(spec);
        vm.prank(governance);
        registry.revokeResolver(address(manual));
        vm.prank(owner2);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.RegistryResolverNotApproved.selector, address(manual)));
        registry.registerModel(spec);

        // The registered model keeps its resolver: its commitments are still disputed and decided there.
        assertEq(address(registry.disputeTerms(modelId).resolver), address(manual), "kept");
        address operator = _actor("operator");
        _depositAndReserve(operator, BOND_A);
        vm.prank(operator);
        bytes32 id = ledger.commit(modelId, "request", "input", "output");
        address challenger = _actor("challenger");
        _fund(challenger, CHALLENGER_BOND_A);
        IInferenceLedger.Inference memory inf = IInferenceLedger.Inference("request", "input", "output");
        uint256 disputeId = _accuse(challenger, id, 0, inf, new bytes32[](0), "right");
        assertEq(manual.lastDisputeId(), disputeId, "opened at the revoked resolver");
        manual.report(disputeId, IDisputeResolver.Outcome.OperatorFault);
        assertTrue(_status(id) == IInferenceLedger.CommitmentStatus.Slashed, "decided there");
    }

    /// A model's id commits to its owner and every term: the same terms under another owner are another model,
    /// and nobody registers the same model twice.
    function testFuzz_modelIdBindsOwnerAndTerms(address a, address b, bytes32 salt, uint96 bond) public {
        vm.assume(a != b);
        bond = uint96(_bound(bond, DEPOSIT, type(uint96).max));
        IModelRegistry.ModelSpec memory spec = _specWith(address(committee), bond, salt);
        bytes32 expected = keccak256(abi.encode(a, spec));
        assertEq(registry.computeModelId(a, spec), expected, "id = keccak256(abi.encode(owner, spec))");
        vm.prank(a);
        assertEq(registry.registerModel(spec), expected, "registered under its id");
        vm.prank(b);
        bytes32 other = registry.registerModel(spec);
        assertNotEq(other, expected, "another owner, another model");
        assertEq(registry.getModel(other).owner, b, "owned by its registrant");
        vm.prank(a);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.RegistryModelExists.selector, expected));
        registry.registerModel(spec);
        // Any other term is another model too.
        spec.challengerBond = bond == type(uint96).max ? bond - 1 : bond + 1;
        assertNotEq(registry.computeModelId(a, spec), expected, "other terms, other id");
        // Only the owner deprecates it.
        vm.prank(b);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.RegistryNotModelOwner.selector, expected, b));
        registry.deprecateModel(expected);
    }

    /// Every accusation posts the challenge deposit first, so no model may ask a smaller challenger bond.
    function testFuzz_challengerBondAtLeastTheDeposit(uint96 bond, bytes32 salt) public {
        bond = uint96(_bound(bond, 1, DEPOSIT - 1));
        vm.prank(owner1);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.RegistryChallengerBondTooLow.selector, bond, DEPOSIT));
        registry.registerModel(_specWith(address(committee), bond, salt));
        vm.prank(owner1);
        vm.expectRevert(IModelRegistry.RegistryZeroBond.selector);
        registry.registerModel(_specWith(address(committee), 0, salt));
        // Exactly the deposit: a dispute's reveal has nothing to top up.
        vm.prank(owner1);
        bytes32 modelId = registry.registerModel(_specWith(address(committee), DEPOSIT, salt));
        address operator = _actor("operator");
        _depositAndReserve(operator, BOND_A);
        vm.prank(operator);
        bytes32 id = ledger.commit(modelId, "request", "input", "output");
        address challenger = _actor("challenger");
        _fund(challenger, DEPOSIT);
        IInferenceLedger.Inference memory inf = IInferenceLedger.Inference("request", "input", "output");
        _accuse(challenger, id, 0, inf, new bytes32[](0), "right");
        assertEq(stakeManager.escrowed(), DEPOSIT, "the deposit is the whole bond");
        assertEq(token.balanceOf(challenger), 0, "nothing more pulled");
    }

    /// Governance hands over in two steps: the old owner keeps control until the new one accepts.
    function testFuzz_governanceHandsOverInTwoSteps(address next) public {
        vm.assume(next != governance && next != address(0));
        ManualResolver manual = new ManualResolver(address(ledger));
        vm.prank(governance);
        registry.transferOwnership(next);
        assertEq(registry.owner(), governance, "still governance");
        assertEq(registry.pendingOwner(), next, "pending");
        vm.prank(next);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, next));
        registry.approveResolver(address(manual));
        vm.prank(next);
        registry.acceptOwnership();
        assertEq(registry.owner(), next, "handed over");
        vm.prank(governance);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, governance));
        registry.approveResolver(address(manual));
        vm.prank(next);
        registry.approveResolver(address(manual));
    }
}
