import { expect } from "chai";
import { AbiCoder, keccak256, toUtf8Bytes } from "ethers";
import { inferenceLeaf, merkleLevels, merkleProof, merkleRoot, verifyMerkleProof } from "@vinfer/runtime";
import type { Hex } from "@vinfer/runtime";
import { naiveMerkleRoot } from "./helpers.ts";

const leavesOf = (count: number): Hex[] => Array.from({ length: count }, (_, i) => keccak256(toUtf8Bytes(`leaf ${i}`)) as Hex);

/** Levels on which leaf `index` of `count` has a sibling, i.e. the proof length the spec demands. */
function expectedProofLength(index: number, count: number): number {
  let length = 0;
  for (let width = count, position = index; width > 1; width = Math.ceil(width / 2), position >>= 1) {
    if (!(position === width - 1 && position % 2 === 0)) length++;
  }
  return length;
}

/** The left/right pattern a proof is applied with: equal patterns accept the same proof. */
function pathShape(index: number, count: number): string {
  let shape = "";
  for (let width = count, position = index; width > 1; width = Math.ceil(width / 2), position >>= 1) {
    shape += position === width - 1 && position % 2 === 0 ? "-" : position % 2 === 0 ? "L" : "R";
  }
  return shape.replaceAll("-", "");
}

function flipByte(hex: Hex): Hex {
  const last = parseInt(hex.slice(-2), 16) ^ 0x01;
  return `${hex.slice(0, -2)}${last.toString(16).padStart(2, "0")}` as Hex;
}

describe("runtime: positional Merkle tree", () => {
  it("gives the roots of an independent construction for 1..17 leaves", () => {
    for (let count = 1; count <= 17; count++) {
      const leaves = leavesOf(count);
      expect(merkleRoot(leaves), `${count} leaves`).to.equal(naiveMerkleRoot(leaves));
    }
    const one = leavesOf(1);
    expect(merkleRoot(one)).to.equal(one[0]);
    expect(merkleLevels(leavesOf(5)).map((level) => level.length)).to.deep.equal([5, 3, 2, 1]);
  });

  it("proves every leaf with a proof of exactly the expected length", () => {
    for (let count = 1; count <= 17; count++) {
      const leaves = leavesOf(count);
      const root = merkleRoot(leaves);
      for (let index = 0; index < count; index++) {
        const proof = merkleProof(leaves, index);
        expect(proof).to.have.length(expectedProofLength(index, count));
        expect(verifyMerkleProof(leaves[index], index, count, proof, root), `${index}/${count}`).to.equal(true);
      }
    }
  });

  it("rejects wrong leaves, indices, counts, proofs and proof lengths", () => {
    for (let count = 1; count <= 17; count++) {
      const leaves = leavesOf(count);
      const root = merkleRoot(leaves);
      for (let index = 0; index < count; index++) {
        const proof = merkleProof(leaves, index);
        const verify = (leaf: Hex, i: number, n: number, p: Hex[], r: Hex = root) => verifyMerkleProof(leaf, i, n, p, r);
        expect(verify(flipByte(leaves[index]), index, count, proof)).to.equal(false);
        expect(verify(leaves[index], index, count, proof, flipByte(root))).to.equal(false);
        for (let other = 0; other < count + 3; other++) {
          if (other !== index) expect(verify(leaves[index], other, count, proof), `index ${other} for ${index}/${count}`).to.equal(false);
        }
        // A different count fails unless it applies the proof in exactly the same way.
        for (let other = 1; other <= 20; other++) {
          if (other === count) continue;
          const sameShape = index < other && pathShape(index, other) === pathShape(index, count);
          expect(verify(leaves[index], index, other, proof), `count ${other} for ${index}/${count}`).to.equal(sameShape);
        }
        expect(verify(leaves[index], index, 0, proof)).to.equal(false);
        expect(verify(leaves[index], -1, count, proof)).to.equal(false);
        expect(verify(leaves[index], index, count, [...proof, root])).to.equal(false);
        if (proof.length > 0) {
          expect(verify(leaves[index], index, count, proof.slice(0, -1))).to.equal(false);
          expect(verify(leaves[index], index, count, proof.slice(1))).to.equal(false);
          for (let k = 0; k < proof.length; k++) {
            const tampered = proof.slice();
            tampered[k] = flipByte(tampered[k]);
            expect(verify(leaves[index], index, count, tampered)).to.equal(false);
          }
          expect(verify(leaves[index], index, count, proof.slice().reverse())).to.equal(proof.length === 1);
        }
      }
    }
  });

  it("refuses to build an empty tree or prove a missing leaf", () => {
    expect(() => merkleRoot([])).to.throw(RangeError);
    expect(() => merkleProof(leavesOf(3), 3)).to.throw(RangeError);
    expect(() => merkleProof(leavesOf(3), -1)).to.throw(RangeError);
  });

  it("hashes inference leaves as keccak256(keccak256(abi.encode(requestId, inputHash, outputHash)))", () => {
    const [requestId, inputHash, outputHash] = leavesOf(3);
    const encoded = AbiCoder.defaultAbiCoder().encode(["bytes32", "bytes32", "bytes32"], [requestId, inputHash, outputHash]);
    expect(inferenceLeaf(requestId, inputHash, outputHash)).to.equal(keccak256(keccak256(encoded)));
    const batch = leavesOf(9).map((id) => inferenceLeaf(id, inputHash, outputHash));
    expect(verifyMerkleProof(batch[8], 8, 9, merkleProof(batch, 8), merkleRoot(batch))).to.equal(true);
  });
});
