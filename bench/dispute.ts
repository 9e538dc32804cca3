/**
 * Gas of a whole MNIST dispute under the BisectionResolver on a fresh Hardhat network: the challenge,
 * every move of both sides and the one-step proof. Writes bench/results/dispute.json.
 *
 * The disputed inference sits in a committed batch of 64; the operator's trace is a real computation
 * with neuron 63 changed (the last of the 784-wide hidden layer), which takes the longest game a
 * 74-step trace allows (7 rounds) and ends in the heaviest one-step proof: 784 inputs, 63 partial
 * outputs and the layer-end rule. The same step is then proven by an honest operator against a lying
 * challenger, for the other outcome.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { encodeFunctionData, hexToBytes } from "viem";
import type { Hex } from "viem";
import { infer, stepWitness, trace, vectorHash } from "@vinfer/runtime";
import { encodeWitness, GameStatus, honestPlayer, playGame } from "@vinfer/sdk";
import { confirmed, faultyTrace, playerWithStates } from "@vinfer/sdk/testing";
import { viem } from "../test/helpers/system.ts";
import { challengeInference, commitMnistBatch, deployBisection, mnistBatch, mnistModel } from "../test/bisection/fixtures.ts";
import type { BisectionSystem } from "../test/bisection/fixtures.ts";

const FAULT_STEP = 63;
const BATCH = 64;
const DISPUTED = 17;
const TARGETS = { oneStepMax: 200_000, disputeTotalMax: 1_500_000 };

const publicClient = await viem.getPublicClient();
const model = mnistModel();

type Row = { move: string; by: string; step: number | null; gas: number; calldataBytes: number };

async function row(hash: Hex, move: string, by: string, step: number | null): Promise<Row> {
  const receipt = await confirmed(publicClient, hash, move);
  const tx = await publicClient.getTransaction({ hash });
  return { move, by, step, gas: Number(receipt.gasUsed), calldataBytes: hexToBytes(tx.input).length };
}

/** A value for step `step` that changes the inference's output. */
function visibleFault(input: Int8Array, step: number) {
  for (const value of [-128, 127, 0, 64, -64]) {
    const faulty = faultyTrace(model, input, step, value);
    if (faulty.outputHash !== vectorHash(infer(model, input))) return faulty;
  }
  throw new Error(`no value of step ${step} changes the output`);
}

async function dispute(system: BisectionSystem, operatorLies: boolean) {
  const honest = mnistBatch(BATCH);
  const input = honest[DISPUTED].input;
  const fault = visibleFault(input, FAULT_STEP);
  const batch = operatorLies ? mnistBatch(BATCH, new Map([[DISPUTED, fault.output]])) : honest;
  const { commitmentId, proof } = await commitMnistBatch(system, batch.map((b) => b.inference));
  const claimed = operatorLies ? vectorHash(honest[DISPUTED].output) : fault.outputHash;
  const challenge = await challengeInference(system, commitmentId, DISPUTED, batch[DISPUTED].inference, proof(DISPUTED), claimed);
  const faultyPlayer = (role: "operator" | "challenger") => playerWithStates(role, model, input, fault.states);
  const { moves, game } = await playGame(publicClient, {
    contracts: system.contracts,
    disputeId: challenge.disputeId,
    sides: [
      { player: operatorLies ? faultyPlayer("operator") : honestPlayer("operator", model, input), client: system.operator },
      { player: operatorLies ? honestPlayer("challenger", model, input) : faultyPlayer("challenger"), client: system.challenger },
    ],
  });
  if (game.status !== (operatorLies ? GameStatus.ChallengerWon : GameStatus.OperatorWon) || game.lo !== FAULT_STEP) {
    throw new Error(`unexpected end: status ${game.status} at step ${game.lo}`);
  }
  const rows = [
    await row(challenge.commitHash, "challenge commit", "challenger", null),
    await row(challenge.hash, "challenge reveal", "challenger", null),
  ];
  for (const m of moves) {
    const step = m.move.type === "postMidState" || m.move.type === "respond" || m.move.type === "proveStep" ? m.move.step : null;
    const label = m.move.type === "respond" ? `respond (${m.move.agree ? "agree" : "disagree"})` : m.move.type;
    rows.push(await row(m.hash, label, m.role, step));
  }
  return rows;
}

const system = await deployBisection();
const cheating = await dispute(system, true);
const honestProof = (await dispute(system, false)).at(-1)!;

// The library's share: the same verification as a bare transaction to the test harness.
const harness = await viem.deployContract("Int8MlpHarness");
const input = mnistBatch(BATCH)[DISPUTED].input;
const verifyStepGas = await publicClient.estimateGas({
  to: harness.address,
  data: encodeFunctionData({
    abi: harness.abi,
    functionName: "verifyStep",
    args: [
      encodeWitness(stepWitness(model, input, FAULT_STEP)),
      BigInt(FAULT_STEP),
      BigInt(model.traceLength),
      model.weightsRoot,
      trace(model, input).states[FAULT_STEP],
    ],
  }),
});

const oneStep = cheating.at(-1)!;
const rounds = cheating.filter((r) => r.move === "postMidState").length;
const total = cheating.reduce((sum, r) => sum + r.gas, 0);
const results = {
  oneStepGas: oneStep.gas,
  disputeTotalGas: total,
  rounds,
  targets: TARGETS,
  detail: {
    model: { file: "models/mnist-mlp.json", traceLength: model.traceLength, weightsRoot: model.weightsRoot },
    scenario: `batch of ${BATCH}, inference ${DISPUTED}; operator's trace wrong from neuron ${FAULT_STEP} (layer 0, 784 inputs, last of its layer)`,
    outcome: "OperatorFault (operator slashed)",
    challengeGas: cheating[0].gas + cheating[1].gas,
    bisectionGas: total - cheating[0].gas - cheating[1].gas - oneStep.gas,
    oneStepCalldataBytes: oneStep.calldataBytes,
    oneStepGasWhenOperatorWins: honestProof.gas,
    verifyStepAloneGas: Number(verifyStepGas),
    moves: cheating,
  },
};

const pad = (s: string | number, n: number) => String(s).padStart(n);
console.log(`\n${"#".padStart(3)}  ${"move".padEnd(22)}${"by".padEnd(12)}${pad("step", 5)}${pad("gas", 10)}${pad("calldata", 10)}`);
cheating.forEach((r, i) =>
  console.log(`${pad(i, 3)}  ${r.move.padEnd(22)}${r.by.padEnd(12)}${pad(r.step ?? "", 5)}${pad(r.gas, 10)}${pad(r.calldataBytes, 10)}`),
);
console.log(`\nrounds: ${rounds}`);
console.log(`one-step proof: ${oneStep.gas} gas (target ≤ ${TARGETS.oneStepMax}); when the operator wins: ${honestProof.gas}`);
console.log(`Int8Mlp.verifyStep alone, as a bare transaction: ${verifyStepGas} gas`);
console.log(`whole dispute: ${total} gas (target ≤ ${TARGETS.disputeTotalMax})\n`);
if (oneStep.gas > TARGETS.oneStepMax || total > TARGETS.disputeTotalMax) process.exitCode = 1;

mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/dispute.json", `${JSON.stringify(results, null, 2)}\n`);
