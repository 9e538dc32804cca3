// Checks a commitment: fetches its data from the operator's endpoint, keeps each served input only when it hashes
// to the committed input hash, re-executes the usable inputs with the runtime (one inferBatch per commitment) and
// compares output hashes. A wrong leaf becomes a dispute to open, a withheld one (endpoint unreachable, not
// found, or an input of another hash) a data demand; both are recorded, with their salts, before anything is sent.
import { CommitmentStatus, fetchCommitmentData, hexToInt8, int8ToHex, randomSalt, type CommitmentData } from "@vinfer/sdk";
import { inferBatch, vectorHash } from "@vinfer/runtime";
import type { Int8Model } from "@vinfer/runtime";
import type { Hex } from "viem";
import { commitmentOf, latestBlock, ledgerView } from "./chain.ts";
import { errorText } from "./log.ts";
import type { CommitmentRow, LeafRow } from "./store.ts";
import { Part } from "./part.ts";

/** Tries at the endpoint before its data counts as withheld. */
export const FETCH_ATTEMPTS = 3;
/** First wait between tries (doubling). */
const RETRY_MS = 1_000;
/** Seconds of challenge window kept for the commit and reveal of a demand: no retry eats into them. */
const WINDOW_MARGIN_S = 30;
/** Withheld leaves of one commitment demanded at most: one unanswered demand already slashes the whole commitment. */
export const MAX_DEMANDS_PER_COMMITMENT = 32;
/** Commitments checked per tick, so games keep moving while a backlog is worked off. */
const PER_TICK = 4;
/** Milliseconds an endpoint has to answer. */
const FETCH_TIMEOUT_MS = 5_000;

/** The output hash the model computes for `input`. */
export function trueOutputHash(model: Int8Model, input: Int8Array): Hex {
  return vectorHash(inferBatch(model, [input])[0]);
}

type Served = { input: Int8Array } | { withheld: string } | { unverifiable: string };

/** The served input of `leaf` if it is the committed one. */
function servedInput(model: Int8Model, leaf: LeafRow, data: CommitmentData | undefined, reason: string): Served {
  if (data === undefined) return { withheld: reason };
  const candidates = [data.items[leaf.leafIndex], ...data.items.filter((item) => item.requestId.toLowerCase() === leaf.requestId.toLowerCase())];
  for (const item of candidates) {
    if (item === undefined) continue;
    const input = hexToInt8(item.input);
    if (vectorHash(input).toLowerCase() !== leaf.inputHash.toLowerCase()) continue;
    if (input.length !== model.inputWidth) return { unverifiable: `the committed input has ${input.length} values, the model takes ${model.inputWidth}` };
    return { input };
  }
  return { withheld: data.items.length <= leaf.leafIndex ? "the endpoint does not serve this leaf" : "the endpoint serves an input of another hash" };
}

export class Checker extends Part {

  async tick(): Promise<void> {
    for (const commitment of this.store.dueCommitments(Date.now(), PER_TICK)) await this.check(commitment);
  }

  async check(commitment: CommitmentRow): Promise<void> {
    const resolved = this.models.get(commitment.modelId);
    if (resolved === undefined) {
      this.store.markChecked(commitment.id, 0);
      return;
    }
    const { model } = resolved;
    const { timestamp: now } = await latestBlock(this.chain);

    // The data, from the endpoint the operator names on chain.
    let data: CommitmentData | undefined;
    let reason = "";
    const dataURI = await ledgerView<string>(this.chain, "dataURIOf", [commitment.operator]);
    if (dataURI === "") reason = "the operator has no data URI";
    else {
      try {
        data = await fetchCommitmentData({ dataURI, commitmentId: commitment.id, timeoutMs: FETCH_TIMEOUT_MS });
      } catch (error) {
        reason = errorText(error);
        const attempts = commitment.attempts + 1;
        const wait = RETRY_MS * 2 ** (attempts - 1);
        if (attempts < FETCH_ATTEMPTS && now + Math.ceil(wait / 1000) + WINDOW_MARGIN_S < commitment.challengeDeadline) {
          this.store.retryLater(commitment.id, attempts, Date.now() + wait);
          this.log({ event: "data.retry", commitmentId: commitment.id, operator: commitment.operator, attempt: attempts, reason });
          return;
        }
      }
    }

    // Which leaves can be re-executed, and what they compute.
    const leaves = this.store.leaves(commitment.id);
    const verdicts = leaves.map((leaf) => ({ leaf, served: servedInput(model, leaf, data, reason) }));
    const runnable = verdicts.filter((v): v is { leaf: LeafRow; served: { input: Int8Array } } => "input" in v.served);
    const outputs = inferBatch(
      model,
      runnable.map((v) => v.served.input),
    );
    const truth = new Map<number, Hex>(runnable.map((v, k) => [v.leaf.leafIndex, vectorHash(outputs[k])]));

    const onChain = await commitmentOf(this.chain, commitment.id);
    const open = (onChain.status === CommitmentStatus.Pending || onChain.status === CommitmentStatus.Disputed) && now <= commitment.challengeDeadline;
    const wrong = verdicts.filter((v) => truth.has(v.leaf.leafIndex) && truth.get(v.leaf.leafIndex)!.toLowerCase() !== v.leaf.outputHash.toLowerCase());
    const withheld = verdicts.filter((v) => "withheld" in v.served);
    // A commitment proven wrong is slashed whole: demanding its withheld inputs too would only pay the operator
    // the deposits of the demands it answers.
    const demands = wrong.length > 0 ? [] : withheld.slice(0, MAX_DEMANDS_PER_COMMITMENT);

    this.store.transaction(() => {
      for (const { leaf, served } of verdicts) {
        if ("input" in served) {
          const computed = truth.get(leaf.leafIndex)!;
          this.store.setLeaf(commitment.id, leaf.leafIndex, computed.toLowerCase() === leaf.outputHash.toLowerCase() ? "ok" : "wrong", computed);
        } else {
          this.store.setLeaf(commitment.id, leaf.leafIndex, "withheld" in served ? "withheld" : "unverifiable");
        }
      }
      if (open) {
        for (const { leaf, served } of wrong) {
          const input = int8ToHex((served as { input: Int8Array }).input);
          this.store.addAccusation({ commitmentId: commitment.id, leafIndex: leaf.leafIndex, kind: "challenge", salt: randomSalt(), claimedOutputHash: truth.get(leaf.leafIndex)!, input });
        }
        for (const { leaf } of demands) this.store.addAccusation({ commitmentId: commitment.id, leafIndex: leaf.leafIndex, kind: "demand", salt: randomSalt() });
      }
      this.store.markChecked(commitment.id, withheld.length);
    });

    for (const { leaf } of wrong) {
      this.log({
        event: "inference.wrong",
        commitmentId: commitment.id,
        operator: commitment.operator,
        leafIndex: leaf.leafIndex,
        requestId: leaf.requestId,
        committedOutputHash: leaf.outputHash,
        trueOutputHash: truth.get(leaf.leafIndex),
        action: open ? "challenge" : "none: the challenge window is closed or the commitment is final",
      });
    }
    if (withheld.length > 0) {
      this.log({
        event: "data.withheld",
        commitmentId: commitment.id,
        operator: commitment.operator,
        leaves: withheld.map((v) => v.leaf.leafIndex),
        reason: (withheld[0].served as { withheld: string }).withheld,
        demanding: open ? demands.map((v) => v.leaf.leafIndex) : [],
      });
    }
    this.log({
      event: "commitment.checked",
      commitmentId: commitment.id,
      operator: commitment.operator,
      inferences: leaves.length,
      reexecuted: runnable.length,
      wrong: wrong.length,
      withheld: withheld.length,
      unverifiable: verdicts.length - runnable.length - withheld.length,
    });
  }
}
