/**
 * Gas per protocol action on the project's EVM (Hardhat's simulated network, Prague rules).
 *
 * Beside each figure it prints the physical floor of its calldata: 21,000 intrinsic gas plus the
 * EIP-7623 floor of 10 gas per calldata token (a zero byte is 1 token, a non-zero byte 4), and the
 * ratio to it. Writes bench/results/gas.json.
 */
import { writeFileSync, mkdirSync } from "node:fs";
import { network } from "hardhat";
import { keccak256, parseEther, stringToBytes, hexToBytes, type Hex } from "viem";
import VinferModule from "../ignition/modules/Vinfer.ts";
import { inferenceLeaf, merkleProof, merkleRoot } from "@vinfer/runtime";
import { confirmed } from "@vinfer/sdk";

const BATCH_SIZES = [1, 16, 64, 256] as const;
const TX_INTRINSIC = 21_000n;
const FLOOR_PER_TOKEN = 10n;

const { viem, ignition, networkHelpers } = await network.create();
const publicClient = await viem.getPublicClient();
const [, operator, challenger] = await viem.getWalletClients();
const { token, registry, stakeManager, ledger, committeeResolver } = await ignition.deploy(VinferModule);

for (const wallet of [operator, challenger]) {
  await token.write.mint([wallet.account.address, parseEther("1000000")]);
  await token.write.approve([stakeManager.address, 2n ** 256n - 1n], { account: wallet.account });
}
await stakeManager.write.deposit([parseEther("100000")], { account: operator.account });
await ledger.write.fundBondReserve([parseEther("50000")], { account: operator.account });
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
await registry.write.registerModel([spec]);
const modelId = await registry.read.computeModelId([spec.weightsRoot, spec.profileHash, spec.resolver]);

let seed = 0;
const inference = () => {
  const tag = (s: string) => keccak256(stringToBytes(`${s}:${seed}`));
  seed += 1;
  return { requestId: tag("request"), inputHash: tag("input"), outputHash: tag("output") };
};

async function measure(hash: Hex) {
  const receipt = await confirmed(publicClient, hash, "benchmarked transaction");
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
const commitGas = await measure(
  await ledger.write.commit([modelId, single.requestId, single.inputHash, single.outputHash], { account: operator.account }),
);
add("commit (1 inference)", commitGas.gas, commitGas.floor);

const perInference: Record<string, number> = {};
let batch256: ReturnType<typeof inference>[] = [];
let batch256Id: Hex = "0x";
let leafFloor = 0n;
for (const size of BATCH_SIZES) {
  const items = Array.from({ length: size }, inference);
  const hash = await ledger.write.commitBatch([modelId, items], { account: operator.account });
  const { gas, floor } = await measure(hash);
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

// Challenge inference 200 of the 256-leaf batch (an 8-hash proof) with the committee resolver.
const leaves = batch256.map((i) => inferenceLeaf(i.requestId, i.inputHash, i.outputHash));
const target = batch256[200];
const challengeGas = await measure(
  await ledger.write.challenge([batch256Id, 200n, target, merkleProof(leaves, 200), keccak256(stringToBytes("other"))], {
    account: challenger.account,
  }),
);
add("challenge (leaf of 256, 8-hash proof)", challengeGas.gas, challengeGas.floor);

await networkHelpers.time.increase(601);
const singleId = await ledger.read.computeCommitmentId([
  modelId,
  operator.account.address,
  inferenceLeaf(single.requestId, single.inputHash, single.outputHash),
]);
const settleGas = await measure(await ledger.write.settle([singleId]));
add("settle", settleGas.gas, settleGas.floor);

const results = {
  commit: Number(commitGas.gas),
  commitBatchPerInference: perInference,
  calldataFloorPerLeaf: Number(leafFloor),
  settle: Number(settleGas.gas),
  challenge: Number(challengeGas.gas),
  targets: {
    commitMax: 60_000,
    commitBatch256MaxRatioToLeafFloor: 1.15,
    commitBatch256RatioToLeafFloor: Number((perInference["256"] / Number(leafFloor)).toFixed(3)),
  },
};

const pad = (s: string | number, n: number) => String(s).padStart(n);
console.log(`\n${"action".padEnd(40)}${pad("gas", 10)}${pad("floor", 10)}${pad("ratio", 8)}`);
for (const r of rows) console.log(`${r.action.padEnd(40)}${pad(r.gas, 10)}${pad(r.floor, 10)}${pad((r.gas / r.floor).toFixed(2), 8)}`);
console.log(`\ncalldata floor per leaf (96 bytes): ${leafFloor}; commitBatch @256 / leaf floor = ${results.targets.commitBatch256RatioToLeafFloor} (target ≤ 1.15)`);
console.log(`commit: ${results.commit} gas (target ≤ 60,000; an EAS attestation of three bytes32: 230,054)\n`);

mkdirSync("bench/results", { recursive: true });
writeFileSync("bench/results/gas.json", `${JSON.stringify(results, null, 2)}\n`);
