// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MerkleTree} from "../../libraries/MerkleTree.sol";

/// @notice Exposes {MerkleTree} to the Solidity tests (its proof reader takes calldata). Test-only.
contract MerkleTreeHarness {
    function root(bytes32[] memory leaves) external pure returns (bytes32) {
        return MerkleTree.rootInPlace(leaves);
    }

    function processProof(bytes32 leaf, uint256 index, uint256 count, bytes32[] calldata proof)
        external
        pure
        returns (bytes32 root_, bool valid)
    {
        return MerkleTree.processProof(leaf, index, count, proof);
    }
}
