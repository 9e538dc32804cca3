// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IStakeManager} from "../interfaces/IStakeManager.sol";
import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {VinferFixture} from "./utils/VinferFixture.sol";

/// @notice Deposits, two-step withdrawals and the ledger-only entry points of the stake manager.
contract StakeManagerTest is VinferFixture {
    address private alice = _actor("alice");
    address private bob = _actor("bob");

    uint256 private constant MAX_AMOUNT = 1e30;

    function _free(address who) private view returns (uint256) {
        return stakeManager.stakeOf(who).free;
    }

    function _locked(address who) private view returns (uint256) {
        return stakeManager.stakeOf(who).locked;
    }

    function testFuzz_depositCreditsFreeStake(uint256 a, uint256 b) public {
        a = _bound(a, 1, MAX_AMOUNT);
        b = _bound(b, 1, MAX_AMOUNT);
        _deposit(alice, a);
        _deposit(alice, b);
        assertEq(_free(alice), a + b, "free stake");
        assertEq(_locked(alice), 0, "locked stake");
        assertEq(token.balanceOf(address(stakeManager)), a + b, "vault balance");
        assertEq(token.balanceOf(alice), 0, "tokens pulled");
    }

    function testFuzz_depositForCreditsTheOperator(uint256 amount) public {
        amount = _bound(amount, 1, MAX_AMOUNT);
        _fund(bob, amount);
        vm.prank(bob);
        stakeManager.depositFor(alice, amount);
        assertEq(_free(alice), amount, "operator's free stake");
        assertEq(_free(bob), 0, "payer's free stake");
        assertEq(token.balanceOf(address(stakeManager)), amount, "vault balance");
    }

    function test_zeroAmountsRejected() public {
        vm.prank(alice);
        vm.expectRevert(IStakeManager.StakeZeroAmount.selector);
        stakeManager.deposit(0);
        _deposit(alice, 1 ether);
        vm.prank(alice);
        vm.expectRevert(IStakeManager.StakeZeroAmount.selector);
        stakeManager.requestWithdrawal(0);
    }

    function testFuzz_depositAboveUint128Rejected(uint256 held, uint256 amount) public {
        held = _bound(held, 1, type(uint128).max);
        amount = _bound(amount, type(uint128).max - held + 1, type(uint256).max - held);
        _deposit(alice, held);
        _fund(alice, amount);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IStakeManager.StakeAmountOverflow.selector, amount));
        stakeManager.deposit(amount);
    }

    /// The unbonding delay holds to the second: one second early reverts, exactly on time pays.
    function testFuzz_withdrawalRespectsDelayExactly(uint256 amount, uint256 requested, uint256 wait) public {
        amount = _bound(amount, 1, MAX_AMOUNT);
        requested = _bound(requested, 1, amount);
        wait = _bound(wait, 0, 30 days);
        _deposit(alice, amount);
        uint256 t = T0 + wait;
        vm.warp(t);
        vm.prank(alice);
        stakeManager.requestWithdrawal(requested);

        uint64 readyAt = uint64(t + UNBONDING_DELAY);
        IStakeManager.Withdrawal memory w = stakeManager.withdrawalOf(alice);
        assertEq(w.amount, requested, "pending amount");
        assertEq(w.readyAt, readyAt, "ready at");
        assertEq(_free(alice), amount - requested, "free after request");

        vm.warp(readyAt - 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IStakeManager.StakeWithdrawalNotReady.selector, alice, readyAt));
        stakeManager.completeWithdrawal();

        vm.warp(readyAt);
        vm.prank(alice);
        stakeManager.completeWithdrawal();
        assertEq(token.balanceOf(alice), requested, "paid exactly what was requested");
        assertEq(stakeManager.withdrawalOf(alice).amount, 0, "withdrawal cleared");
        assertEq(token.balanceOf(address(stakeManager)), amount - requested, "vault keeps the rest");

        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IStakeManager.StakeNoWithdrawal.selector, alice));
        stakeManager.completeWithdrawal();
    }

    /// A second request restarts the delay for the whole pending amount.
    function testFuzz_secondRequestRestartsDelay(uint256 amount, uint256 first, uint256 gap) public {
        amount = _bound(amount, 2, MAX_AMOUNT);
        first = _bound(first, 1, amount - 1);
        gap = _bound(gap, 1, 2 * UNBONDING_DELAY);
        _deposit(alice, amount);
        vm.prank(alice);
        stakeManager.requestWithdrawal(first);
        uint256 t2 = T0 + gap;
        vm.warp(t2);
        vm.prank(alice);
        stakeManager.requestWithdrawal(amount - first);
        uint64 readyAt = uint64(t2 + UNBONDING_DELAY);
        assertEq(stakeManager.withdrawalOf(alice).amount, amount, "pending total");
        assertEq(stakeManager.withdrawalOf(alice).readyAt, readyAt, "restarted delay");

        // The first request's own deadline no longer suffices, nor does one second before the new one.
        vm.warp(T0 + UNBONDING_DELAY);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IStakeManager.StakeWithdrawalNotReady.selector, alice, readyAt));
        stakeManager.completeWithdrawal();
        vm.warp(readyAt - 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IStakeManager.StakeWithdrawalNotReady.selector, alice, readyAt));
        stakeManager.completeWithdrawal();

        vm.warp(readyAt);
        vm.prank(alice);
        stakeManager.completeWithdrawal();
        assertEq(token.balanceOf(alice), amount, "paid the whole pending amount");
    }

    function testFuzz_cancelReturnsPendingToFree(uint256 amount, uint256 requested, uint256 wait) public {
        amount = _bound(amount, 1, MAX_AMOUNT);
        requested = _bound(requested, 1, amount);
        wait = _bound(wait, 0, 2 * UNBONDING_DELAY);
        _deposit(alice, amount);
        vm.prank(alice);
        stakeManager.requestWithdrawal(requested);
        vm.warp(T0 + wait);
        vm.prank(alice);
        stakeManager.cancelWithdrawal();
        assertEq(_free(alice), amount, "free restored");
        assertEq(stakeManager.withdrawalOf(alice).amount, 0, "nothing pending");
        assertEq(stakeManager.withdrawalOf(alice).readyAt, 0, "no ready time");

        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IStakeManager.StakeNoWithdrawal.selector, alice));
        stakeManager.completeWithdrawal();
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IStakeManager.StakeNoWithdrawal.selector, alice));
        stakeManager.cancelWithdrawal();
    }

    function testFuzz_cannotRequestMoreThanFree(uint256 amount, uint256 extra) public {
        amount = _bound(amount, 1, MAX_AMOUNT);
        extra = _bound(extra, 1, MAX_AMOUNT);
        _deposit(alice, amount);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IStakeManager.StakeInsufficientFree.selector, alice, amount, amount + extra)
        );
        stakeManager.requestWithdrawal(amount + extra);
    }

    /// Stake locked behind a commitment (or held in the bond reserve) can neither be requested nor completed
    /// away; releasing the reserve cannot reach the bonds of open commitments.
    function testFuzz_lockedStakeCannotBeWithdrawn(uint256 spare, uint256 size, uint256 headroom, uint256 extra)
        public
    {
        size = _bound(size, 1, 16);
        spare = _bound(spare, 0, 100 ether);
        headroom = _bound(headroom, 0, 100 ether);
        uint256 bond = uint256(BOND_A) * size;
        _deposit(alice, bond + headroom + spare);
        vm.prank(alice);
        ledger.fundBondReserve(bond + headroom);
        vm.prank(alice);
        ledger.commitBatch(modelA, _items(keccak256(abi.encode(size, spare)), size));
        assertEq(_locked(alice), bond + headroom, "bond and reserve locked");
        assertEq(ledger.bondReserveOf(alice), headroom, "reserve less the bond");
        assertEq(_free(alice), spare, "rest free");

        extra = _bound(extra, 1, bond + headroom);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IStakeManager.StakeInsufficientFree.selector, alice, spare, spare + extra)
        );
        stakeManager.requestWithdrawal(spare + extra);

        // The reserve can be released, the bond behind the open commitment cannot.
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                IInferenceLedger.LedgerInsufficientBondReserve.selector, alice, headroom, headroom + extra
            )
        );
        ledger.releaseBondReserve(headroom + extra);
        vm.prank(alice);
        ledger.releaseBondReserve(headroom);
        assertEq(_free(alice), spare + headroom, "reserve back to free");

        if (spare + headroom > 0) {
            vm.prank(alice);
            stakeManager.requestWithdrawal(spare + headroom);
            vm.warp(T0 + UNBONDING_DELAY);
            vm.prank(alice);
            stakeManager.completeWithdrawal();
            assertEq(token.balanceOf(alice), spare + headroom, "only the unbonded part left");
        }
        assertEq(_locked(alice), bond, "bond still locked");
        assertEq(token.balanceOf(address(stakeManager)), bond, "vault still holds the bond");
    }

    function testFuzz_ledgerOnlyEntryPoints(address caller, uint256 amount) public {
        vm.assume(caller != address(ledger));
        amount = _bound(amount, 1, MAX_AMOUNT);
        _deposit(alice, amount);
        bytes memory onlyLedger = abi.encodeWithSelector(IStakeManager.StakeOnlyLedger.selector, caller);

        vm.prank(caller);
        vm.expectRevert(onlyLedger);
        stakeManager.lock(alice, amount);
        vm.prank(caller);
        vm.expectRevert(onlyLedger);
        stakeManager.unlock(alice, amount);
        vm.prank(caller);
        vm.expectRevert(onlyLedger);
        stakeManager.slash(alice, amount, 0);
        vm.prank(caller);
        vm.expectRevert(onlyLedger);
        stakeManager.escrowBond(alice, amount);
        vm.prank(caller);
        vm.expectRevert(onlyLedger);
        stakeManager.releaseBond(caller, 0);
        assertEq(_free(alice), amount, "untouched");
    }

    /// A slash takes the whole amount from locked stake: the challenger reward waits in escrow for the ledger to
    /// credit it, the rest is credited to the treasury at once; the vault's books still add up.
    function testFuzz_slashEscrowsTheRewardAndCreditsTheRest(uint256 amount, uint256 slashed, uint256 reward) public {
        amount = _bound(amount, 1, MAX_AMOUNT);
        slashed = _bound(slashed, 0, amount);
        reward = _bound(reward, 0, slashed);
        _deposit(alice, amount);
        vm.prank(address(ledger));
        stakeManager.lock(alice, amount);
        vm.prank(address(ledger));
        stakeManager.slash(alice, slashed, reward);
        assertEq(_locked(alice), amount - slashed, "locked less the slash");
        assertEq(_free(alice), 0, "free untouched");
        assertEq(stakeManager.escrowed(), reward, "reward escrowed");
        assertEq(stakeManager.creditOf(treasury), slashed - reward, "treasury credited the rest");
        assertEq(
            token.balanceOf(address(stakeManager)),
            _locked(alice) + stakeManager.escrowed() + stakeManager.creditOf(treasury),
            "books add up"
        );

        // The escrowed reward is released once, to whoever the ledger names.
        vm.prank(address(ledger));
        stakeManager.releaseBond(bob, reward);
        assertEq(stakeManager.creditOf(bob), reward, "reward credited");
        assertEq(stakeManager.escrowed(), 0, "escrow empty");
        if (reward > 0) {
            vm.prank(address(ledger));
            vm.expectRevert(abi.encodeWithSelector(IStakeManager.StakeInsufficientEscrow.selector, 0, reward));
            stakeManager.releaseBond(bob, reward);
        }
    }

    /// A slash beyond the locked stake reverts and moves nothing.
    function testFuzz_slashBeyondLockedReverts(uint256 amount, uint256 extra) public {
        amount = _bound(amount, 1, MAX_AMOUNT);
        extra = _bound(extra, 1, MAX_AMOUNT);
        _deposit(alice, amount);
        vm.prank(address(ledger));
        stakeManager.lock(alice, amount);
        vm.prank(address(ledger));
        vm.expectRevert(
            abi.encodeWithSelector(IStakeManager.StakeInsufficientLocked.selector, alice, amount, amount + extra)
        );
        stakeManager.slash(alice, amount + extra, 0);
        assertEq(_locked(alice), amount, "locked untouched");
        assertEq(stakeManager.escrowed(), 0, "nothing escrowed");
    }

    function test_claimWithoutCreditReverts() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IStakeManager.StakeNothingToClaim.selector, alice));
        stakeManager.claim();
    }

    function test_deploymentBindsTheLedger() public view {
        assertEq(stakeManager.ledger(), address(ledger), "ledger");
        assertEq(address(stakeManager.token()), address(token), "token");
        assertEq(stakeManager.treasury(), treasury, "treasury");
        assertEq(stakeManager.unbondingDelay(), UNBONDING_DELAY, "delay");
    }
}
