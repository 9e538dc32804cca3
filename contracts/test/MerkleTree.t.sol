// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {VinferFixture} from "./utils/VinferFixture.sol";
import {NaiveMerkle} from "./utils/NaiveMerkle.sol";
import {MerkleTreeHarness} from "./utils/MerkleTreeHarness.sol";

/// @notice {MerkleTree} against an independent recursive construction.
contract MerkleTreeTest is VinferFixture {
    MerkleTreeHarness private tree;

    function setUp() public override {
        super.setUp();
        tree = new MerkleTreeHarness();
    }

    function _randomLeaves(bytes32 seed, uint256 n) private pure returns (bytes32[] memory leaves) {
        leaves = new bytes32[](n);
        for (uint256 i; i < n; ++i) leaves[i] = keccak256(abi.encode(seed, i));
    }

    function _copy(bytes32[] memory a) private pure returns (bytes32[] memory b) {
        b = new bytes32[](a.length);
        for (uint256 i; i < a.length; ++i) b[i] = a[i];
    }

    function _sameTurns(bool[] memory a, bool[] memory b) private pure returns (bool) {
        if (a.length != b.length) return false;
        for (uint256 i; i < a.length; ++i) if (a[i] != b[i]) return false;
        return true;
    }

    /// The proof is accepted as leading to `expected`.
    function _accepted(bytes32 leaf, uint256 index, uint256 count, bytes32[] memory proof, bytes32 expected)
        private
        view
        returns (bool)
    {
        (bytes32 root, bool valid) = tree.processProof(leaf, index, count, proof);
        return valid && root == expected;
    }

    // ------------------------------------------------------------------ roots

    function testFuzz_rootMatchesNaive(bytes32 seed, uint256 n) public view {
        n = _bound(n, 1, 300);
        bytes32[] memory leaves = _randomLeaves(seed, n);
        assertEq(tree.root(_copy(leaves)), NaiveMerkle.root(leaves), "root differs from the recursive construction");
    }

    function testFuzz_rootMatchesNaiveOnArbitraryArrays(bytes32[] memory leaves) public view {
        vm.assume(leaves.length > 0);
        assertEq(tree.root(_copy(leaves)), NaiveMerkle.root(leaves), "root differs from the recursive construction");
    }

    function test_rootSmallShapes() public view {
        bytes32[] memory l = _randomLeaves("shapes", 5);
        bytes32 h01 = keccak256(abi.encodePacked(l[0], l[1]));
        bytes32 h23 = keccak256(abi.encodePacked(l[2], l[3]));
        bytes32[] memory one = new bytes32[](1);
        one[0] = l[0];
        assertEq(tree.root(one), l[0], "one leaf is its own root");
        bytes32[] memory three = new bytes32[](3);
        (three[0], three[1], three[2]) = (l[0], l[1], l[2]);
        assertEq(tree.root(three), keccak256(abi.encodePacked(h01, l[2])), "3 leaves: last promoted");
        bytes32[] memory five = _copy(l);
        assertEq(
            tree.root(five), keccak256(abi.encodePacked(keccak256(abi.encodePacked(h01, h23)), l[4])), "5 leaves"
        );
    }

    // ------------------------------------------------------------------ proofs

    function testFuzz_everyProofVerifies(bytes32 seed, uint256 n) public view {
        n = _bound(n, 1, 40);
        bytes32[] memory leaves = _randomLeaves(seed, n);
        bytes32 root = NaiveMerkle.root(leaves);
        for (uint256 i; i < n; ++i) {
            bytes32[] memory proof = NaiveMerkle.proof(leaves, i);
            (bytes32 got, bool valid) = tree.processProof(leaves[i], i, n, proof);
            assertTrue(valid, "a correct proof must be valid");
            assertEq(got, root, "a correct proof must lead to the root");
        }
    }

    function testFuzz_wrongIndexRejected(bytes32 seed, uint256 n, uint256 i, uint256 j) public view {
        n = _bound(n, 1, 64);
        i = _bound(i, 0, n - 1);
        j = _bound(j, 0, 2 * n + 1);
        vm.assume(j != i);
        bytes32[] memory leaves = _randomLeaves(seed, n);
        bytes32[] memory proof = NaiveMerkle.proof(leaves, i);
        assertFalse(
            _accepted(leaves[i], j, n, proof, NaiveMerkle.root(leaves)), "proof accepted at another index"
        );
    }

    function testFuzz_indexOutOfRangeInvalid(bytes32 leaf, uint256 n, uint256 index, bytes32[] memory proof)
        public
        view
    {
        n = _bound(n, 0, 4096);
        index = _bound(index, n, type(uint256).max);
        (, bool valid) = tree.processProof(leaf, index, n, proof);
        assertFalse(valid, "index >= count must be invalid");
    }

    /// The root does not encode the leaf count (the ledger stores it beside the root): a wrong count may only
    /// be accepted when the leaf sits on the very same path in both shapes. Anything else must be rejected.
    function testFuzz_wrongCountRejectedUnlessSamePath(bytes32 seed, uint256 n, uint256 i, uint256 m) public view {
        n = _bound(n, 1, 64);
        i = _bound(i, 0, n - 1);
        m = _bound(m, 1, 130);
        vm.assume(m != n);
        bytes32[] memory leaves = _randomLeaves(seed, n);
        bytes32[] memory proof = NaiveMerkle.proof(leaves, i);
        bool accepted = _accepted(leaves[i], i, m, proof, NaiveMerkle.root(leaves));
        bool samePath = i < m && _sameTurns(NaiveMerkle.turns(i, m), NaiveMerkle.turns(i, n));
        assertEq(accepted, samePath, "wrong count: acceptance must match path equality");
    }

    /// A count that changes the leaf's path (here: a sibling appears or disappears) is rejected.
    function testFuzz_countChangingTheShapeRejected(bytes32 seed, uint256 log) public view {
        // n = 2^log + 1 leaves: the last one is promoted all the way up and pairs only at the root.
        log = _bound(log, 1, 6);
        uint256 n = (1 << log) + 1;
        bytes32[] memory leaves = _randomLeaves(seed, n);
        bytes32 root = NaiveMerkle.root(leaves);
        bytes32[] memory proof = NaiveMerkle.proof(leaves, n - 1);
        assertEq(proof.length, 1, "promoted leaf has one sibling");
        assertTrue(_accepted(leaves[n - 1], n - 1, n, proof, root), "baseline");
        assertFalse(_accepted(leaves[n - 1], n - 1, n + 1, proof, root), "count + 1 gives the leaf a sibling");
        assertFalse(_accepted(leaves[n - 1], n - 1, n - 1, proof, root), "count - 1 puts the leaf out of range");
        assertFalse(_accepted(leaves[0], 0, n - 1, NaiveMerkle.proof(leaves, 0), root), "first leaf, count - 1");
    }

    function testFuzz_tamperedSiblingRejected(bytes32 seed, uint256 n, uint256 i, uint256 k, bytes32 delta) public view {
        n = _bound(n, 2, 64);
        i = _bound(i, 0, n - 1);
        vm.assume(delta != bytes32(0));
        bytes32[] memory leaves = _randomLeaves(seed, n);
        bytes32[] memory proof = NaiveMerkle.proof(leaves, i);
        k = _bound(k, 0, proof.length - 1);
        proof[k] ^= delta;
        assertFalse(_accepted(leaves[i], i, n, proof, NaiveMerkle.root(leaves)), "tampered sibling accepted");
    }

    function testFuzz_tamperedLeafRejected(bytes32 seed, uint256 n, uint256 i, bytes32 delta) public view {
        n = _bound(n, 1, 64);
        i = _bound(i, 0, n - 1);
        vm.assume(delta != bytes32(0));
        bytes32[] memory leaves = _randomLeaves(seed, n);
        bytes32[] memory proof = NaiveMerkle.proof(leaves, i);
        assertFalse(_accepted(leaves[i] ^ delta, i, n, proof, NaiveMerkle.root(leaves)), "tampered leaf accepted");
    }

    function testFuzz_wrongProofLengthRejected(bytes32 seed, uint256 n, uint256 i, bytes32 extra, bool drop)
        public
        view
    {
        n = _bound(n, 1, 64);
        i = _bound(i, 0, n - 1);
        bytes32[] memory leaves = _randomLeaves(seed, n);
        bytes32[] memory proof = NaiveMerkle.proof(leaves, i);
        bytes32[] memory bad;
        if (drop && proof.length > 0) {
            bad = new bytes32[](proof.length - 1);
            for (uint256 k; k < bad.length; ++k) bad[k] = proof[k];
        } else {
            bad = new bytes32[](proof.length + 1);
            for (uint256 k; k < proof.length; ++k) bad[k] = proof[k];
            bad[proof.length] = extra;
        }
        (, bool valid) = tree.processProof(leaves[i], i, n, bad);
        assertFalse(valid, "a proof of the wrong length must be invalid");
    }
}
