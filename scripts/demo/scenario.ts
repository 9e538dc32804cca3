// The demo's story on a live dev chain (the `devchain` network, whose URL comes from VINFER_RPC_URL):
// deploy with Ignition, register the MNIST model with the BisectionResolver, let an honest and a
// cheating operator commit batches of real held-out digits, let a challenger re-execute what the chain
// announces, dispute the wrong inference and win the bisection game, then settle the honest batch and
// claim the reward. Throws with a one-line reason when the outcome is not the expected one.
import { readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { network } from "hardhat";
import { bisectionResolverAbi, inferenceLedgerAbi } from "@vinfer/abis";
import {
  argmax,
  forward,
  infer,
  inferenceLeaf,
  merkleProof,
  parseModel,
  profileHash,
  stepPosition,
  vectorHash,
} from "@vinfer/runtime";
import type { Hex, Int8Model } from "@vinfer/runtime";
import { heldOutInputs } from "@vinfer/runtime/training";
import type { MnistDigits } from "@vinfer/runtime/training";
import {
  challenge,
  claim,
  commitBatch,
  CommitmentStatusNames,
  deposit,
  fundBondReserve,
  GameStatus,
  getVinferContracts,
  honestPlayer,
  InferenceStatusNames,
  OutcomeNames,
  payChallengerReward,
  playGame,
  registerModel,
  settleMany,
} from "@vinfer/sdk";
import type { Player, WriteClient } from "@vinfer/sdk";
import { confirmed, faultyTrace, playerWithStates } from "@vinfer/sdk/testing";
import { formatEther, getAddress, keccak256, parseEther, parseEventLogs, stringToBytes } from "viem";
import type { Address, TransactionReceipt } from "viem";
import VinferModule from "../../ignition/modules/Vinfer.ts";

const CHALLENGE_WINDOW = 60; // seconds; the registry's minimum is 10
const BOND_PER_INFERENCE = parseEther("1");
const CHALLENGER_BOND = parseEther("5");
const STAKE = parseEther("1000");
const RESERVE = parseEther("500");
const CHEATED_INFERENCE = 7; // position in the cheater's batch of one digit per class


export type Log = (line?: string) => void;

const root = new URL("../../", import.meta.url);
const short = (hex: string) => `${hex.slice(0, 10)}…`;
const who = (address: string) => short(getAddress(address));
const gasText = (gas: bigint) => `${gas.toLocaleString("en-US")} gas`;

/** A request id no other request of the demo uses. */
let requests = 0;
const newRequestId = (): Hex => keccak256(stringToBytes(`vinfer-demo/request/${requests++}`));

type Served = { requestId: Hex; input: Int8Array; output: Int8Array; label: number; states?: readonly Hex[] };

/** What an operator publishes for each commitment: inputs and outputs in leaf order. */
type Published = { inputs: Int8Array[]; outputs: Int8Array[] };

/** Runs the story on the dev chain at `url` (default: the `devchain` network's URL from VINFER_RPC_URL). */
export async function runScenario(log: Log, url?: string): Promise<void> {
  let symbol = "";
  const amount = (x: bigint) => `${formatEther(x)} ${symbol}`;

  // ── chain and deployment ────────────────────────────────────────────────────────────────────────────
  const { viem, ignition, provider } = await network.create({ network: "devchain", override: url === undefined ? undefined : { url } });
  const publicClient = await viem.getPublicClient();
  const [deployer, honestOp, cheaterOp, challenger] = await viem.getWalletClients();
  const mined = (label: string, hash: Hex): Promise<TransactionReceipt> => confirmed(publicClient, hash, label);

  // Ignition resumes from a journal; a previous run's journal describes a chain that is gone, and two
  // demos may run at once, so each run deploys under its own id and drops the journal afterwards.
  const chainId = await publicClient.getChainId();
  const deploymentId = `devchain-${process.pid}`;
  const journal = new URL(`ignition/deployments/${deploymentId}`, root);
  rmSync(journal, { recursive: true, force: true });
  const { token, stakeManager, ledger, bisectionResolver } = await ignition.deploy(VinferModule, {
    deploymentId,
    displayUi: false,
  });
  rmSync(journal, { recursive: true, force: true });
  symbol = await token.read.symbol();
  log(`deployed    Ignition module Vinfer on chain ${chainId}: ledger ${ledger.address}, bisection resolver ${bisectionResolver.address}`);
  log(`            (deployer and treasury ${who(deployer.account.address)})`);

  // ── the model ───────────────────────────────────────────────────────────────────────────────────────
  const model: Int8Model = parseModel(readFileSync(new URL("models/mnist-mlp.json", root), "utf8"));
  const spec = {
    weightsRoot: model.weightsRoot,
    profileHash,
    traceLength: model.traceLength,
    resolver: bisectionResolver.address,
    challengeWindow: CHALLENGE_WINDOW,
    bondPerInference: BOND_PER_INFERENCE,
    challengerBond: CHALLENGER_BOND,
    uri: "models/mnist-mlp.json",
  };
  const contracts = await getVinferContracts(publicClient, { ledger: ledger.address, bisectionResolver: bisectionResolver.address });
  const { modelId } = await registerModel(deployer, { contracts, model, ...spec, resolver: "bisection" });
  const widths = [model.inputWidth, ...model.layers.map((l) => l.outWidth)].join("-");
  log(`model       MNIST ${widths} from models/mnist-mlp.json: ${model.traceLength}-step trace, weightsRoot ${short(model.weightsRoot)}`);
  log(
    `            registered as ${short(modelId)} with the BisectionResolver: challenge window ${CHALLENGE_WINDOW} s, ` +
      `bond ${amount(BOND_PER_INFERENCE)} per inference, challenger bond ${amount(CHALLENGER_BOND)}`,
  );

  // ── stake ───────────────────────────────────────────────────────────────────────────────────────────
  for (const wallet of [honestOp, cheaterOp, challenger]) {
    await mined("mint", await token.write.mint([wallet.account.address, STAKE]));
  }
  for (const wallet of [honestOp, cheaterOp]) {
    await deposit(wallet, { contracts, amount: STAKE });
    await fundBondReserve(wallet, { contracts, amount: RESERVE });
  }
  log(`stake       each operator mints and deposits ${amount(STAKE)}, ${amount(RESERVE)} of it into its bond reserve; the challenger mints ${amount(STAKE)}`);

  // ── operators serve and commit ──────────────────────────────────────────────────────────────────────
  const mnist = heldOutInputs(createRequire(import.meta.url)("mnist") as MnistDigits);
  /** The `nth` held-out sample of each digit 0–9. */
  const digits = (nth: number) =>
    Array.from({ length: 10 }, (_, label) => {
      const k = mnist.labels.indexOf(label) + nth;
      if (mnist.labels[k] !== label) throw new Error(`not enough held-out samples of digit ${label}`);
      return { input: mnist.inputs[k], label };
    });

  // The operators' data endpoints, simulated in-process: commitment id → what its operator published.
  const endpoints = new Map<Hex, Published>();
  const served = new Map<Hex, Served[]>();
  const commitments: { id: Hex; name: string; operator: Address; count: number; deadline: number }[] = [];

  async function commit(name: string, wallet: WriteClient, items: Served[]) {
    const inferences = items.map((s) => ({ requestId: s.requestId, inputHash: vectorHash(s.input), outputHash: vectorHash(s.output) }));
    const { commitmentId, bond, challengeDeadline, receipt } = await commitBatch(wallet, { contracts, modelId, inferences });
    endpoints.set(commitmentId, { inputs: items.map((s) => s.input), outputs: items.map((s) => s.output) });
    served.set(commitmentId, items);
    commitments.push({ id: commitmentId, name, operator: wallet.account.address, count: items.length, deadline: Number(challengeDeadline) });
    return { commitmentId, bond, gas: receipt.gasUsed };
  }

  const honestItems: Served[] = digits(0).map(({ input, label }) => ({ requestId: newRequestId(), input, output: infer(model, input), label }));
  const honest = await commit("honest operator", honestOp, honestItems);
  const labels = (items: Served[]) => items.map((s) => s.label).join("");
  const answers = (items: Served[]) => items.map((s) => argmax(s.output)).join("");
  log(`honest      operator ${who(honestOp.account.address)} serves 10 held-out digits: labels ${labels(honestItems)}, answers ${answers(honestItems)}`);
  log(`            commits them as batch ${short(honest.commitmentId)}: bond ${amount(honest.bond)}, ${gasText(honest.gas)}`);

  const cheaterItems: Served[] = digits(1).map(({ input, label }) => ({ requestId: newRequestId(), input, output: infer(model, input), label }));
  const victim = cheaterItems[CHEATED_INFERENCE];
  const fault = visibleFault(model, victim.input);
  victim.output = fault.output;
  victim.states = fault.states;
  const cheater = await commit("cheating operator", cheaterOp, cheaterItems);
  log(`cheating    operator ${who(cheaterOp.account.address)} serves 10 more: labels ${labels(cheaterItems)}, answers ${answers(cheaterItems)}`);
  log(
    `            inference #${CHEATED_INFERENCE} ran with hidden neuron ${fault.neuron} (trace step ${fault.step}) at ${fault.value} ` +
      `instead of ${fault.trueValue}, so it answers ${argmax(fault.output)} for a ${victim.label}`,
  );
  log(`            commits them as batch ${short(cheater.commitmentId)}: bond ${amount(cheater.bond)}, ${gasText(cheater.gas)}`);
  log(`            (operators publish inputs and outputs through data endpoints simulated in-process, a map by commitment id;`);
  log(`            the real HTTP daemons come later)`);

  // ── the challenger follows the chain ────────────────────────────────────────────────────────────────
  const batches = await publicClient.getContractEvents({
    address: ledger.address,
    abi: inferenceLedgerAbi,
    eventName: "BatchCommitted",
    args: { modelId },
    fromBlock: 0n,
    strict: true,
  });
  log(
    `challenger  ${who(challenger.account.address)} reads ${batches.length} BatchCommitted events, fetches their inputs ` +
      `from the operators' endpoints and re-executes every inference:`,
  );
  type Finding = { commitmentId: Hex; index: number; items: (typeof batches)[number]["args"]["items"]; truth: Hex };
  const findings: Finding[] = [];
  for (const { args } of batches) {
    const data = endpoints.get(args.commitmentId);
    if (data === undefined) {
      log(`            batch ${short(args.commitmentId)}: no published data, cannot check`);
      continue;
    }
    let checked = 0;
    const before = findings.length;
    args.items.forEach((item, index) => {
      const input = data.inputs[index];
      if (input === undefined || vectorHash(input) !== item.inputHash) return; // published input does not match the leaf
      checked++;
      const truth = vectorHash(infer(model, input));
      if (truth !== item.outputHash) findings.push({ commitmentId: args.commitmentId, index, items: args.items, truth });
    });
    const mismatches = findings
      .slice(before)
      .map((f) => `#${f.index} (committed ${short(f.items[f.index].outputHash)}, re-executed ${short(f.truth)})`);
    log(
      `            batch ${short(args.commitmentId)} of ${who(args.operator)}: ${checked}/${args.items.length} re-executed, ` +
        (mismatches.length === 0 ? "all outputs match" : `MISMATCH at inference ${mismatches.join(", ")}`),
    );
  }
  if (findings.length === 0) throw new Error("the challenger found no wrong output to dispute");

  const finding = findings[0];
  const leaves = finding.items.map((i) => inferenceLeaf(i.requestId, i.inputHash, i.outputHash));
  const proof = leaves.length === 1 ? [] : merkleProof(leaves, finding.index);
  const bond = await ledger.read.challengeBond([finding.commitmentId]);
  const challengeDeposit = await ledger.read.challengeDeposit();
  // Commit first (the commit names nothing, so the cheater cannot front-run it), then reveal.
  const accusation = await challenge(challenger, {
    contracts,
    commitmentId: finding.commitmentId,
    leafIndex: BigInt(finding.index),
    inference: finding.items[finding.index],
    proof,
    claimedOutputHash: finding.truth,
  });
  const disputeId = accusation.disputeId;
  const challengeGas = accusation.commit.receipt.gasUsed + accusation.receipt.gasUsed;
  log(
    `            commits to a hidden challenge with the ${amount(challengeDeposit)} deposit (${gasText(accusation.commit.receipt.gasUsed)}), then reveals it: ` +
      `inference #${finding.index}, its Merkle proof (${proof.length} hashes), bond topped up to ${amount(bond)}: dispute #${disputeId}, ${gasText(accusation.receipt.gasUsed)}`,
  );

  // ── the bisection game ──────────────────────────────────────────────────────────────────────────────
  // Each side stands by its own trace: the cheater by the one it really computed (with the wrong neuron).
  const dispute = await ledger.read.getDispute([disputeId]);
  const defended = served.get(dispute.commitmentId)?.[dispute.leafIndex];
  const defender = commitments.find((c) => c.id === dispute.commitmentId)!;
  const defenderWallet = [honestOp, cheaterOp].find((w) => getAddress(w.account.address) === getAddress(defender.operator))!;
  if (defended === undefined) throw new Error(`the operator has no record of the disputed inference`);
  const operatorPlayer: Player = defended.states
    ? playerWithStates("operator", model, defended.input, defended.states)
    : honestPlayer("operator", model, defended.input);
  const challengerPlayer = honestPlayer("challenger", model, endpoints.get(dispute.commitmentId)!.inputs[dispute.leafIndex]);

  log(`bisection   dispute #${disputeId} over trace steps [0, ${model.traceLength}]:`);
  let round = 0;
  let bisectionGas = 0n;
  const { moves, game } = await playGame(publicClient, {
    contracts,
    disputeId,
    sides: [
      { player: operatorPlayer, client: defenderWallet },
      { player: challengerPlayer, client: challenger },
    ],
    onMove({ role, move, gasUsed }, before) {
      const side = role === "operator" ? defender.name : "challenger";
      if (move.type === "postMidState") {
        round++;
        bisectionGas += gasUsed;
        log(`  round ${round}   ${side} posts s_${move.step} ${short(move.state)} for [${before.lo}, ${before.hi}]`.padEnd(86) + gasText(gasUsed));
      } else if (move.type === "respond") {
        bisectionGas += gasUsed;
        const [lo, hi] = move.agree ? [move.step, before.hi] : [before.lo, move.step];
        log(`            ${side} ${move.agree ? "agrees   " : "disagrees"} at step ${move.step} → [${lo}, ${hi}]`.padEnd(86) + gasText(gasUsed));
      } else if (move.type === "proveStep") {
        log(`  one step  ${side} sends the witness of step ${move.step} for execution on chain`.padEnd(86) + gasText(gasUsed));
      } else {
        log(`            ${side}: ${move.type}`.padEnd(86) + gasText(gasUsed));
      }
    },
  });

  const proveMove = moves.find((m) => m.move.type === "proveStep");
  if (game.status !== GameStatus.ChallengerWon || proveMove === undefined) {
    throw new Error(`the bisection game ended with status ${game.status}, not a one-step proof against the cheater`);
  }
  const proveReceipt = await publicClient.getTransactionReceipt({ hash: proveMove.hash });
  const [proven] = parseEventLogs({ abi: bisectionResolverAbi, logs: proveReceipt.logs, eventName: "StepProven" });
  const [ended] = parseEventLogs({ abi: bisectionResolverAbi, logs: proveReceipt.logs, eventName: "GameEnded" });
  const [slashedEvent] = parseEventLogs({ abi: inferenceLedgerAbi, logs: proveReceipt.logs, eventName: "CommitmentSlashed" });
  const step = Number(proven.args.step);
  const at = stepPosition(model, step);
  log(
    `  verdict   one-step proof at step ${step} (layer ${at.layer}, neuron ${at.neuron}): run on chain from the agreed s_${step}, ` +
      `the neuron outputs ${proven.args.output} and s_${step + 1} is ${short(proven.args.computedState)},`,
  );
  log(`            not the operator's ${short(proven.args.claimedState)}: ${OutcomeNames[ended.args.outcome]} after ${round} rounds`);
  if (slashedEvent !== undefined) {
    log(
      `            the cheater's whole ${amount(slashedEvent.args.slashed)} bond is slashed: ${amount(slashedEvent.args.slashed - slashedEvent.args.reward)} to the treasury, ` +
        `${amount(slashedEvent.args.reward)} held for the earliest-committed challenger proven right`,
    );
  }
  if (step !== fault.step) throw new Error(`the game ended at step ${step}, not at the wrong neuron's step ${fault.step}`);

  // ── the window closes: settle, claim ────────────────────────────────────────────────────────────────
  const latest = await publicClient.getBlock();
  const honestDeadline = commitments.find((c) => c.id === honest.commitmentId)!.deadline;
  const jump = Math.max(1, honestDeadline - Number(latest.timestamp) + 1);
  await provider.request({ method: "evm_increaseTime", params: [jump] });
  await provider.request({ method: "evm_mine", params: [] });
  log(`time        +${jump} s on the dev chain (evm_increaseTime + evm_mine): the honest batch's challenge window is over`);

  const { receipt: settleReceipt, settled: settledIds } = await settleMany(deployer, { contracts, commitmentIds: commitments.map((c) => c.id) });
  log(`settle      settleMany(both batches): ${settledIds.length} settled, the slashed one skipped; ${gasText(settleReceipt.gasUsed)}`);

  // No accusation committed before the challenger's can be revealed any more: its reward is final.
  if (!(await ledger.read.getDisputeTally([cheater.commitmentId])).rewardPaid) {
    const { receipt: payReceipt } = await payChallengerReward(deployer, { contracts, commitmentId: cheater.commitmentId });
    log(`reward      payChallengerReward: the reward is credited to the challenger; ${gasText(payReceipt.gasUsed)}`);
  }

  const treasury = await stakeManager.read.treasury();
  const treasuryCredit = await stakeManager.read.creditOf([treasury]);
  const balanceBefore = await token.read.balanceOf([challenger.account.address]);
  const { receipt: claimReceipt } = await claim(challenger, { contracts });
  const claimed = (await token.read.balanceOf([challenger.account.address])) - balanceBefore;
  const reward = slashedEvent?.args.reward ?? 0n;
  log(
    `claim       the challenger claims ${amount(claimed)} (reward ${amount(reward)} + its ${amount(bond)} bond back); ${gasText(claimReceipt.gasUsed)}`,
  );

  // ── summary ─────────────────────────────────────────────────────────────────────────────────────────
  const upper = (name: string) => name.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
  const statusOf = async (id: Hex) => upper(CommitmentStatusNames[(await ledger.read.getCommitment([id])).status]);
  const cheaterStatuses: string[] = [];
  for (let i = 0; i < cheaterItems.length; i++) {
    cheaterStatuses.push(upper(InferenceStatusNames[await ledger.read.inferenceStatus([cheater.commitmentId, BigInt(i)])]));
  }
  const honestStatuses: string[] = [];
  for (let i = 0; i < honestItems.length; i++) {
    honestStatuses.push(upper(InferenceStatusNames[await ledger.read.inferenceStatus([honest.commitmentId, BigInt(i)])]));
  }

  log();
  log("summary");
  const rows: string[][] = [["commitment", "operator", "inferences", "status"]];
  for (const c of commitments) rows.push([c.id, `${c.name} ${who(c.operator)}`, String(c.count), await statusOf(c.id)]);
  table(log, rows);
  log();
  log(`inferences of the cheater's batch ${short(cheater.commitmentId)}`);
  table(log, [
    ["#", "digit", "model says", "committed", "status"],
    ...cheaterItems.map((s, i) => [String(i), String(s.label), String(argmax(infer(model, s.input))), String(argmax(s.output)), cheaterStatuses[i]]),
  ]);
  log(`(honest batch: ${[...new Set(honestStatuses)].join(", ")} for all ${honestStatuses.length} inferences)`);
  log();
  const account = async (name: string, address: Address, operator: boolean) => {
    const stake = await stakeManager.read.stakeOf([address]);
    const reserve = operator ? amount(await ledger.read.bondReserveOf([address])) : "—";
    const credit = await stakeManager.read.creditOf([address]);
    const wallet = await token.read.balanceOf([address]);
    return [name, amount(stake.free), amount(stake.locked), reserve, amount(credit), amount(wallet)];
  };
  table(log, [
    ["account", "free stake", "locked stake", "of it bond reserve", "unclaimed credit", "wallet"],
    await account("honest operator", honestOp.account.address, true),
    await account("cheating operator", cheaterOp.account.address, true),
    await account("challenger", challenger.account.address, false),
    await account("treasury", treasury, false),
  ]);
  log();
  log(`challenger's reward  ${amount(reward)} (it claimed ${amount(claimed)}: the reward and its ${amount(bond)} bond back)`);
  log(`treasury credit      ${amount(treasuryCredit)}`);
  const n = (gas: bigint) => gas.toLocaleString("en-US");
  const disputeGas = moves.reduce((sum, m) => sum + m.gasUsed, challengeGas);
  log(`gas                  commitBatch of 10: ${n(honest.gas)} (honest), ${n(cheater.gas)} (cheater); settleMany ${n(settleReceipt.gasUsed)}; claim ${n(claimReceipt.gasUsed)}`);
  log(
    `                     dispute ${n(disputeGas)}: challenge commit + reveal ${n(challengeGas)} + ${round} bisection rounds ${n(bisectionGas)} ` +
      `+ one-step proof ${n(proveMove.gasUsed)}`,
  );

  // ── the outcome the demo exists to show ─────────────────────────────────────────────────────────────
  const cheaterStatus = await statusOf(cheater.commitmentId);
  const honestStatus = await statusOf(honest.commitmentId);
  if (cheaterStatus !== "SLASHED") throw new Error(`the cheater's batch is ${cheaterStatus}, not SLASHED`);
  if (cheaterStatuses[CHEATED_INFERENCE] !== "FRAUDULENT") {
    throw new Error(`the cheated inference is ${cheaterStatuses[CHEATED_INFERENCE]}, not FRAUDULENT`);
  }
  if (cheaterStatuses.some((s, i) => i !== CHEATED_INFERENCE && s !== "VOIDED")) throw new Error("the cheater's other inferences are not VOIDED");
  if (honestStatus !== "SETTLED" || !settledIds.includes(honest.commitmentId)) throw new Error(`the honest batch is ${honestStatus}, not SETTLED`);
  if (claimed <= bond) throw new Error(`the challenger claimed ${amount(claimed)}, no reward over its bond`);
}

/** A wrong value for one hidden neuron that changes the inference's answer (or at least its output). */
function visibleFault(model: Int8Model, input: Int8Array) {
  const truth = forward(model, input);
  const output = truth[truth.length - 1];
  const hidden = model.layers[0].outWidth; // layer 0's neuron j is trace step j
  const candidates = [];
  // Any hidden neuron would do; starting mid-layer lets the game show both agreeing and disagreeing answers.
  for (let k = 0; k < hidden; k++) {
    const neuron = (37 + k) % hidden;
    for (const value of [127, -128]) {
      if (truth[1][neuron] === value) continue;
      const faulty = faultyTrace(model, input, neuron, value);
      if (faulty.outputHash === vectorHash(output)) continue;
      const candidate = { ...faulty, step: neuron, neuron, value, trueValue: truth[1][neuron] };
      if (argmax(faulty.output) !== argmax(output)) return candidate;
      candidates.push(candidate);
    }
  }
  if (candidates.length === 0) throw new Error("no single wrong neuron changes this inference's output");
  return candidates[0];
}

/** Prints rows as aligned columns; full 32-byte ids are shortened. */
function table(log: Log, rows: string[][]) {
  const cells = rows.map((r) => r.map((c) => (/^0x[0-9a-fA-F]{64}$/.test(c) ? short(c) : c)));
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  for (const [n, r] of cells.entries()) {
    log(`  ${r.map((c, i) => c.padEnd(widths[i])).join("  ")}`.trimEnd());
    if (n === 0) log(`  ${widths.map((w) => "─".repeat(w)).join("  ")}`);
  }
}
