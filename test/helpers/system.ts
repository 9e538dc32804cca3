import { network } from "hardhat";
import { keccak256, parseEther, stringToBytes, zeroHash, type Address, type Hex } from "viem";
import { inferenceLeaf, merkleProof } from "@vinfer/runtime";
import { challenge, challengeCommitHash, commitBatch as commitBatchAction, commitChallenge, commit, demandData, getVinferContracts } from "@vinfer/sdk";
import type { WriteClient } from "@vinfer/sdk";
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
/** The Ignition module's defaults: the deposit of every challenge commit, the reveal and data answer windows. */
export const CHALLENGE_DEPOSIT = parseEther("1");
export const REVEAL_WINDOW = 300;
export const DATA_ANSWER_WINDOW = 3600;

export type Inference = { requestId: Hex; inputHash: Hex; outputHash: Hex };

/** Deploys the system through the Ignition module, funds the actors and registers a committee-judged model. */
export async function deploySystem() {
  const { token, registry, stakeManager, ledger, committeeResolver, bisectionResolver } = await ignition.deploy(VinferModule);
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
  await registry.write.registerModel([modelSpec], { account: deployer.account });
  const modelId = await registry.read.computeModelId([deployer.account.address, modelSpec]);

  // What the SDK's actions need to reach the protocol, read from the ledger.
  const contracts = await getVinferContracts(publicClient, {
    ledger: ledger.address,
    bisectionResolver: bisectionResolver.address,
    committeeResolver: committeeResolver.address,
  });

  return {
    contracts,
    token,
    registry,
    stakeManager,
    ledger,
    committeeResolver,
    bisectionResolver,
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
  const { commitmentId } = await commit(wallet, { contracts: system.contracts, modelId: system.modelId, inference });
  return commitmentId;
}

/** Commits `items` as one batch and returns its id, leaves and a proof maker. */
export async function commitBatch(system: System, items: Inference[], wallet = system.operator) {
  const leaves = items.map(leafOf);
  const { commitmentId: id } = await commitBatchAction(wallet, { contracts: system.contracts, modelId: system.modelId, inferences: items });
  return { id, leaves, proof: (index: number) => merkleProof(leaves, index) };
}

/** An accusation of inference `leafIndex` of a commitment: a dispute with `claim`, or a data demand without. */
export type AccusationTarget = {
  commitmentId: Hex;
  leafIndex: number | bigint;
  inference: Inference;
  proof: readonly Hex[];
  claim?: Hex;
};

/** Commits and reveals `wallet`'s accusation through the SDK; returns its id (the commit's sequence number). */
export async function accuseAs(system: System, wallet: WriteClient, target: AccusationTarget): Promise<bigint> {
  const leaf = {
    contracts: system.contracts,
    commitmentId: target.commitmentId,
    leafIndex: BigInt(target.leafIndex),
    inference: target.inference,
    proof: target.proof,
  };
  if (target.claim === undefined) return (await demandData(wallet, leaf)).demandId;
  return (await challenge(wallet, { ...leaf, claimedOutputHash: target.claim })).disputeId;
}

/** Posts `wallet`'s challenge commit only; returns its id and the salt to reveal it with (for revert tests). */
export async function commitAccusation(system: System, wallet: WriteClient, target: Omit<AccusationTarget, "inference" | "proof">) {
  const salt = keccak256(stringToBytes(`salt:${target.commitmentId}:${target.leafIndex}:${target.claim ?? "demand"}`));
  const commitHash = challengeCommitHash({
    challenger: wallet.account.address,
    commitmentId: target.commitmentId,
    leafIndex: BigInt(target.leafIndex),
    claimedOutputHash: target.claim,
    salt,
  });
  const { id } = await commitChallenge(wallet, { contracts: system.contracts, commitHash, approve: false });
  return { id, salt, commitHash };
}

/** The inference leaf, from the runtime so that contracts and clients share one definition. */
export function leafOf(inference: Inference): Hex {
  return inferenceLeaf(inference.requestId, inference.inputHash, inference.outputHash);
}

export { zeroHash };
export type { Address };
