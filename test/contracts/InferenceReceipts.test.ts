import { expect } from "chai";
import { encodeAbiParameters, keccak256, stringToBytes, type Address, type Hex } from "viem";
import {
  CHALLENGE_WINDOW,
  accuseAs,
  commitBatch,
  commitOne,
  deploySystem,
  leafOf,
  networkHelpers,
  viem,
  type Inference,
  type System,
} from "../helpers/system.ts";

const CLAIM = keccak256(stringToBytes("the output the challenger computed"));
const [PENDING, DISPUTED, SETTLED, FRAUDULENT, VOIDED] = [1, 2, 3, 4, 5] as const;

/** The system with a consumer of the committee model's answers that trusts `operator` only. */
async function deployWithConsumer() {
  const system = await deploySystem();
  const consumer = await viem.deployContract("SettledAnswerConsumer", [
    system.ledger.address,
    system.modelId,
    [system.operator.account.address],
  ]);
  return { system, consumer };
}

/** The request id the consumer expects for a question: `keccak256(abi.encode(consumer, inputHash))`. */
function requestIdOf(consumer: Address, inputHash: Hex): Hex {
  return keccak256(encodeAbiParameters([{ type: "address" }, { type: "bytes32" }], [consumer, inputHash]));
}

/** Flips the last byte of a 32-byte hash. */
function flipLastByte(hash: Hex): Hex {
  const last = Number.parseInt(hash.slice(-2), 16) ^ 0xff;
  return `${hash.slice(0, -2)}${last.toString(16).padStart(2, "0")}` as Hex;
}

describe("InferenceReceipts and SettledAnswerConsumer", () => {
  let system: System;
  let consumer: Awaited<ReturnType<typeof deployWithConsumer>>["consumer"];

  beforeEach(async () => {
    ({ system, consumer } = await networkHelpers.loadFixture(deployWithConsumer));
  });

  /** A question to the consumer and an answer to it, distinct per `seed`. */
  function question(seed: number, answer = "answer"): Inference {
    const inputHash = keccak256(stringToBytes(`question:${seed}`));
    return { requestId: requestIdOf(consumer.address, inputHash), inputHash, outputHash: keccak256(stringToBytes(`${answer}:${seed}`)) };
  }

  function receipt(
    commitmentId: Hex,
    inference: Inference,
    { leafIndex = 0n, proof = [] as readonly Hex[], modelId = system.modelId, operator = system.operator.account.address } = {},
  ) {
    return { commitmentId, modelId, operator, leafIndex, inference, proof };
  }

  async function settleAfterWindow(...ids: Hex[]) {
    await networkHelpers.time.increase(CHALLENGE_WINDOW + 1);
    for (const id of ids) await system.ledger.write.settle([id]);
  }

  async function vote(disputeId: bigint, operatorAtFault: boolean) {
    for (const arbiter of system.arbiters.slice(0, 2)) {
      await system.committeeResolver.write.vote([disputeId, operatorAtFault], { account: arbiter.account });
    }
  }

  async function gasOf(hash: Promise<Hex>): Promise<bigint> {
    return (await system.publicClient.waitForTransactionReceipt({ hash: await hash })).gasUsed;
  }

  /** A batch of `size` questions answered by `wallet`, with its id, items and proof maker. */
  async function answeredBatch(size: number, firstSeed = 0, wallet = system.operator) {
    const items = Array.from({ length: size }, (_, i) => question(firstSeed + i));
    return { ...(await commitBatch(system, items, wallet)), items };
  }

  describe("accepting settled answers", () => {
    it("binds each request id to its question", async () => {
      const inputHash = keccak256(stringToBytes("question:1"));
      expect(await consumer.read.requestIdOf([inputHash])).to.equal(requestIdOf(consumer.address, inputHash));
    });

    it("accepts the settled answer of a single commitment and emits the event with exact arguments", async () => {
      const inference = question(1);
      const id = await commitOne(system, inference);
      await settleAfterWindow(id);

      expect(await consumer.read.receiptStatus([receipt(id, inference)])).to.equal(SETTLED);
      await viem.assertions.emitWithArgs(consumer.write.acceptAnswer([receipt(id, inference)]), consumer, "AnswerAccepted", [
        inference.requestId,
        inference.outputHash,
        id,
      ]);
      expect(await consumer.read.answerOf([inference.requestId])).to.equal(inference.outputHash);
    });

    it("accepts the settled answer at any leaf of a batch", async () => {
      const batch = await answeredBatch(7);
      await settleAfterWindow(batch.id);

      for (const leaf of [0, 3, 6]) {
        await viem.assertions.emitWithArgs(
          consumer.write.acceptAnswer([receipt(batch.id, batch.items[leaf], { leafIndex: BigInt(leaf), proof: batch.proof(leaf) })]),
          consumer,
          "AnswerAccepted",
          [batch.items[leaf].requestId, batch.items[leaf].outputHash, batch.id],
        );
        expect(await consumer.read.answerOf([batch.items[leaf].requestId])).to.equal(batch.items[leaf].outputHash);
      }
      expect(await consumer.read.answerOf([batch.items[1].requestId])).to.equal(`0x${"0".repeat(64)}`);
    });

    it("accepts an answer that survived a dispute once its commitment settled", async () => {
      const inference = question(1);
      const id = await commitOne(system, inference);
      const disputeId = await accuseAs(system, system.challenger, { commitmentId: id, leafIndex: 0, inference, proof: [], claim: CLAIM });
      await vote(disputeId, false);
      await settleAfterWindow(id);

      await viem.assertions.emitWithArgs(consumer.write.acceptAnswer([receipt(id, inference)]), consumer, "AnswerAccepted", [
        inference.requestId,
        inference.outputHash,
        id,
      ]);
    });

    it("refuses to accept a second answer to the same request, from the same receipt or another commitment", async () => {
      const inference = question(1);
      const id = await commitOne(system, inference);
      const other = { ...inference, outputHash: keccak256(stringToBytes("another answer")) };
      const otherId = await commitOne(system, other);
      await settleAfterWindow(id, otherId);
      await consumer.write.acceptAnswer([receipt(id, inference)]);

      for (const again of [receipt(id, inference), receipt(otherId, other)]) {
        await viem.assertions.revertWithCustomErrorWithArgs(consumer.write.acceptAnswer([again]), consumer, "ConsumerAlreadyAnswered", [
          inference.requestId,
          inference.outputHash,
        ]);
      }
      expect(await consumer.read.answerOf([inference.requestId])).to.equal(inference.outputHash);
    });
  });

  describe("refusing answers that are not settled", () => {
    it("refuses a pending answer with its commitment, leaf and status", async () => {
      const batch = await answeredBatch(3);
      const r = receipt(batch.id, batch.items[2], { leafIndex: 2n, proof: batch.proof(2) });
      expect(await consumer.read.receiptStatus([r])).to.equal(PENDING);
      await viem.assertions.revertWithCustomErrorWithArgs(consumer.write.acceptAnswer([r]), consumer, "InferenceReceiptNotSettled", [
        batch.id,
        2n,
        PENDING,
      ]);
    });

    it("refuses a pending answer even after the challenge window closed, until someone settles it", async () => {
      const inference = question(1);
      const id = await commitOne(system, inference);
      await networkHelpers.time.increase(CHALLENGE_WINDOW + 1);
      await viem.assertions.revertWithCustomErrorWithArgs(consumer.write.acceptAnswer([receipt(id, inference)]), consumer, "InferenceReceiptNotSettled", [
        id,
        0n,
        PENDING,
      ]);
    });

    it("refuses a disputed answer", async () => {
      const inference = question(1);
      const id = await commitOne(system, inference);
      await accuseAs(system, system.challenger, { commitmentId: id, leafIndex: 0, inference, proof: [], claim: CLAIM });
      await networkHelpers.time.increase(CHALLENGE_WINDOW + 1);

      await viem.assertions.revertWithCustomErrorWithArgs(consumer.write.acceptAnswer([receipt(id, inference)]), consumer, "InferenceReceiptNotSettled", [
        id,
        0n,
        DISPUTED,
      ]);
    });

    it("refuses the fraudulent answer and the voided answers of a slashed batch, for good", async () => {
      const batch = await answeredBatch(4);
      const disputeId = await accuseAs(system, system.challenger, {
        commitmentId: batch.id,
        leafIndex: 1,
        inference: batch.items[1],
        proof: batch.proof(1),
        claim: CLAIM,
      });
      await vote(disputeId, true);
      await networkHelpers.time.increase(CHALLENGE_WINDOW + 1);

      for (const [leaf, status] of [[1, FRAUDULENT], [0, VOIDED], [3, VOIDED]] as const) {
        const r = receipt(batch.id, batch.items[leaf], { leafIndex: BigInt(leaf), proof: batch.proof(leaf) });
        expect(await consumer.read.receiptStatus([r])).to.equal(status);
        await viem.assertions.revertWithCustomErrorWithArgs(consumer.write.acceptAnswer([r]), consumer, "InferenceReceiptNotSettled", [
          batch.id,
          BigInt(leaf),
          status,
        ]);
      }
    });
  });

  describe("refusing forged receipts as not included", () => {
    async function expectNotIncluded(r: ReturnType<typeof receipt>) {
      expect(await consumer.read.receiptStatus([r])).to.equal(0); // None
      await viem.assertions.revertWithCustomErrorWithArgs(consumer.write.acceptAnswer([r]), consumer, "InferenceReceiptNotIncluded", [
        r.commitmentId,
        r.leafIndex,
      ]);
    }

    it("refuses a settled answer with one byte of its output hash changed", async () => {
      const inference = question(1);
      const id = await commitOne(system, inference);
      const batch = await answeredBatch(5, 10);
      await settleAfterWindow(id, batch.id);

      await expectNotIncluded(receipt(id, { ...inference, outputHash: flipLastByte(inference.outputHash) }));
      const leaf = batch.items[2];
      await expectNotIncluded(
        receipt(batch.id, { ...leaf, outputHash: flipLastByte(leaf.outputHash) }, { leafIndex: 2n, proof: batch.proof(2) }),
      );
    });

    it("refuses a batch receipt with a wrong leaf index", async () => {
      const batch = await answeredBatch(8);
      await settleAfterWindow(batch.id);
      for (const wrong of [3n, 0n, 7n, 8n, 2n ** 24n + 2n]) {
        await expectNotIncluded(receipt(batch.id, batch.items[2], { leafIndex: wrong, proof: batch.proof(2) }));
      }
    });

    it("refuses a proof taken from another batch", async () => {
      const first = await answeredBatch(4, 0);
      const second = await answeredBatch(4, 100);
      await settleAfterWindow(first.id, second.id);

      // The first batch's answer with the second batch's proof at the same position, and the reverse.
      await expectNotIncluded(receipt(first.id, first.items[1], { leafIndex: 1n, proof: second.proof(1) }));
      await expectNotIncluded(receipt(first.id, second.items[1], { leafIndex: 1n, proof: second.proof(1) }));
      // A tampered proof, one that is too short and one that is too long.
      const proof = first.proof(1);
      await expectNotIncluded(receipt(first.id, first.items[1], { leafIndex: 1n, proof: [flipLastByte(proof[0]), ...proof.slice(1)] }));
      await expectNotIncluded(receipt(first.id, first.items[1], { leafIndex: 1n, proof: proof.slice(1) }));
      await expectNotIncluded(receipt(first.id, first.items[1], { leafIndex: 1n, proof: [...proof, proof[0]] }));
    });

    it("refuses another model's settled answer passed off as this model's", async () => {
      const { registry, deployer, modelSpec, ledger } = system;
      const cheaper = { ...modelSpec, weightsRoot: keccak256(stringToBytes("cheaper-model-weights")), uri: "ipfs://cheaper" };
      await registry.write.registerModel([cheaper], { account: deployer.account });
      const cheaperId = await registry.read.computeModelId([deployer.account.address, cheaper]);
      const inference = question(1);
      const id = await ledger.read.computeCommitmentId([cheaperId, system.operator.account.address, leafOf(inference)]);
      await ledger.write.commit([cheaperId, inference.requestId, inference.inputHash, inference.outputHash], {
        account: system.operator.account,
      });
      await settleAfterWindow(id);
      expect(await ledger.read.inferenceStatus([id, 0n])).to.equal(SETTLED);

      // Claimed as the consumer's model: not included. Named honestly: the wrong model.
      await expectNotIncluded(receipt(id, inference));
      await viem.assertions.revertWithCustomErrorWithArgs(
        consumer.write.acceptAnswer([receipt(id, inference, { modelId: cheaperId })]),
        consumer,
        "ConsumerWrongModel",
        [cheaperId],
      );
      // The id the consumer's model would have: no such commitment.
      const asIfThisModel = await ledger.read.computeCommitmentId([system.modelId, system.operator.account.address, leafOf(inference)]);
      await expectNotIncluded(receipt(asIfThisModel, inference));
    });

    it("refuses an untrusted operator's settled answer passed off as a trusted operator's", async () => {
      const { otherOperator } = system;
      const inference = question(1);
      const id = await commitOne(system, inference, otherOperator);
      const batch = await answeredBatch(3, 10, otherOperator);
      await settleAfterWindow(id, batch.id);

      // Claimed as the trusted operator's: not included. Named honestly: an untrusted operator.
      await expectNotIncluded(receipt(id, inference));
      await expectNotIncluded(receipt(batch.id, batch.items[1], { leafIndex: 1n, proof: batch.proof(1) }));
      await viem.assertions.revertWithCustomErrorWithArgs(
        consumer.write.acceptAnswer([receipt(id, inference, { operator: otherOperator.account.address })]),
        consumer,
        "ConsumerUntrustedOperator",
        [(a: string) => a.toLowerCase() === otherOperator.account.address.toLowerCase()] as never,
      );
    });

    it("refuses a receipt for a commitment that does not exist", async () => {
      const inference = question(1);
      await expectNotIncluded(receipt(keccak256(stringToBytes("no such commitment")), inference));
    });
  });

  describe("refusing answers to other questions", () => {
    it("refuses a settled answer whose request id is not bound to its input", async () => {
      const honest = question(1);
      const unbound = { ...honest, requestId: keccak256(stringToBytes("a request id of the operator's choosing")) };
      const swapped = { ...honest, inputHash: keccak256(stringToBytes("question:2")) };
      const ids = [await commitOne(system, unbound), await commitOne(system, swapped)];
      await settleAfterWindow(...ids);

      for (const [id, inference] of [[ids[0], unbound], [ids[1], swapped]] as const) {
        expect(await consumer.read.receiptStatus([receipt(id, inference)])).to.equal(SETTLED);
        await viem.assertions.revertWithCustomErrorWithArgs(consumer.write.acceptAnswer([receipt(id, inference)]), consumer, "ConsumerRequestMismatch", [
          inference.requestId,
          inference.inputHash,
        ]);
      }
    });

    it("refuses an answer with an empty output hash", async () => {
      const inference = { ...question(1), outputHash: `0x${"0".repeat(64)}` as Hex };
      const id = await commitOne(system, inference);
      await settleAfterWindow(id);
      await viem.assertions.revertWithCustomErrorWithArgs(consumer.write.acceptAnswer([receipt(id, inference)]), consumer, "ConsumerEmptyAnswer", [
        inference.requestId,
      ]);
    });
  });

  describe("deployment and cost", () => {
    it("refuses to deploy without a ledger, a model or a valid operator set", async () => {
      const { ledger, modelId, operator, otherOperator } = system;
      const zero = `0x${"0".repeat(40)}` as Address;
      const a = operator.account.address;
      for (const args of [
        [zero, modelId, [a]],
        [ledger.address, `0x${"0".repeat(64)}`, [a]],
        [ledger.address, modelId, []],
        [ledger.address, modelId, [a, zero]],
        [ledger.address, modelId, [a, otherOperator.account.address, a]],
      ] as const) {
        await viem.assertions.revertWithCustomError(
          viem.deployContract("SettledAnswerConsumer", args as unknown as [Address, Hex, Address[]]),
          consumer,
          "ConsumerInvalidConfiguration",
        );
      }
    });

    it("accepts a single answer and an answer from a 256-leaf batch within a bounded cost", async () => {
      const inference = question(1);
      const id = await commitOne(system, inference);
      const batch = await answeredBatch(256, 1000);
      await settleAfterWindow(id, batch.id);

      const single = await gasOf(consumer.write.acceptAnswer([receipt(id, inference)]));
      const leaf = 137;
      const fromBatch = await gasOf(
        consumer.write.acceptAnswer([receipt(batch.id, batch.items[leaf], { leafIndex: BigInt(leaf), proof: batch.proof(leaf) })]),
      );
      expect(batch.proof(leaf)).to.have.length(8);
      expect(Number(single)).to.be.below(70_000);
      expect(Number(fromBatch)).to.be.below(Number(single) + 10_000);
    });
  });
});
