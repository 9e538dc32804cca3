// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Receives a callback from {ReentrantToken} in the middle of a transfer.
interface ITransferHook {
    function onTokenTransfer(address from, address to, uint256 amount) external;
}

/// @notice A hostile ERC-20 for tests: while a hook is set, every `transfer` and `transferFrom` calls it, before
/// or after the balances move, giving the hook a chance to re-enter whoever moved the tokens. Test-only.
contract ReentrantToken is ERC20 {
    address public hook;
    bool public hookAfterMove;
    bool private _inHook;

    constructor() ERC20("Reentrant Stake", "rSTK") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setHook(address hook_, bool afterMove) external {
        hook = hook_;
        hookAfterMove = afterMove;
    }

    function transfer(address to, uint256 amount) public override returns (bool) {
        if (!hookAfterMove) _callHook(msg.sender, to, amount);
        bool ok = super.transfer(to, amount);
        if (hookAfterMove) _callHook(msg.sender, to, amount);
        return ok;
    }

    function transferFrom(address from, address to, uint256 amount) public override returns (bool) {
        if (!hookAfterMove) _callHook(from, to, amount);
        bool ok = super.transferFrom(from, to, amount);
        if (hookAfterMove) _callHook(from, to, amount);
        return ok;
    }

    function _callHook(address from, address to, uint256 amount) private {
        if (hook == address(0) || _inHook) return;
        _inHook = true;
        ITransferHook(hook).onTokenTransfer(from, to, amount);
        _inHook = false;
    }
}
