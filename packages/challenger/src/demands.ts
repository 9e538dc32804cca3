// Follows the data demands the daemon opened. An answered demand's input (from its InputPublished event) is
// re-executed like any served input: a wrong output becomes a dispute while the window is open. A demand left
// unanswered past its deadline is expired (`expireDataDemand`): the commitment is slashed as if at fault.
import { inferenceLedgerAbi } from "@vinfer/abis";
import { dataDemandKey, DataDemandStatus, expireDataDemand, hexToInt8, int8ToHex, randomSalt, toVinferError } from "@vinfer/sdk";
import { vectorHash } from "@vinfer/runtime";
import type { Address } from "viem";
import { getContractEvents } from "viem/actions";
import { latestBlock, ledgerView } from "./chain.ts";
import { trueOutputHash } from "./checker.ts";
import type { AccusationRow } from "./store.ts";
import { Part } from "./part.ts";

type DemandRecord = { demander: Address; deadline: number; status: number };

export class Demands extends Part {
  /** Set when a demand closed in a way that may have credited the daemon. */
  onCredit: () => void = () => {};

  async tick(): Promise<void> {
    const open = this.store.accusations("demand", "open");
    if (open.length === 0) return;
    const { timestamp: now } = await latestBlock(this.chain);
    for (const demand of open) await this.follow(demand, now);
  }

  private async follow(a: AccusationRow, now: number): Promise<void> {
    const leaf = this.store.leaves(a.commitmentId)[a.leafIndex];
    const demandId = a.accusationId!;
    const key = dataDemandKey(demandId, a.commitmentId, BigInt(a.leafIndex), leaf.inputHash);
    const record = await ledgerView<DemandRecord>(this.chain, "getDataDemand", [key]);

    if (record.status === DataDemandStatus.Open) {
      if (now <= Number(record.deadline)) return;
      await expireDataDemand(this.chain.wallet, {
        contracts: this.chain.contracts,
        demandId,
        commitmentId: a.commitmentId,
        leafIndex: BigInt(a.leafIndex),
        inputHash: leaf.inputHash,
      });
      this.store.updateAccusation(a, { state: "withheld" });
      this.onCredit();
      this.log({ event: "demand.expired", demandId, commitmentId: a.commitmentId, leafIndex: a.leafIndex, result: "expired unanswered: the commitment is slashed" });
      return;
    }
    if (record.status === DataDemandStatus.Withheld) {
      this.store.updateAccusation(a, { state: "withheld" });
      this.onCredit();
      this.log({ event: "demand.expired", demandId, commitmentId: a.commitmentId, leafIndex: a.leafIndex, result: "expired unanswered (by another account): the commitment is slashed" });
      return;
    }
    if (record.status !== DataDemandStatus.Answered && record.status !== DataDemandStatus.Collected) return;

    // Answered: the published input is in the InputPublished event (the ledger checked it against the input hash).
    let events;
    try {
      events = await getContractEvents(this.chain.public, {
        address: this.chain.contracts.ledger,
        abi: inferenceLedgerAbi,
        eventName: "InputPublished",
        args: { demandId, commitmentId: a.commitmentId },
        fromBlock: a.block ?? 0n,
        toBlock: "latest",
        strict: true,
      });
    } catch (error) {
      throw toVinferError(error, { contract: this.chain.contracts.ledger, functionName: "eth_getLogs" });
    }
    const published = events.find((e) => e.args.demandId === demandId);
    if (published === undefined) return; // not visible yet at this node: ask again next tick
    const input = hexToInt8(published.args.input);
    const commitment = this.store.getCommitment(a.commitmentId)!;
    const resolved = this.models.get(commitment.modelId);
    if (resolved === undefined || vectorHash(input).toLowerCase() !== leaf.inputHash.toLowerCase() || input.length !== resolved.model.inputWidth) {
      this.store.transaction(() => {
        this.store.setLeaf(a.commitmentId, a.leafIndex, "unverifiable");
        this.store.updateAccusation(a, { state: "answered" });
      });
      this.log({ event: "demand.answered", demandId, commitmentId: a.commitmentId, leafIndex: a.leafIndex, result: "the published input cannot be run by the model" });
      return;
    }
    const truth = trueOutputHash(resolved.model, input);
    const right = truth.toLowerCase() === leaf.outputHash.toLowerCase();
    const windowOpen = now <= commitment.challengeDeadline;
    this.store.transaction(() => {
      this.store.setLeaf(a.commitmentId, a.leafIndex, right ? "ok" : "wrong", truth);
      this.store.updateAccusation(a, { state: "answered" });
      if (!right && windowOpen) {
        this.store.addAccusation({ commitmentId: a.commitmentId, leafIndex: a.leafIndex, kind: "challenge", salt: randomSalt(), claimedOutputHash: truth, input: int8ToHex(input) });
      }
    });
    this.log({
      event: "demand.answered",
      demandId,
      commitmentId: a.commitmentId,
      leafIndex: a.leafIndex,
      result: right ? "the output is right" : windowOpen ? "the output is wrong: challenging" : "the output is wrong, but the challenge window has closed",
    });
  }
}
