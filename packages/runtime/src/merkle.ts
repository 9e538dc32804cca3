// The positional Merkle tree shared by neuron leaves (weightsRoot) and inference batches
// (docs/int8-mlp-profile.md, "The Merkle tree"): the last node of an odd level is promoted
// unchanged, and proofs skip the levels where their node is promoted.
import { concat, hexToBytes, keccak256 } from "viem";
import type { Hex } from "viem";

function hashPair(left: Hex, right: Hex): Hex {
  return keccak256(concat([left, right]));
}

/** All levels, leaves first and the root level (one node) last. */
export function merkleLevels(leaves: readonly Hex[]): Hex[][] {
  if (leaves.length === 0) throw new RangeError("a Merkle tree needs at least one leaf");
  const levels: Hex[][] = [leaves.slice()];
  let level = levels[0];
  while (level.length > 1) {
    const next: Hex[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? hashPair(level[i], level[i + 1]) : level[i]);
    }
    levels.push(next);
    level = next;
  }
  return levels;
}

export function merkleRoot(leaves: readonly Hex[]): Hex {
  const levels = merkleLevels(leaves);
  return levels[levels.length - 1][0];
}

/** Siblings from the bottom up, given the levels from `merkleLevels`. */
export function merkleProofFromLevels(levels: readonly (readonly Hex[])[], index: number): Hex[] {
  const count = levels[0].length;
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`leaf index ${index} is outside 0..${count - 1}`);
  }
  const proof: Hex[] = [];
  let position = index;
  for (let depth = 0; depth < levels.length - 1; depth++) {
    const level = levels[depth];
    const sibling = position ^ 1;
    if (sibling < level.length) proof.push(level[sibling]);
    position >>= 1;
  }
  return proof;
}

export function merkleProof(leaves: readonly Hex[], index: number): Hex[] {
  return merkleProofFromLevels(merkleLevels(leaves), index);
}

/**
 * The root that leaf `index` of a tree of `count` leaves and its proof lead to, or undefined when the index is out
 * of range or the proof does not have exactly the length the tree gives that index (MerkleTree.processProof).
 */
export function merkleRootFromProof(leaf: Hex, index: number, count: number, proof: readonly Hex[]): Hex | undefined {
  if (!Number.isSafeInteger(count) || count < 1) return undefined;
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) return undefined;
  let node = leaf.toLowerCase() as Hex;
  let position = index;
  let width = count;
  let used = 0;
  while (width > 1) {
    const promoted = position === width - 1 && position % 2 === 0;
    if (!promoted) {
      if (used === proof.length) return undefined;
      const sibling = proof[used++];
      node = position % 2 === 0 ? hashPair(node, sibling) : hashPair(sibling, node);
    }
    position >>= 1;
    width = Math.ceil(width / 2);
  }
  return used === proof.length ? node : undefined;
}

/** Accepts only a proof of exactly the length the tree of `count` leaves gives `index`. */
export function verifyMerkleProof(leaf: Hex, index: number, count: number, proof: readonly Hex[], root: Hex): boolean {
  return merkleRootFromProof(leaf, index, count, proof) === root.toLowerCase();
}

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/**
 * Leaf of an inference batch: keccak256(keccak256(abi.encode(requestId, inputHash, outputHash))). The ABI
 * encoding of three bytes32 is their concatenation, built directly: indexers hash every leaf they see.
 */
export function inferenceLeaf(requestId: Hex, inputHash: Hex, outputHash: Hex): Hex {
  for (const [name, value] of [["requestId", requestId], ["inputHash", inputHash], ["outputHash", outputHash]] as const) {
    if (!BYTES32.test(value)) throw new TypeError(`inferenceLeaf: ${name} must be 32 bytes of hex, got ${value}`);
  }
  return keccak256(keccak256(hexToBytes(`0x${requestId.slice(2)}${inputHash.slice(2)}${outputHash.slice(2)}`), "bytes"));
}
