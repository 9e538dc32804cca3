// Whole bisection games on the real ledger: commitments, challenges, every move, the one-step proof,
// timeouts, rejected moves, and what the ledger pays out in the end.
import { expect } from "chai";
import { infer, neuronLeaf, stateHash, stepWitness, trace, vectorHash } from "@vinfer/runtime";
import type { Hex } from "@vinfer/runtime";
import { BOND_PER_INFERENCE, BPS, CHALLENGE_WINDOW, CHALLENGER_BOND, networkHelpers, viem } from "../helpers/system.ts";
import {
  challengeInference,
  commitMnistBatch,
  loadBisection,
  mnistBatch,
  mnistModel,
  MOVE_TIMEOUT,
} from "./fixtures.ts";
import type { BisectionSystem } from "./fixtures.ts";
import {
  CommitmentStatus,
  DisputeStatus,
  encodeWitness,
  GameStatus,
  honestPlayer,
  InferenceStatus,
  maxRounds,
  nextMove,
  Party,
  playGame,
} from "@vinfer/sdk";
import type { Player } from "@vinfer/sdk";
import { faultyTrace, playerWithStates, statesClaimingOutput } from "@vinfer/sdk/testing";

const bumped = (v: Int8Array, at = 0): Int8Array => {
  const out = v.slice();
  out[at] = out[at] === 127 ? 126 : out[at] + 1;
  return out;
};

/** A faulty computation whose wrong neuron at `step` changes the final output. */
function visibleFault(input: Int8Array, step: number) {
  const truth = infer(mnistModel(), input);
  for (const value of [-128, 127, 0, 64, -64, 1, -1]) {
    const faulty = faultyTrace(mnistModel(), input, step, value);
    const honest = trace(mnistModel(), input);
    if (faulty.states[step + 1] !== honest.states[step + 1] && faulty.outputHash !== vectorHash(truth)) return faulty;
  }
  throw new Error(`no value of step ${step} changes the output`);
}

/** Commits one MNIST inference claiming `output` (true when omitted) and has the challenger dispute it. */
async function disputeOne(system: BisectionSystem, claimedOutputHash: Hex, operatorOutput?: Int8Array, index = 0) {
  const [item] = mnistBatch(index + 1).slice(index);
  const inference = operatorOutput === undefined ? item.inference : { ...item.inference, outputHash: vectorHash(operatorOutput) };
  const { commitmentId, proof } = await commitMnistBatch(system, [inference]);
  const { disputeId } = await challengeInference(system, commitmentId, 0, inference, proof(0), claimedOutputHash);
  return { input: item.input, inference, commitmentId, disputeId };
}

function sides(system: BisectionSystem, operator: Player, challenger: Player) {
  return [
    { player: operator, client: system.operator },
    { player: challenger, client: system.challenger },
  ];
}

async function play(system: BisectionSystem, disputeId: bigint, operator: Player, challenger: Player) {
  const publicClient = await viem.getPublicClient();
  return playGame(publicClient, { contracts: system.contracts, disputeId, sides: sides(system, operator, challenger) });
}

async function provenStep(system: BisectionSystem, disputeId: bigint): Promise<bigint> {
  const events = await system.resolver.getEvents.StepProven({ disputeId }, { fromBlock: 0n });
  expect(events).to.have.length(1);
  return events[0].args.step!;
}

describe("BisectionResolver on the ledger", function () {
  it("registers the MNIST model with its bound inside the registry's", async function () {
    const { resolver, registry, mnistModelId, mnistSpec } = await loadBisection();
    const model = await registry.read.getModel([mnistModelId]);
    expect(model.spec.traceLength).to.equal(74);
    expect(model.spec.weightsRoot).to.equal(mnistModel().weightsRoot);
    expect(await resolver.read.maxDisputeDuration()).to.equal(41n * BigInt(MOVE_TIMEOUT));
    const bound = BigInt(await registry.read.maxDisputeDuration());
    expect((await resolver.read.maxDisputeDuration()) <= bound).to.equal(true);

    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.registerModel([{ ...mnistSpec, weightsRoot: `0x${"11".repeat(32)}`, traceLength: 0 }]),
      resolver,
      "BisectionTraceLengthInvalid",
      [0n, 2n ** 20n],
    );
    const llm = `0x${"22".repeat(32)}` as Hex;
    await viem.assertions.revertWithCustomErrorWithArgs(
      registry.write.registerModel([{ ...mnistSpec, profileHash: llm }]),
      resolver,
      "BisectionProfileUnsupported",
      [llm],
    );
  });

  it("an honest operator beats a lying challenger", async function () {
    const system = await loadBisection();
    const { ledger, stakeManager, operator, deployer } = system;
    const input = mnistBatch(1)[0].input;
    // The challenger's trace is a real computation with neuron 70 changed.
    const lie = visibleFault(input, 70);
    const { disputeId, commitmentId } = await disputeOne(system, lie.outputHash);
    const { moves, game } = await play(
      system,
      disputeId,
      honestPlayer("operator", mnistModel(), input),
      playerWithStates("challenger", mnistModel(), input, lie.states),
    );

    expect(game.status).to.equal(GameStatus.OperatorWon);
    expect(await provenStep(system, disputeId)).to.equal(70n);
    expect(moves.at(-1)!.role).to.equal("operator");
    expect(moves.length).to.be.at.most(2 * maxRounds(74) + 1);

    expect((await ledger.read.getDispute([disputeId])).status).to.equal(DisputeStatus.ChallengerFault);
    expect((await ledger.read.getCommitment([commitmentId])).status).to.equal(CommitmentStatus.Pending);
    const burned = (CHALLENGER_BOND * BigInt(await ledger.read.challengerBurnBps())) / BPS;
    expect(await stakeManager.read.creditOf([operator.account.address])).to.equal(CHALLENGER_BOND - burned);
    expect(await stakeManager.read.creditOf([deployer.account.address])).to.equal(burned);
  });

  it("a cheating operator with one wrong output in a batch of 64 loses to an honest challenger", async function () {
    const system = await loadBisection();
    const { ledger, stakeManager, operator, challenger, deployer } = system;
    const model = mnistModel();
    const wrong = 17;
    const truth = mnistBatch(64);
    const forgedOutput = bumped(truth[wrong].output, 3);
    const batch = mnistBatch(64, new Map([[wrong, forgedOutput]]));
    const { commitmentId, proof } = await commitMnistBatch(system, batch.map((b) => b.inference));
    const lockedBefore = (await stakeManager.read.stakeOf([operator.account.address])).locked;

    const { disputeId } = await challengeInference(
      system,
      commitmentId,
      wrong,
      batch[wrong].inference,
      proof(wrong),
      vectorHash(truth[wrong].output),
    );
    const input = batch[wrong].input;
    const { moves, game } = await play(
      system,
      disputeId,
      playerWithStates("operator", model, input, statesClaimingOutput(trace(model, input).states, vectorHash(forgedOutput))),
      honestPlayer("challenger", model, input),
    );

    expect(game.status).to.equal(GameStatus.ChallengerWon);
    // Every intermediate state is right: the last step is where the lie shows.
    expect(await provenStep(system, disputeId)).to.equal(73n);
    expect(moves.filter((m) => m.move.type === "postMidState")).to.have.length(maxRounds(74));
    expect(moves.at(-1)!.role).to.equal("challenger");

    expect((await ledger.read.getDispute([disputeId])).status).to.equal(DisputeStatus.OperatorFault);
    expect((await ledger.read.getCommitment([commitmentId])).status).to.equal(CommitmentStatus.Slashed);
    expect((await ledger.read.getDisputeTally([commitmentId])).fraudulentLeaf).to.equal(wrong);
    expect(await ledger.read.inferenceStatus([commitmentId, BigInt(wrong)])).to.equal(InferenceStatus.Fraudulent);
    expect(await ledger.read.inferenceStatus([commitmentId, 0n])).to.equal(InferenceStatus.Voided);
    const slashed = 64n * BOND_PER_INFERENCE;
    const reward = (slashed * BigInt(await ledger.read.challengerRewardBps())) / BPS;
    expect((await stakeManager.read.stakeOf([operator.account.address])).locked).to.equal(lockedBefore - slashed);
    expect(await stakeManager.read.creditOf([deployer.account.address])).to.equal(slashed - reward);
    // The reward is paid once the window has closed: no accusation committed earlier can still be revealed.
    await networkHelpers.time.increase(CHALLENGE_WINDOW);
    await ledger.write.payChallengerReward([commitmentId]);
    expect(await stakeManager.read.creditOf([challenger.account.address])).to.equal(reward + CHALLENGER_BOND);
  });

  for (const step of [0, 37, 63, 64, 73]) {
    it(`a cheating operator with a wrong neuron at step ${step} loses at exactly that step`, async function () {
      const system = await loadBisection();
      const model = mnistModel();
      const input = mnistBatch(1)[0].input;
      const faulty = visibleFault(input, step);
      const { disputeId, commitmentId } = await disputeOne(system, vectorHash(infer(model, input)), faulty.output);
      const { game } = await play(
        system,
        disputeId,
        playerWithStates("operator", model, input, faulty.states),
        honestPlayer("challenger", model, input),
      );
      expect(game.status).to.equal(GameStatus.ChallengerWon);
      expect(game.lo).to.equal(step);
      expect(game.hi).to.equal(step + 1);
      expect(await provenStep(system, disputeId)).to.equal(BigInt(step));
      expect((await system.ledger.read.getDispute([disputeId])).status).to.equal(DisputeStatus.OperatorFault);
      expect((await system.ledger.read.getCommitment([commitmentId])).status).to.equal(CommitmentStatus.Slashed);
    });
  }

  describe("deadlines", function () {
    it("an operator that never posts loses, on anyone's call, once the deadline passed", async function () {
      const system = await loadBisection();
      const { resolver, ledger, stranger } = system;
      const input = mnistBatch(1)[0].input;
      const { disputeId } = await disputeOne(system, vectorHash(bumped(infer(mnistModel(), input))));
      const [party, step, deadline] = await resolver.read.nextMove([disputeId]);
      expect([party, step]).to.deep.equal([Party.Operator, 37n]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        resolver.write.claimTimeout([disputeId], { account: stranger.account }),
        resolver,
        "BisectionDeadlineNotPassed",
        [disputeId, deadline],
      );
      await networkHelpers.time.increase(MOVE_TIMEOUT);
      await viem.assertions.emitWithArgs(
        resolver.write.claimTimeout([disputeId], { account: stranger.account }),
        resolver,
        "MoveTimedOut",
        [disputeId, Party.Operator, deadline],
      );
      expect((await resolver.read.getGame([disputeId])).status).to.equal(GameStatus.ChallengerWon);
      expect((await ledger.read.getDispute([disputeId])).status).to.equal(DisputeStatus.OperatorFault);
    });

    it("a challenger that never answers loses", async function () {
      const system = await loadBisection();
      const { resolver, ledger, stranger, operator } = system;
      const model = mnistModel();
      const input = mnistBatch(1)[0].input;
      const { disputeId } = await disputeOne(system, vectorHash(bumped(infer(model, input))));
      await resolver.write.postMidState([disputeId, trace(model, input).states[37]], { account: operator.account });
      await networkHelpers.time.increase(MOVE_TIMEOUT + 1);
      expect(nextMove(honestPlayer("operator", model, input), await resolver.read.getGame([disputeId]), await networkHelpers.time.latest())).to.deep.equal({ type: "claimTimeout" });
      await resolver.write.claimTimeout([disputeId], { account: stranger.account });
      expect((await resolver.read.getGame([disputeId])).status).to.equal(GameStatus.OperatorWon);
      expect((await ledger.read.getDispute([disputeId])).status).to.equal(DisputeStatus.ChallengerFault);
    });

    it("the one-step proof is the operator's move: an honest operator that misses it loses", async function () {
      const system = await loadBisection();
      const { resolver, ledger, challenger } = system;
      const model = mnistModel();
      const input = mnistBatch(1)[0].input;
      const lie = visibleFault(input, 5);
      const { disputeId } = await disputeOne(system, lie.outputHash);
      // The operator plays the bisection but goes silent at the proof.
      const silent = { ...honestPlayer("operator", model, input), witness: () => ({ stateBefore: "0x" }) } as unknown as Player;
      const { game } = await play(system, disputeId, silent, playerWithStates("challenger", model, input, lie.states));
      expect(game.status).to.equal(GameStatus.AwaitingStepProof);
      expect(game.lo).to.equal(5);

      await networkHelpers.time.increase(MOVE_TIMEOUT + 1);
      await viem.assertions.revertWithCustomErrorWithArgs(
        resolver.write.proveStep([disputeId, encodeWitness(stepWitness(model, input, 5))]),
        resolver,
        "BisectionDeadlinePassed",
        [disputeId, Number(game.deadline)],
      );
      await resolver.write.claimTimeout([disputeId], { account: challenger.account });
      expect((await ledger.read.getDispute([disputeId])).status).to.equal(DisputeStatus.OperatorFault);
    });

    it("a move after its deadline reverts", async function () {
      const system = await loadBisection();
      const { resolver, operator } = system;
      const model = mnistModel();
      const input = mnistBatch(1)[0].input;
      const { disputeId } = await disputeOne(system, vectorHash(bumped(infer(model, input))));
      const { deadline } = await resolver.read.getGame([disputeId]);
      await networkHelpers.time.increaseTo(deadline); // the next block is one second late
      await viem.assertions.revertWithCustomErrorWithArgs(
        resolver.write.postMidState([disputeId, trace(model, input).states[37]], { account: operator.account }),
        resolver,
        "BisectionDeadlinePassed",
        [disputeId, deadline],
      );
    });
  });

  describe("rejected moves", function () {
    it("moves out of turn revert", async function () {
      const system = await loadBisection();
      const { resolver, operator, challenger, stranger, ledger } = system;
      const model = mnistModel();
      const input = mnistBatch(1)[0].input;
      const states = trace(model, input).states;
      const { disputeId } = await disputeOne(system, vectorHash(bumped(infer(model, input))));
      const [op, ch, st] = [operator.account.address, challenger.account.address, stranger.account.address];

      await viem.assertions.revertWithCustomErrorWithArgs(
        resolver.write.postMidState([disputeId, states[37]], { account: challenger.account }),
        resolver,
        "BisectionNotYourTurn",
        [disputeId, ch, op],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        resolver.write.respond([disputeId, true], { account: challenger.account }),
        resolver,
        "BisectionUnexpectedMove",
        [disputeId, GameStatus.AwaitingMidState],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        resolver.write.proveStep([disputeId, encodeWitness(stepWitness(model, input, 0))]),
        resolver,
        "BisectionUnexpectedMove",
        [disputeId, GameStatus.AwaitingMidState],
      );
      await resolver.write.postMidState([disputeId, states[37]], { account: operator.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        resolver.write.postMidState([disputeId, states[37]], { account: operator.account }),
        resolver,
        "BisectionUnexpectedMove",
        [disputeId, GameStatus.AwaitingResponse],
      );
      for (const [who, address] of [[operator, op], [stranger, st]] as const) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          resolver.write.respond([disputeId, true], { account: who.account }),
          resolver,
          "BisectionNotYourTurn",
          [disputeId, address, ch],
        );
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        resolver.write.openDispute([
          {
            disputeId: 99n, commitmentId: states[0], modelId: states[0], operator: op, challenger: ch, leafIndex: 0n,
            requestId: states[0], inputHash: states[0], outputHash: states[0], claimedOutputHash: states[1],
            weightsRoot: states[0], traceLength: 74,
          },
        ], { account: stranger.account }),
        resolver,
        "BisectionOnlyLedger",
        [st],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        resolver.write.claimTimeout([99n]),
        resolver,
        "BisectionGameNotFound",
        [99n],
      );
      expect((await ledger.read.getDispute([disputeId])).status).to.equal(DisputeStatus.Open);
    });

    it("forged witnesses revert with the error naming what is wrong", async function () {
      const system = await loadBisection();
      const { resolver, ledger } = system;
      const model = mnistModel();
      const input = mnistBatch(1)[0].input;
      const step = 37; // layer 0, with 37 partial outputs
      const faulty = visibleFault(input, step);
      const { disputeId } = await disputeOne(system, vectorHash(infer(model, input)), faulty.output);
      const { game } = await play(
        system,
        disputeId,
        playerWithStates("operator", model, input, faulty.states),
        // The challenger stops short of proving, to leave room for the forgeries.
        { ...honestPlayer("challenger", model, input), witness: () => ({ stateBefore: "0x" }) } as unknown as Player,
      );
      expect([game.status, game.lo]).to.deep.equal([GameStatus.AwaitingStepProof, step]);
      const truth = stepWitness(model, input, step);
      const good = encodeWitness(truth);
      const prove = (witness: typeof good) => resolver.write.proveStep([disputeId, witness]);
      const stateLo = game.stateLo;
      const p = truth.partialOutputs;

      const wrongX = bumped(truth.layerInput, 100);
      await viem.assertions.revertWithCustomErrorWithArgs(
        prove({ ...good, layerInput: encodeWitness({ ...truth, layerInput: wrongX }).layerInput }),
        resolver,
        "Int8MlpStateMismatch",
        [stateLo, stateHash(step, vectorHash(wrongX), vectorHash(p))],
      );
      const wrongP = bumped(p, 5);
      await viem.assertions.revertWithCustomErrorWithArgs(
        prove({ ...good, partialOutputs: encodeWitness({ ...truth, partialOutputs: wrongP }).partialOutputs }),
        resolver,
        "Int8MlpStateMismatch",
        [stateLo, stateHash(step, vectorHash(truth.layerInput), vectorHash(wrongP))],
      );
      for (const change of [{ bias: truth.neuron.bias + 1 }, { multiplier: truth.neuron.multiplier - 1 }, { shift: truth.neuron.shift + 1 }, { relu: false }, { layer: 1 }, { weights: bumped(truth.neuron.weights, 9) }]) {
        const fields = { ...truth.neuron, ...change };
        await viem.assertions.revertWithCustomErrorWithArgs(
          prove({ ...good, leaf: encodeWitness({ ...truth, neuron: fields }).leaf }),
          resolver,
          "Int8MlpInvalidLeafProof",
          [BigInt(step), neuronLeaf(fields)],
        );
      }
      const leaf = neuronLeaf(truth.neuron);
      const badProofs = [
        good.proof.map((h, i) => (i === 2 ? stateLo : h)),
        good.proof.slice(1),
        [...good.proof, stateLo],
        stepWitness(model, input, step + 2).proof,
      ];
      for (const proof of badProofs) {
        await viem.assertions.revertWithCustomErrorWithArgs(prove({ ...good, proof }), resolver, "Int8MlpInvalidLeafProof", [BigInt(step), leaf]);
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        prove({ ...good, leaf: { ...good.leaf, neuron: step + 1 } }),
        resolver,
        "Int8MlpNeuronMismatch",
        [step + 1, BigInt(step)],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        prove({ ...good, leaf: { ...good.leaf, layerWidth: step } }),
        resolver,
        "Int8MlpNeuronOutOfLayer",
        [step, step],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        prove({ ...good, leaf: { ...good.leaf, weights: good.leaf.weights.slice(0, -2) as Hex } }),
        resolver,
        "Int8MlpWidthMismatch",
        [783n, 784n],
      );
      // The witness of the next step starts from another state.
      const next = stepWitness(model, input, step + 1);
      await viem.assertions.revertWithCustomErrorWithArgs(
        prove(encodeWitness(next)),
        resolver,
        "Int8MlpStateMismatch",
        [stateLo, stateHash(step, vectorHash(next.layerInput), vectorHash(next.partialOutputs))],
      );

      // Nothing forged moved the game; the true witness ends it.
      expect((await resolver.read.getGame([disputeId])).status).to.equal(GameStatus.AwaitingStepProof);
      await viem.assertions.emitWithArgs(prove(good), resolver, "GameEnded", [disputeId, GameStatus.ChallengerWon, 1]);
      expect((await ledger.read.getDispute([disputeId])).status).to.equal(DisputeStatus.OperatorFault);
      await viem.assertions.revertWithCustomErrorWithArgs(prove(good), resolver, "BisectionGameOver", [disputeId, GameStatus.ChallengerWon]);
    });
  });
});
