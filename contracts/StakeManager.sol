// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IStakeManager} from "./interfaces/IStakeManager.sol";

/// @title StakeManager
/// @notice The protocol's vault. Every token it holds is in exactly one bucket: an operator's free,
/// locked or unbonding stake, a challenger bond in escrow, or a credit waiting to be pulled.
contract StakeManager is IStakeManager, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @inheritdoc IStakeManager
    IERC20 public immutable token;
    /// @inheritdoc IStakeManager
    address public immutable treasury;
    /// @inheritdoc IStakeManager
    uint64 public immutable unbondingDelay;
    /// @inheritdoc IStakeManager
    address public immutable ledger;

    /// @inheritdoc IStakeManager
    uint256 public escrowed;

    mapping(address operator => Stake) private _stakes;
    mapping(address operator => Withdrawal) private _withdrawals;
    mapping(address account => uint256) private _credits;

    modifier onlyLedger() {
        if (msg.sender != ledger) revert StakeOnlyLedger(msg.sender);
        _;
    }

    /// @dev Deployed by the ledger, which becomes the only account allowed to move stake between buckets.
    /// An immutable binding keeps the check off storage on every commitment.
    /// @param token_ The stake token.
    /// @param treasury_ Where slashed stake and burned bond shares are credited.
    /// @param unbondingDelay_ Seconds between a withdrawal request and its completion.
    constructor(IERC20 token_, address treasury_, uint64 unbondingDelay_) {
        if (address(token_) == address(0) || treasury_ == address(0)) revert StakeInvalidConfiguration();
        token = token_;
        treasury = treasury_;
        unbondingDelay = unbondingDelay_;
        ledger = msg.sender;
    }

    /// @inheritdoc IStakeManager
    function deposit(uint256 amount) external {
        _deposit(msg.sender, amount);
    }

    /// @inheritdoc IStakeManager
    function depositFor(address operator, uint256 amount) external {
        _deposit(operator, amount);
    }

    /// @inheritdoc IStakeManager
    function requestWithdrawal(uint256 amount) external {
        if (amount == 0) revert StakeZeroAmount();
        Stake storage stake = _stakes[msg.sender];
        if (stake.free < amount) revert StakeInsufficientFree(msg.sender, stake.free, amount);
        stake.free -= uint128(amount);
        Withdrawal storage withdrawal = _withdrawals[msg.sender];
        uint128 total = withdrawal.amount + uint128(amount);
        uint64 readyAt = uint64(block.timestamp) + unbondingDelay;
        withdrawal.amount = total;
        withdrawal.readyAt = readyAt;
        emit WithdrawalRequested(msg.sender, amount, total, readyAt);
    }

    /// @inheritdoc IStakeManager
    function cancelWithdrawal() external {
        Withdrawal memory withdrawal = _withdrawals[msg.sender];
        if (withdrawal.amount == 0) revert StakeNoWithdrawal(msg.sender);
        delete _withdrawals[msg.sender];
        _stakes[msg.sender].free += withdrawal.amount;
        emit WithdrawalCancelled(msg.sender, withdrawal.amount);
    }

    /// @inheritdoc IStakeManager
    function completeWithdrawal() external nonReentrant {
        Withdrawal memory withdrawal = _withdrawals[msg.sender];
        if (withdrawal.amount == 0) revert StakeNoWithdrawal(msg.sender);
        if (block.timestamp < withdrawal.readyAt) revert StakeWithdrawalNotReady(msg.sender, withdrawal.readyAt);
        delete _withdrawals[msg.sender];
        emit Withdrawn(msg.sender, withdrawal.amount);
        token.safeTransfer(msg.sender, withdrawal.amount);
    }

    /// @inheritdoc IStakeManager
    function claim() external nonReentrant {
        uint256 amount = _credits[msg.sender];
        if (amount == 0) revert StakeNothingToClaim(msg.sender);
        _credits[msg.sender] = 0;
        emit Claimed(msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IStakeManager
    function lock(address operator, uint256 amount) external onlyLedger {
        Stake storage stake = _stakes[operator];
        uint128 free = stake.free;
        if (free < amount) revert StakeInsufficientFree(operator, free, amount);
        // free >= amount bounds amount below 2^128, and locked + amount below the token supply.
        stake.free = free - uint128(amount);
        stake.locked += uint128(amount);
    }

    /// @inheritdoc IStakeManager
    function unlock(address operator, uint256 amount) external onlyLedger {
        _takeLocked(operator, amount).free += uint128(amount);
    }

    /// @inheritdoc IStakeManager
    function slash(address operator, uint256 amount, uint256 escrowedReward) external onlyLedger {
        _takeLocked(operator, amount);
        escrowed += escrowedReward;
        emit StakeSlashed(operator, amount, escrowedReward);
        _credit(treasury, amount - escrowedReward);
    }

    /// @inheritdoc IStakeManager
    function escrowBond(address payer, uint256 amount) external onlyLedger {
        if (amount == 0) revert StakeZeroAmount();
        _pull(payer, amount);
        escrowed += amount;
        emit BondEscrowed(payer, amount);
    }

    /// @inheritdoc IStakeManager
    function releaseBond(address account, uint256 amount) external onlyLedger {
        if (escrowed < amount) revert StakeInsufficientEscrow(escrowed, amount);
        escrowed -= amount;
        _credit(account, amount);
    }

    /// @inheritdoc IStakeManager
    function stakeOf(address operator) external view returns (Stake memory) {
        return _stakes[operator];
    }

    /// @inheritdoc IStakeManager
    function withdrawalOf(address operator) external view returns (Withdrawal memory) {
        return _withdrawals[operator];
    }

    /// @inheritdoc IStakeManager
    function creditOf(address account) external view returns (uint256) {
        return _credits[account];
    }

    function _deposit(address operator, uint256 amount) private {
        if (amount == 0) revert StakeZeroAmount();
        Stake storage stake = _stakes[operator];
        if (uint256(stake.free) + stake.locked + amount > type(uint128).max) revert StakeAmountOverflow(amount);
        _pull(msg.sender, amount);
        stake.free += uint128(amount);
        emit Deposited(operator, msg.sender, amount);
    }

    /// @dev Pulls exactly `amount`: a token that delivers less (a fee on transfer) would let the books
    /// promise more than the vault holds, so it is refused. Guarded: a hostile token cannot re-enter.
    function _pull(address from, uint256 amount) private nonReentrant {
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(from, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert StakeTransferShortfall(amount, received);
    }

    /// @dev Removes `amount` from `operator`'s locked stake; the caller decides where it goes.
    function _takeLocked(address operator, uint256 amount) private returns (Stake storage stake) {
        stake = _stakes[operator];
        uint128 locked = stake.locked;
        if (locked < amount) revert StakeInsufficientLocked(operator, locked, amount);
        stake.locked = locked - uint128(amount);
    }

    function _credit(address account, uint256 amount) private {
        if (amount == 0) return;
        _credits[account] += amount;
        emit Credited(account, amount);
    }
}
