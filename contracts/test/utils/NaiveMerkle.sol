// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IInferenceLedger} from "../../interfaces/IInferenceLedger.sol";

/// @notice A deliberately different construction of the batch Merkle tree, for cross-checking
/// {MerkleTree}: recursive, splitting `n > 1` leaves at the largest power of two below `n`. That split
/// yields the same tree as pairing level by level and promoting the last node of an odd level.
library NaiveMerkle {
    /// @notice The leaf of one inference, computed with plain Solidity.
    function leaf(IInferenceLedger.Inference memory item) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(item.requestId, item.inputHash, item.outputHash))));
    }

    /// @notice The largest power of two strictly below `n` (n >= 2).
    function split(uint256 n) internal pure returns (uint256 k) {
        k = 1;
        while (k * 2 < n) k *= 2;
    }

    function root(bytes32[] memory leaves) internal pure returns (bytes32) {
        require(leaves.length > 0, "naive: empty");
        return _root(leaves, 0, leaves.length);
    }

    function _root(bytes32[] memory leaves, uint256 lo, uint256 hi) private pure returns (bytes32) {
        uint256 n = hi - lo;
        if (n == 1) return leaves[lo];
        uint256 k = split(n);
        return keccak256(abi.encodePacked(_root(leaves, lo, lo + k), _root(leaves, lo + k, hi)));
    }

    /// @notice The siblings of leaf `index`, bottom-up.
    function proof(bytes32[] memory leaves, uint256 index) internal pure returns (bytes32[] memory siblings) {
        require(index < leaves.length, "naive: index");
        bytes32[] memory topDown = new bytes32[](256);
        uint256 depth;
        uint256 lo;
        uint256 hi = leaves.length;
        while (hi - lo > 1) {
            uint256 k = split(hi - lo);
            if (index < lo + k) {
                topDown[depth++] = _root(leaves, lo + k, hi);
                hi = lo + k;
            } else {
                topDown[depth++] = _root(leaves, lo, lo + k);
                lo = lo + k;
            }
        }
        siblings = new bytes32[](depth);
        for (uint256 i; i < depth; ++i) siblings[i] = topDown[depth - 1 - i];
    }

    /// @notice The turns from leaf `index` up to the root of a tree of `n` leaves, bottom-up:
    /// true where the path node is a right child. Two positions hash to the same root with the same
    /// siblings exactly when their turn sequences are equal.
    function turns(uint256 index, uint256 n) internal pure returns (bool[] memory path) {
        require(index < n, "naive: index");
        bool[] memory topDown = new bool[](256);
        uint256 depth;
        uint256 lo;
        uint256 hi = n;
        while (hi - lo > 1) {
            uint256 k = split(hi - lo);
            if (index < lo + k) {
                topDown[depth++] = false;
                hi = lo + k;
            } else {
                topDown[depth++] = true;
                lo = lo + k;
            }
        }
        path = new bool[](depth);
        for (uint256 i; i < depth; ++i) path[i] = topDown[depth - 1 - i];
    }
}
