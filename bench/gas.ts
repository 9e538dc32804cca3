/**
 * Gas per protocol action on the project's EVM (Hardhat's simulated network, Prague rules).
 *
 * Beside each figure it prints the physical floor of its calldata: 21,000 intrinsic gas plus the
 * EIP-7623 floor of 10 gas per calldata token (a zero byte is 1 token, a non-zero byte 4), and the
 * ratio to it. Writes bench/results/gas.json.
 */
import { writeFileSync, mkdirSync } from "node:fs";
import { network } from "hardhat";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { keccak256, parseEther, stringToBytes, hexToBytes, type Hex } from "viem";
import VinferModule from "../ignition/modules/Vinfer.ts";
import { infer, inferenceLeaf, merkleProof, merkleRoot, parseModel, profileHash, vectorHash } from "@vinfer/runtime";
import { heldOutInputs } from "@vinfer/runtime/training";
import type { MnistDigits } from "@vinfer/runtime/training";
import { challenge, commit, commitBatch, demandData, deposit, fundBondReserve, getVinferContracts, publishInput, registerModel, settle } from "@vinfer/sdk";
import type { WriteResult } from "@vinfer/sdk";

const BATCH_SIZES = [1, 16, 64, 256] as const;
const TX_INTRINSIC = 21_000n;
const FLOOR_PER_TOKEN = 10n;

const { viem, ignition, networkHelpers } = await network.create();
const publicClient = await viem.getPublicClient();
const [deployer, operator, challenger] = await viem.getWalletClients();
const { token, stakeManager, ledger, committeeResolver, bisectionResolver } = await ignition.deploy(VinferModule);

for (const wallet of [operator, challenger]) {
  await token.write.mint([wallet.account.address, parseEther("1000000")]);
  await token.write.approve([stakeManager.address, 2n ** 256n - 1n], { account: wallet.account });
}
const contracts = await getVinferContracts(publicClient, {
  ledger: ledger.address,
  bisectionResolver: bisectionResolver.address,
  committeeResolver: committeeResolver.address,
});
await deposit(operator, { contracts, amount: parseEther("100000") });
await fundBondReserve(operator, { contracts, amount: parseEther("50000") });
const spec = {
  weightsRoot: keccak256(stringToBytes("bench-weights")),
  profileHash: keccak256(stringToBytes("bench-profile")),
  traceLength: 0,
  resolver: committeeResolver.address,
  challengeWindow: 600,
  bondPerInference: parseEther("1"),
  challengerBond: parseEther("5"),
  uri: "ipfs://bench",
};
const { modelId } = await registerModel(deployer, { contracts, ...spec });

let seed = 0;
const inference = () => {
  const tag = (s: string) => keccak256(stringToBytes(`${s}:${seed}`));
  seed += 1;
  return { requestId: tag("request"), inputHash: tag("input"), outputHash: tag("output") };
};

async function measure({ hash, receipt }: WriteResult) {
  const tx = await publicClient.getTransaction({ hash });
  return { gas: receipt.gasUsed, floor: calldataFloor(tx.input) };
}

function calldataTokens(data: Hex): bigint {
  let tokens = 0n;
  for (const byte of hexToBytes(data)) tokens += byte === 0 ? 1n : 4n;
  return tokens;
}

function calldataFloor(data: Hex): bigint {
  return TX_INTRINSIC + FLOOR_PER_TOKEN * calldataTokens(data);
}

type Row = { action: string; gas: number; floor: number };
const rows: Row[] = [];
const add = (action: string, gas: bigint, floor: bigint, per = 1n) =>
  rows.push({ action, gas: Number(gas / per), floor: Number(floor / per) });

const single = inference();
const commitGas = await measure(await commit(operator, { contracts, modelId, inference: single }));
add("commit (1 inference)", commitGas.gas, commitGas.floor);

const perInference: Record<string, number> = {};
let batch256: ReturnType<typeof inference>[] = [];
let batch256Id: Hex = "0x";
let leafFloor = 0n;
for (const size of BATCH_SIZES) {
  const items = Array.from({ length: size }, inference);
  const { gas, floor } = await measure(await commitBatch(operator, { contracts, modelId, inferences: items }));
  add(`commitBatch per inference @${size}`, gas, floor, BigInt(size));
  perInference[String(size)] = Number(gas / BigInt(size));
  if (size === 256) {
    batch256 = items;
    const leaves = items.map((i) => inferenceLeaf(i.requestId, i.inputHash, i.outputHash));
    batch256Id = await ledger.read.computeCommitmentId([modelId, operator.account.address, merkleRoot(leaves)]);
    const itemTokens = items.reduce((sum, i) => sum + calldataTokens(`0x${i.requestId.slice(2)}${i.inputHash.slice(2)}${i.outputHash.slice(2)}`), 0n);
    leafFloor = (FLOOR_PER_TOKEN * itemTokens) / BigInt(size);
  }
}

// Challenge inference 200 of the 256-leaf batch (an 8-hash proof) with the committee resolver: commit, then reveal.
const leaves = batch256.map((i) => inferenceLeaf(i.requestId, i.inputHash, i.outputHash));
const target = batch256[200];
const committeeChallenge = await challenge(challenger, {
  contracts,
  commitmentId: batch256Id,
  leafIndex: 200n,
  inference: target,
  proof: merkleProof(leaves, 200),
  claimedOutputHash: keccak256(stringToBytes("other")),
});
const challengeGas = await measure(committeeChallenge);
const commitGasOnly = await measure(committeeChallenge.commit);
add("challenge commit (hidden, deposit)", commitGasOnly.gas, commitGasOnly.floor);
add("challenge reveal (committee, leaf of 256)", challengeGas.gas, challengeGas.floor);

// The MNIST model under the bisection resolver: a batch of 16 real held-out digits, one of them challenged
// (commit + reveal, the game opened) and one whose 784-byte input is demanded and published on chain.
const model = parseModel(readFileSync(new URL("../models/mnist-mlp.json", import.meta.url), "utf8"));
const mnistSpec = { ...spec, weightsRoot: model.weightsRoot, profileHash, traceLength: model.traceLength, resolver: bisectionResolver.address, uri: "models/mnist-mlp.json" };
const { modelId: mnistModelId } = await registerModel(deployer, { contracts, ...mnistSpec, model });
const digits = heldOutInputs(createRequire(import.meta.url)("mnist") as MnistDigits).inputs.slice(0, 16);
const mnistItems = digits.map((input, k) => ({
  requestId: keccak256(stringToBytes(`bench-mnist:${k}`)),
  inputHash: vectorHash(input),
  outputHash: vectorHash(infer(model, input)),
}));
const { commitmentId: mnistId } = await commitBatch(operator, { contracts, modelId: mnistModelId, inferences: mnistItems });
const mnistLeaves = mnistItems.map((i) => inferenceLeaf(i.requestId, i.inputHash, i.outputHash));
const bisectionChallenge = await challenge(challenger, {
  contracts,
  commitmentId: mnistId,
  leafIndex: 3n,
  inference: mnistItems[3],
  proof: merkleProof(mnistLeaves, 3),
  claimedOutputHash: keccak256(stringToBytes("a wrong claim")),
});
const bisectionCommit = await measure(bisectionChallenge.commit);
const bisectionReveal = await measure(bisectionChallenge);
add("challenge reveal (bisection, leaf of 16)", bisectionReveal.gas, bisectionReveal.floor);
add("challenge total, bisection (commit + reveal)", bisectionCommit.gas + bisectionReveal.gas, bisectionCommit.floor + bisectionReveal.floor);

const demand = await demandData(challenger, {
  contracts,
  commitmentId: mnistId,
  leafIndex: 5n,
  inference: mnistItems[5],
  proof: merkleProof(mnistLeaves, 5),
});
const demandCommit = await measure(demand.commit);
const demandReveal = await measure(demand);
add("availability demand (commit + reveal)", demandCommit.gas + demandReveal.gas, demandCommit.floor + demandReveal.floor);
const input = digits[5];
const answer = await measure(await publishInput(operator, { contracts, demandId: demand.demandId, commitmentId: mnistId, leafIndex: 5n, input }));
add("availability answer (784-byte MNIST input)", answer.gas, answer.floor);

await networkHelpers.time.increase(601);
const singleId = await ledger.read.computeCommitmentId([
  modelId,
  operator.account.address,
  inferenceLeaf(single.requestId, single.inputHash, single.outputHash),
]);
const settleGas = await measure(await settle(deployer, { contracts, commitmentId: singleId }));
add("settle", settleGas.gas, settleGas.floor);

const results = {
  commit: Number(commitGas.gas),
  commitBatchPerInference: perInference,
  calldataFloorPerLeaf: Number(leafFloor),
  settle: Number(settleGas.gas),
  challenge: Number(challengeGas.gas),
  challengeCommit: Number(commitGasOnly.gas),
  challengeTotal: Number(bisectionCommit.gas + bisectionReveal.gas),
  availabilityDemand: Number(demandCommit.gas + demandReveal.gas),
  availabilityAnswer: Number(answer.gas),
  availabilityAnswerFloor: Number(answer.floor),
  targets: {
    commitMax: 60_000,
    challengeTotalMax: 400_000,
    availabilityAnswerMax: 60_000,
    commitBatch256MaxRatioToLeafFloor: 1.15,
    commitBatch256RatioToLeafFloor: Number((perInference["256"] / Number(leafFloor)).toFixed(3)),
  },
};

const pad = (s: string | number, n: number) => String(s).padStart(n);
console.log(`\n${"action".padEnd(48)}${pad("gas", 10)}${pad("floor", 10)}${pad("ratio", 8)}`);
for (const r of rows) console.log(`${r.action.padEnd(48)}${pad(r.gas, 10)}${pad(r.floor, 10)}${pad((r.gas / r.floor).toFixed(2), 8)}`);
console.log(`\ncalldata floor per leaf (96 bytes): ${leafFloor}; commitBatch @256 / leaf floor = ${results.targets.commitBatch256RatioToLeafFloor} (target ≤ 1.15)`);
console.log(`commit: ${results.commit} gas (target ≤ 60,000; an EAS attestation of three bytes32: 230,054)`);
console.log(`challenge on a bisection model, commit + reveal: ${results.challengeTotal} gas (target ≤ 400,000)`);
console.log(`availability answer for one MNIST input: ${results.availabilityAnswer} gas (target ≤ 60,000; its calldata floor ${results.availabilityAnswerFloor})\n`);

mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/gas.json", `${JSON.stringify(results, null, 2)}\n`);
