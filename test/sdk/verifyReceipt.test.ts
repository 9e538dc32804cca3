// verifyReceipt trusts nothing the receipt says: it recomputes leaf, root and commitment id and reads the status.
import { expect } from "chai";
import { keccak256, stringToBytes, type Hex } from "viem";
import { merkleProof } from "@vinfer/runtime";
import { settle, verifyReceipt, VinferError, vote, type InferenceReceipt } from "@vinfer/sdk";
import { accuseAs, CHALLENGE_WINDOW, commitBatch, commitOne, leafOf, loadSystem, networkHelpers, sampleInference, type System } from "../helpers/system.ts";

/** Flips the last hex digit of a 32-byte value. */
const flip = (hex: Hex): Hex => `${hex.slice(0, -1)}${hex.endsWith("0") ? "1" : "0"}` as Hex;

async function batchReceipt(system: System, size = 5, index = 3) {
  const items = Array.from({ length: size }, (_, i) => sampleInference(100 + i));
  const { id } = await commitBatch(system, items);
  const receipt: InferenceReceipt = {
    commitmentId: id,
    modelId: system.modelId,
    operator: system.operator.account.address,
    leafIndex: index,
    inference: items[index],
    proof: merkleProof(items.map(leafOf), index),
  };
  return { receipt, items };
}

describe("SDK: verifyReceipt", () => {
  it("finds a pending leaf of a batch included, then settled and final after the window", async () => {
    const system = await loadSystem();
    const { receipt } = await batchReceipt(system);
    const pending = await verifyReceipt(system.publicClient, { contracts: system.contracts, receipt });
    expect([pending.included, pending.status, pending.final]).to.deep.equal([true, "Pending", false]);
    await networkHelpers.time.increase(CHALLENGE_WINDOW + 1);
    await settle(system.stranger, { contracts: system.contracts, commitmentId: receipt.commitmentId });
    const settled = await verifyReceipt(system.publicClient, { contracts: system.contracts, receipt });
    expect([settled.included, settled.status, settled.final]).to.deep.equal([true, "Settled", true]);
    expect(settled.computedCommitmentId).to.equal(receipt.commitmentId.toLowerCase());
  });

  it("checks a single commitment, whose root is its leaf and whose proof is empty", async () => {
    const system = await loadSystem();
    const inference = sampleInference(7);
    const commitmentId = await commitOne(system, inference);
    const receipt = { commitmentId, modelId: system.modelId, operator: system.operator.account.address, leafIndex: 0, inference, proof: [] };
    const result = await verifyReceipt(system.publicClient, { contracts: system.contracts, receipt });
    expect([result.included, result.status, result.root]).to.deep.equal([true, "Pending", leafOf(inference)]);
  });

  it("refuses a receipt with one byte changed anywhere", async () => {
    const system = await loadSystem();
    const { receipt } = await batchReceipt(system);
    const tampered: InferenceReceipt[] = [
      { ...receipt, inference: { ...receipt.inference, outputHash: flip(receipt.inference.outputHash) } },
      { ...receipt, inference: { ...receipt.inference, inputHash: flip(receipt.inference.inputHash) } },
      { ...receipt, inference: { ...receipt.inference, requestId: flip(receipt.inference.requestId) } },
      { ...receipt, proof: [flip(receipt.proof[0]), ...receipt.proof.slice(1)] },
      { ...receipt, leafIndex: 2 },
      { ...receipt, modelId: flip(receipt.modelId) },
      { ...receipt, operator: system.otherOperator.account.address },
      { ...receipt, proof: receipt.proof.slice(1) },
      { ...receipt, commitmentId: flip(receipt.commitmentId) },
    ];
    for (const [i, bad] of tampered.entries()) {
      const result = await verifyReceipt(system.publicClient, { contracts: system.contracts, receipt: bad });
      expect([result.included, result.status, result.final], `tampering #${i}`).to.deep.equal([false, "None", false]);
      expect(result.reason, `tampering #${i}`).to.be.a("string");
    }
  });

  it("reports the fraudulent leaf and the voided rest of a slashed batch as final", async () => {
    const system = await loadSystem();
    const { receipt, items } = await batchReceipt(system);
    const disputeId = await accuseAs(system, system.challenger, {
      commitmentId: receipt.commitmentId,
      leafIndex: 3,
      inference: items[3],
      proof: receipt.proof,
      claim: keccak256(stringToBytes("the right output")),
    });
    const [arbiterA, arbiterB] = system.arbiters;
    for (const arbiter of [arbiterA, arbiterB]) await vote(arbiter, { contracts: system.contracts, disputeId, operatorAtFault: true });
    const fraudulent = await verifyReceipt(system.publicClient, { contracts: system.contracts, receipt });
    expect([fraudulent.included, fraudulent.status, fraudulent.final]).to.deep.equal([true, "Fraudulent", true]);
    const other = { ...receipt, leafIndex: 0, inference: items[0], proof: merkleProof(items.map(leafOf), 0) };
    const voided = await verifyReceipt(system.publicClient, { contracts: system.contracts, receipt: other });
    expect([voided.included, voided.status, voided.final]).to.deep.equal([true, "Voided", true]);
  });

  it("throws a VinferError on a malformed receipt instead of asking the chain", async () => {
    const system = await loadSystem();
    const { receipt } = await batchReceipt(system);
    for (const bad of [{ ...receipt, commitmentId: "0x1234" }, { ...receipt, leafIndex: -1 }, { ...receipt, proof: ["nope"] }]) {
      let thrown: unknown;
      try {
        await verifyReceipt(system.publicClient, { contracts: system.contracts, receipt: bad as InferenceReceipt });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).to.be.instanceOf(VinferError);
      expect((thrown as VinferError).shortMessage).to.match(/^malformed receipt: /);
    }
  });
});
