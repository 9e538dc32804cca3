// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title TestToken
/// @notice A freely mintable stake token for local chains and tests only. Never deploy it to a real network.
contract TestToken is ERC20 {
    constructor() ERC20("vinfer Test Stake", "tVIN") {}

    /// @notice Mints `amount` to `to`. Anyone may call it.
    /// @param to The recipient.
    /// @param amount The amount.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
