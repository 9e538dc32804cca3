// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IStakeManager
/// @notice Holds every token of the protocol: operators' stake (free, locked behind commitments, or
/// unbonding), challengers' bonds in escrow, and credits waiting to be pulled. Only the ledger that
/// deployed it moves stake between those buckets; accounts only deposit, withdraw after the unbonding
/// delay, and claim. Locks and unlocks are reported by the ledger's commitment events.
interface IStakeManager {
    /// @notice An operator's stake, packed in one slot.
    struct Stake {
        uint128 free; // may back new commitments or be withdrawn
        uint128 locked; // backs open commitments; only the ledger releases or slashes it
    }

    /// @notice A pending withdrawal: the amount left free stake when requested.
    struct Withdrawal {
        uint128 amount; // tokens waiting out the unbonding delay
        uint64 readyAt; // timestamp from which it can be completed
    }

    /// @notice Emitted when `operator`'s free stake grows by `amount` paid by `payer`.
    event Deposited(address indexed operator, address indexed payer, uint256 amount);

    /// @notice Emitted when an operator starts unbonding `amount`; `total` is now pending until `readyAt`.
    event WithdrawalRequested(address indexed operator, uint256 amount, uint256 total, uint64 readyAt);

    /// @notice Emitted when an operator returns its pending withdrawal to free stake.
    event WithdrawalCancelled(address indexed operator, uint256 amount);

    /// @notice Emitted when an operator's unbonded stake is paid out.
    event Withdrawn(address indexed operator, uint256 amount);

    /// @notice Emitted when the ledger slashes `amount` of `operator`'s locked stake.
    event StakeSlashed(address indexed operator, uint256 amount, uint256 escrowedReward);

    /// @notice Emitted when a bond is taken from `payer` into escrow.
    event BondEscrowed(address indexed payer, uint256 amount);

    /// @notice Emitted when `amount` is credited to `account`, to be pulled with {claim}.
    event Credited(address indexed account, uint256 amount);

    /// @notice Emitted when `account` pulls its credits.
    event Claimed(address indexed account, uint256 amount);

    /// @notice Only the ledger may call this.
    error StakeOnlyLedger(address caller);

    /// @notice The token and treasury must be set.
    error StakeInvalidConfiguration();

    /// @notice Amounts must be non-zero.
    error StakeZeroAmount();

    /// @notice The operator's free stake is smaller than what is asked.
    error StakeInsufficientFree(address operator, uint256 free, uint256 needed);

    /// @notice The operator's locked stake is smaller than what is asked.
    error StakeInsufficientLocked(address operator, uint256 locked, uint256 needed);

    /// @notice The escrow holds less than what is asked.
    error StakeInsufficientEscrow(uint256 escrowed, uint256 needed);

    /// @notice The operator has no pending withdrawal.
    error StakeNoWithdrawal(address operator);

    /// @notice The pending withdrawal is still unbonding.
    error StakeWithdrawalNotReady(address operator, uint64 readyAt);

    /// @notice The account has nothing to claim.
    error StakeNothingToClaim(address account);

    /// @notice The token delivered less than was transferred (fee-on-transfer tokens are not supported).
    error StakeTransferShortfall(uint256 expected, uint256 received);

    /// @notice The amount does not fit the stake's 128-bit accounting.
    error StakeAmountOverflow(uint256 amount);

    /// @notice Adds `amount` tokens to the caller's free stake. The caller must approve this contract.
    /// @param amount Tokens to deposit.
    function deposit(uint256 amount) external;

    /// @notice Adds `amount` tokens, paid by the caller, to `operator`'s free stake.
    /// @param operator The account whose stake grows.
    /// @param amount Tokens to deposit.
    function depositFor(address operator, uint256 amount) external;

    /// @notice Moves `amount` of the caller's free stake into unbonding; restarts the delay for the whole pending amount.
    /// @param amount Tokens to unbond.
    function requestWithdrawal(uint256 amount) external;

    /// @notice Returns the caller's pending withdrawal to its free stake.
    function cancelWithdrawal() external;

    /// @notice Pays out the caller's pending withdrawal once the unbonding delay has passed.
    function completeWithdrawal() external;

    /// @notice Pays out the caller's credits (rewards, refunded bonds, won bonds).
    function claim() external;

    /// @notice Locks `amount` of `operator`'s free stake behind a commitment. Ledger only.
    /// @param operator The operator.
    /// @param amount Tokens to lock.
    function lock(address operator, uint256 amount) external;

    /// @notice Returns `amount` of `operator`'s locked stake to free stake. Ledger only.
    /// @param operator The operator.
    /// @param amount Tokens to unlock.
    function unlock(address operator, uint256 amount) external;

    /// @notice Slashes `amount` of `operator`'s locked stake: `escrowedReward` goes into escrow until the ledger
    /// knows which challenger earned it, and the rest is credited to the treasury. Ledger only.
    /// @param operator The operator at fault.
    /// @param amount Locked tokens to take.
    /// @param escrowedReward The challenger reward's share of `amount`, released later with {releaseBond}.
    function slash(address operator, uint256 amount, uint256 escrowedReward) external;

    /// @notice Takes a bond of `amount` tokens from `payer` into escrow. `payer` must approve this contract. Ledger only.
    /// @param payer Who posts the bond.
    /// @param amount The bond.
    function escrowBond(address payer, uint256 amount) external;

    /// @notice Releases `amount` from escrow as a credit to `account`. Ledger only.
    /// @param account Who is credited.
    /// @param amount Tokens released.
    function releaseBond(address account, uint256 amount) external;

    /// @notice The stake token.
    /// @return token The ERC-20.
    function token() external view returns (IERC20 token);

    /// @notice The ledger allowed to lock, unlock, slash and move bonds: the contract that deployed this one.
    /// @return ledger The ledger's address.
    function ledger() external view returns (address ledger);

    /// @notice Where slashed stake and burned bond shares are credited.
    /// @return treasury The treasury's address.
    function treasury() external view returns (address treasury);

    /// @notice Seconds a withdrawal waits between request and completion.
    /// @return seconds_ The delay.
    function unbondingDelay() external view returns (uint64 seconds_);

    /// @notice An operator's free and locked stake.
    /// @param operator The operator.
    /// @return stake The stake.
    function stakeOf(address operator) external view returns (Stake memory stake);

    /// @notice An operator's pending withdrawal.
    /// @param operator The operator.
    /// @return withdrawal The pending withdrawal (zero when none).
    function withdrawalOf(address operator) external view returns (Withdrawal memory withdrawal);

    /// @notice Tokens `account` can pull with {claim}.
    /// @param account The account.
    /// @return amount The credit.
    function creditOf(address account) external view returns (uint256 amount);

    /// @notice Tokens held in escrow as challenger bonds.
    /// @return amount The escrow.
    function escrowed() external view returns (uint256 amount);
}
