import { encodeAbiParameters, keccak256, toHex, type Address, type Hex } from "viem";

/** What a challenger commits to before revealing it: a dispute (a claimed output) or a data demand (no claim). */
export type Accusation = {
  challenger: Address;
  commitmentId: Hex;
  leafIndex: bigint;
  /** The output hash the challenger says is right; omit (zero) for a data demand. */
  claimedOutputHash?: Hex;
  /** A secret that keeps the commit unguessable until it is revealed. */
  salt: Hex;
};

const ZERO: Hex = `0x${"00".repeat(32)}`;

/** The ledger's `computeChallengeCommit`: keccak256(abi.encode(challenger, commitmentId, leafIndex, claim, salt)). */
export function challengeCommitHash({ challenger, commitmentId, leafIndex, claimedOutputHash = ZERO, salt }: Accusation): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "address" }, { type: "bytes32" }, { type: "uint256" }, { type: "bytes32" }, { type: "bytes32" }],
      [challenger, commitmentId, leafIndex, claimedOutputHash, salt],
    ),
  );
}

/** The ledger's `computeDemandKey`: keccak256(abi.encode(demandId, commitmentId, leafIndex, inputHash)). */
export function dataDemandKey(demandId: bigint, commitmentId: Hex, leafIndex: bigint, inputHash: Hex): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "uint256" }, { type: "bytes32" }, { type: "uint256" }, { type: "bytes32" }],
      [demandId, commitmentId, leafIndex, inputHash],
    ),
  );
}

/** A fresh random salt. */
export function randomSalt(): Hex {
  return toHex(crypto.getRandomValues(new Uint8Array(32)));
}
