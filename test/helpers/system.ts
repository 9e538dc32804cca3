import { network } from "hardhat";
import { keccak256, parseEther, stringToBytes, zeroHash, type Address, type Hex } from "viem";
import { inferenceLeaf, merkleProof, merkleRoot } from "@vinfer/runtime";
import VinferModule from "../../ignition/modules/Vinfer.ts";

/** One simulated network shared by every test file that imports this module; fixtures snapshot it. */
export const connection = await network.create();
export const { viem, networkHelpers, ignition } = connection;

export const BPS = 10_000n;
export const CHALLENGE_WINDOW = 600; // seconds
export const BOND_PER_INFERENCE = parseEther("1");
export const CHALLENGER_BOND = parseEther("5");
export const INITIAL_STAKE = parseEther("1000");
export const INITIAL_RESERVE = parseEther("500");
export const PROFILE_HASH = keccak256(stringToBytes("vinfer-int8-mlp/1"));

export type Inference = { requestId: Hex; inputHash: Hex; outputHash: Hex };

/** Deploys the system through the Ignition module, funds the actors and registers a committee-judged model. */
export async function deploySystem() {
  const { token, registry, stakeManager, ledger, committeeResolver } = await ignition.deploy(VinferModule);
  const [deployer, operator, challenger, otherOperator, stranger, arbiterA, arbiterB, arbiterC] =
    await viem.getWalletClients();
  const publicClient = await viem.getPublicClient();

  for (const wallet of [operator, challenger, otherOperator, stranger]) {
    await token.write.mint([wallet.account.address, INITIAL_STAKE * 10n]);
    await token.write.approve([stakeManager.address, 2n ** 256n - 1n], { account: wallet.account });
  }
  // Operators stake, then lock part of it into their bond reserve, from which commitments draw.
  for (const wallet of [operator, otherOperator]) {
    await stakeManager.write.deposit([INITIAL_STAKE], { account: wallet.account });
    await ledger.write.fundBondReserve([INITIAL_RESERVE], { account: wallet.account });
  }

  const modelSpec = {
    weightsRoot: keccak256(stringToBytes("committee-model-weights")),
    profileHash: keccak256(stringToBytes("llm-gpu/bf16")),
    traceLength: 0,
    resolver: committeeResolver.address,
    challengeWindow: CHALLENGE_WINDOW,
    bondPerInference: BOND_PER_INFERENCE,
    challengerBond: CHALLENGER_BOND,
    uri: "ipfs://committee-model",
  };
  await registry.write.registerModel([modelSpec]);
  const modelId = await registry.read.computeModelId([modelSpec.weightsRoot, modelSpec.profileHash, modelSpec.resolver]);

  return {
    token,
    registry,
    stakeManager,
    ledger,
    committeeResolver,
    publicClient,
    deployer,
    operator,
    challenger,
    otherOperator,
    stranger,
    arbiters: [arbiterA, arbiterB, arbiterC],
    modelSpec,
    modelId,
  };
}

export type System = Awaited<ReturnType<typeof deploySystem>>;

/** The deployed system at a fresh snapshot. */
export function loadSystem(): Promise<System> {
  return networkHelpers.loadFixture(deploySystem);
}

/** A deterministic inference for tests: distinct per `seed`. */
export function sampleInference(seed: number | bigint, outputSalt = ""): Inference {
  const tag = (s: string) => keccak256(stringToBytes(`${s}:${seed}`));
  return { requestId: tag("request"), inputHash: tag("input"), outputHash: tag(`output${outputSalt}`) };
}

/** Reads the block timestamp of the latest block. */
export async function now(): Promise<bigint> {
  return BigInt(await networkHelpers.time.latest());
}

/** Commits one inference as `operator` and returns its commitment id. */
export async function commitOne(system: System, inference: Inference, wallet = system.operator): Promise<Hex> {
  const { ledger, modelId } = system;
  const id = await ledger.read.computeCommitmentId([modelId, wallet.account.address, leafOf(inference)]);
  await ledger.write.commit([modelId, inference.requestId, inference.inputHash, inference.outputHash], {
    account: wallet.account,
  });
  return id;
}

/** Commits `items` as one batch and returns its id, leaves and a proof maker. */
export async function commitBatch(system: System, items: Inference[], wallet = system.operator) {
  const { ledger, modelId } = system;
  const leaves = items.map(leafOf);
  const id = await ledger.read.computeCommitmentId([modelId, wallet.account.address, merkleRoot(leaves)]);
  await ledger.write.commitBatch([modelId, items], { account: wallet.account });
  return { id, leaves, proof: (index: number) => merkleProof(leaves, index) };
}

/** The inference leaf, from the runtime so that contracts and clients share one definition. */
export function leafOf(inference: Inference): Hex {
  return inferenceLeaf(inference.requestId, inference.inputHash, inference.outputHash);
}

export { zeroHash };
export type { Address };
