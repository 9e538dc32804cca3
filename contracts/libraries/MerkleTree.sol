// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";

/// @title MerkleTree
/// @notice The positional Merkle tree shared by inference batches and model weights
/// (docs/int8-mlp-profile.md): inner nodes hash `left ‖ right` in order; the last node of an odd
/// level is promoted unchanged; a tree of one leaf has that leaf as root.
library MerkleTree {
    /// @notice Computes the root of `leaves`, overwriting the array as scratch space.
    /// @dev `leaves` must not be empty.
    function rootInPlace(bytes32[] memory leaves) internal pure returns (bytes32) {
        uint256 width = leaves.length;
        while (width > 1) {
            uint256 pairs = width >> 1;
            for (uint256 i; i < pairs; ++i) {
                leaves[i] = Hashes.efficientKeccak256(leaves[2 * i], leaves[2 * i + 1]);
            }
            if (width & 1 == 1) {
                leaves[pairs] = leaves[width - 1];
                width = pairs + 1;
            } else {
                width = pairs;
            }
        }
        return leaves[0];
    }

    /// @notice Recomputes the root from leaf `index` of `count` leaves and its proof.
    /// @return root The root the proof leads to.
    /// @return valid False when `index` is out of range or the proof has the wrong length.
    function processProof(bytes32 leaf, uint256 index, uint256 count, bytes32[] calldata proof)
        internal
        pure
        returns (bytes32 root, bool valid)
    {
        if (index >= count) return (bytes32(0), false);
        uint256 used;
        root = leaf;
        while (count > 1) {
            if (index & 1 == 1) {
                if (used == proof.length) return (bytes32(0), false);
                root = Hashes.efficientKeccak256(proof[used++], root);
            } else if (index + 1 < count) {
                if (used == proof.length) return (bytes32(0), false);
                root = Hashes.efficientKeccak256(root, proof[used++]);
            } // else: last node of an odd level, promoted without a sibling
            index >>= 1;
            count = (count + 1) >> 1;
        }
        valid = used == proof.length;
    }
}
