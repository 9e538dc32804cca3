// Makes the accusations the checker decided: a dispute (`challenge`: commit with the deposit, then reveal with
// the bond) or a data demand (`demandData`), each with the salt stored before anything was sent. Before acting
// it asks the ledger how far an accusation got (its commit is keyed by the stored salt), so after a crash a
// revealed accusation is only recorded, a committed one is only revealed, and none is ever made twice.
import { inferenceLedgerAbi } from "@vinfer/abis";
import {
  challenge,
  challengeCommitHash,
  ChallengeCommitStatus,
  CommitmentStatus,
  dataDemandKey,
  demandData,
  protocolErrorsAbi,
  toVinferError,
  VinferTransactionRevertedError,
  type Inference,
} from "@vinfer/sdk";
import { inferenceLeaf, merkleProof } from "@vinfer/runtime";
import { erc20Abi, getAddress, type Abi, type Address, type Hex } from "viem";
import { readContract, simulateContract, waitForTransactionReceipt, writeContract } from "viem/actions";
import { commitmentOf, latestBlock, ledgerView, type Chain } from "./chain.ts";
import { errorText, revertName, type Logger } from "./log.ts";
import type { AccusationRow, Store } from "./store.ts";

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

export class Accuser {
  readonly chain: Chain;
  readonly store: Store;
  readonly log: Logger;

  constructor(chain: Chain, store: Store, log: Logger) {
    this.chain = chain;
    this.store = store;
    this.log = log;
  }

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
    if (record.status === ChallengeCommitStatus.Committed) {
      // Committed before a crash, never revealed: reveal the commit that exists.
      this.log({ event: "accusation.resume", kind: a.kind, commitmentId: a.commitmentId, leafIndex: a.leafIndex, id: record.id });
      const block = await this.reveal(a, inference, proof);
      return this.revealed(a, BigInt(record.id), block);
    }
    if (a.kind === "challenge") {
      const result = await challenge(this.chain.wallet, { ...leaf, claimedOutputHash: a.claimedOutputHash! });
      return this.revealed(a, result.disputeId, result.receipt.blockNumber, result.resolver);
    }
    const result = await demandData(this.chain.wallet, leaf);
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

  /** Reveals an existing commit (`challenge` or `demandData` alone); returns the block it was mined in. */
  private async reveal(a: AccusationRow, inference: Inference, proof: Hex[]): Promise<bigint> {
    const { wallet, contracts } = this.chain;
    const ledger = contracts.ledger;
    const functionName = a.kind === "challenge" ? "challenge" : "demandData";
    const args =
      a.kind === "challenge"
        ? [a.commitmentId, BigInt(a.leafIndex), inference, proof, a.claimedOutputHash!, a.salt]
        : [a.commitmentId, BigInt(a.leafIndex), inference, proof, a.salt];
    if (a.kind === "challenge") {
      // The reveal tops the deposit up to the challenger bond: the stake manager must be allowed to take it.
      const [bond, deposit] = await Promise.all([
        ledgerView<bigint>(this.chain, "challengeBond", [a.commitmentId]),
        ledgerView<bigint>(this.chain, "challengeDeposit"),
      ]);
      const allowance = (await readContract(wallet, {
        address: contracts.token,
        abi: erc20Abi,
        functionName: "allowance",
        args: [wallet.account.address, contracts.stakeManager],
      })) as bigint;
      if (allowance < bond - BigInt(deposit)) await this.send(contracts.token, erc20Abi, "approve", [contracts.stakeManager, bond - BigInt(deposit)]);
    }
    return this.send(ledger, inferenceLedgerAbi as Abi, functionName, args);
  }

  private async send(address: Address, abi: Abi, functionName: string, args: readonly unknown[]): Promise<bigint> {
    const { wallet } = this.chain;
    try {
      const { request } = await simulateContract(wallet, {
        address,
        abi: [...abi, ...protocolErrorsAbi],
        functionName,
        args,
        account: wallet.account,
        chain: wallet.chain,
      } as never);
      const hash = await writeContract(wallet, request as never);
      const receipt = await waitForTransactionReceipt(wallet, { hash });
      if (receipt.status !== "success") throw new VinferTransactionRevertedError({ functionName, hash });
      return receipt.blockNumber;
    } catch (error) {
      throw toVinferError(error, { contract: address, functionName });
    }
  }
}
