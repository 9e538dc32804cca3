// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IDisputeResolver} from "../interfaces/IDisputeResolver.sol";
import {IInferenceLedger} from "../interfaces/IInferenceLedger.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";

/// @title ManualResolver
/// @notice Test-only resolver whose outcomes are reported by hand, to exercise the ledger's dispute
/// callback on its own (including outcomes a correct resolver never reports).
contract ManualResolver is IDisputeResolver {
    /// @inheritdoc IDisputeResolver
    address public immutable ledger;
    uint256 public lastDisputeId;

    constructor(address ledger_) {
        ledger = ledger_;
    }

    /// @inheritdoc IDisputeResolver
    function openDispute(DisputeContext calldata ctx) external {
        lastDisputeId = ctx.disputeId;
    }

    /// @notice Reports `outcome` for `disputeId` to the ledger.
    function report(uint256 disputeId, Outcome outcome) external {
        IInferenceLedger(ledger).resolveDispute(disputeId, outcome);
    }

    /// @inheritdoc IDisputeResolver
    function checkModel(IModelRegistry.ModelSpec calldata) external pure {}

    /// @inheritdoc IDisputeResolver
    function maxDisputeDuration() external pure returns (uint256) {
        return 1 days;
    }
}
