// Makes the accusations the checker decided: a dispute (`challenge`: commit with the deposit, then reveal with
// the bond) or a data demand (`demandData`), each with the salt stored before anything was sent. Before acting
// it asks the ledger how far an accusation got (its commit is keyed by the stored salt), so after a crash a
// revealed accusation is only recorded, a committed one is only revealed, and none is ever made twice.
import {
  challenge,
  challengeCommitHash,
  ChallengeCommitStatus,
  CommitmentStatus,
  dataDemandKey,
  demandData,
  revealChallenge,
  revealDataDemand,
  type Inference,
} from "@vinfer/sdk";
import { inferenceLeaf, merkleProof } from "@vinfer/runtime";
import { getAddress, type Address, type Hex } from "viem";
import { commitmentOf, latestBlock, ledgerView } from "./chain.ts";
import { errorText, revertName } from "./log.ts";
import type { AccusationRow } from "./store.ts";
import { Part } from "./part.ts";

/** Reverts after which an accusation can never be revealed: it is abandoned. */
const FINAL_REVERTS = new Set([
  "LedgerChallengeWindowClosed",
  "LedgerRevealWindowClosed",
  "LedgerAccusationTooLate",
  "LedgerCommitmentStatusInvalid",
  "LedgerClaimMatchesCommitment",
  "LedgerInvalidProof",
  "LedgerLeafIndexOutOfRange",
  "LedgerChallengeCommitClosed",
]);

type ChallengeCommitRecord = { id: bigint | number; committedAt: number; status: number };
type DisputeRecord = { commitmentId: Hex; challenger: Address; leafIndex: number; status: number; resolver: Address };
type DemandRecord = { demander: Address; deadline: number; status: number };

export class Accuser extends Part {

  async tick(): Promise<void> {
    for (const accusation of this.store.pendingAccusations()) {
      try {
        await this.advance(accusation);
      } catch (error) {
        const name = revertName(error);
        if (name !== undefined && FINAL_REVERTS.has(name)) {
          this.abandon(accusation, `${name}: ${errorText(error)}`);
        } else {
          // A node or network error: the next tick asks the ledger again where the accusation stands.
          this.log({ event: "accusation.error", kind: accusation.kind, commitmentId: accusation.commitmentId, leafIndex: accusation.leafIndex, error: errorText(error) });
        }
      }
    }
  }

  private abandon(a: AccusationRow, reason: string): void {
    this.store.updateAccusation(a, { state: "abandoned", reason });
    this.log({ event: "accusation.abandoned", kind: a.kind, commitmentId: a.commitmentId, leafIndex: a.leafIndex, reason });
  }

  /** The leaf as committed and its Merkle proof, from the stored leaves of the commitment. */
  private target(a: AccusationRow): { inference: Inference; proof: Hex[] } {
    const leaves = this.store.leaves(a.commitmentId);
    const leaf = leaves[a.leafIndex];
    const hashes = leaves.map((l) => inferenceLeaf(l.requestId, l.inputHash, l.outputHash));
    return {
      inference: { requestId: leaf.requestId, inputHash: leaf.inputHash, outputHash: leaf.outputHash },
      proof: merkleProof(hashes, a.leafIndex),
    };
  }

  private commitHash(a: AccusationRow): Hex {
    return challengeCommitHash({
      challenger: this.chain.address,
      commitmentId: a.commitmentId,
      leafIndex: BigInt(a.leafIndex),
      claimedOutputHash: a.kind === "challenge" ? (a.claimedOutputHash ?? undefined) : undefined,
      salt: a.salt,
    });
  }

  private async advance(a: AccusationRow): Promise<void> {
    const record = await ledgerView<ChallengeCommitRecord>(this.chain, "getChallengeCommit", [this.commitHash(a)]);
    if (record.status === ChallengeCommitStatus.Revealed) return this.revealed(a, BigInt(record.id), undefined);
    if (record.status === ChallengeCommitStatus.Forfeited) return this.abandon(a, "its commit was not revealed in time and was forfeited");

    const commitment = this.store.getCommitment(a.commitmentId)!;
    const onChain = await commitmentOf(this.chain, a.commitmentId);
    const { timestamp: now } = await latestBlock(this.chain);
    if (now > commitment.challengeDeadline) return this.abandon(a, "the challenge window closed before it was revealed");
    if (onChain.status === CommitmentStatus.Settled) return this.abandon(a, "the commitment is settled");
    if (onChain.status === CommitmentStatus.Slashed && record.status === ChallengeCommitStatus.None) {
      // A new commit would come after the accusation that slashed it: it could change nothing.
      return this.abandon(a, "the commitment is already slashed");
    }

    const { inference, proof } = this.target(a);
    const leaf = { contracts: this.chain.contracts, commitmentId: a.commitmentId, leafIndex: BigInt(a.leafIndex), inference, proof, salt: a.salt };
    // Committed before a crash, never revealed: reveal the commit that exists. Otherwise commit, then reveal.
    const committed = record.status === ChallengeCommitStatus.Committed;
    if (committed) this.log({ event: "accusation.resume", kind: a.kind, commitmentId: a.commitmentId, leafIndex: a.leafIndex, id: record.id });
    if (a.kind === "challenge") {
      const target = { ...leaf, claimedOutputHash: a.claimedOutputHash! };
      const result = committed ? await revealChallenge(this.chain.wallet, target) : await challenge(this.chain.wallet, target);
      return this.revealed(a, result.disputeId, result.receipt.blockNumber, result.resolver);
    }
    const result = committed ? await revealDataDemand(this.chain.wallet, leaf) : await demandData(this.chain.wallet, leaf);
    return this.revealed(a, result.demandId, result.receipt.blockNumber);
  }

  /** Records a revealed accusation as open, with what the next steps need. */
  private async revealed(a: AccusationRow, id: bigint, block: bigint | undefined, resolver?: Address): Promise<void> {
    if (a.kind === "challenge") {
      const dispute = await ledgerView<DisputeRecord>(this.chain, "getDispute", [id]);
      const at = getAddress(resolver ?? dispute.resolver);
      this.store.updateAccusation(a, { state: "open", accusationId: id, resolver: at, block: block ?? null });
      this.log({ event: "dispute.opened", disputeId: id, commitmentId: a.commitmentId, leafIndex: a.leafIndex, claimedOutputHash: a.claimedOutputHash, resolver: at });
      return;
    }
    const leaf = this.store.leaves(a.commitmentId)[a.leafIndex];
    const demand = await ledgerView<DemandRecord>(this.chain, "getDataDemand", [dataDemandKey(id, a.commitmentId, BigInt(a.leafIndex), leaf.inputHash)]);
    this.store.updateAccusation(a, { state: "open", accusationId: id, deadline: Number(demand.deadline), block: block ?? null });
    this.log({ event: "demand.opened", demandId: id, commitmentId: a.commitmentId, leafIndex: a.leafIndex, deadline: Number(demand.deadline) });
  }
}
