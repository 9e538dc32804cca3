// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ITransferHook} from "./ReentrantToken.sol";

/// @notice An account (operator, challenger, or both) that, once armed, re-enters a chosen contract with a chosen
/// call from inside the next token transfer and records what happened. Test-only.
contract ReentrancyAttacker is ITransferHook {
    IERC20 public immutable token;

    address private _target;
    bytes private _data;
    bool public armed;
    bool public attempted;
    bool public reentrySucceeded;
    bytes public reentryResult;

    constructor(IERC20 token_) {
        token = token_;
    }

    /// @notice Runs `data` against `target` as this account, outside of any transfer.
    function act(address target, bytes calldata data) external returns (bytes memory) {
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
        return ret;
    }

    /// @notice The next token transfer makes this account call `target` with `data` (once).
    function arm(address target, bytes calldata data) external {
        _target = target;
        _data = data;
        armed = true;
        attempted = false;
        reentrySucceeded = false;
        delete reentryResult;
    }

    function onTokenTransfer(address, address, uint256) external {
        require(msg.sender == address(token), "attacker: not the token");
        if (!armed) return;
        armed = false;
        attempted = true;
        (reentrySucceeded, reentryResult) = _target.call(_data);
    }
}
