// What the challenger's tests share: a real `hardhat node` with the protocol deployed, the MNIST model registered
// with the bisection resolver, staked operators whose data endpoints are a small node:http server inside the
// test, a funded challenger key, and the operator's side of a game played from the test.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { inferenceLedgerAbi } from "@vinfer/abis";
import { infer, inferenceLeaf, merkleRoot, parseModel, vectorHash } from "@vinfer/runtime";
import type { Int8Model } from "@vinfer/runtime";
import {
  commitBatch,
  deposit,
  type CommitmentData,
  fundBondReserve,
  GameStatus,
  getVinferContracts,
  int8ToHex,
  nextMove,
  readGame,
  registerModel,
  setDataURI,
  submitMove,
  type GameView,
  type Player,
  type VinferContracts,
  type WriteClient,
} from "@vinfer/sdk";
import { confirmed, faultyTrace } from "@vinfer/sdk/testing";
import { keccak256, parseEther, stringToBytes, toHex, type Address, type Hex, type PublicClient } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { root, startDeployedChain, type DeployedChain } from "../indexer/harness.ts";

export const MODEL_PATH = join(root, "models", "mnist-mlp.json");
export const CHALLENGE_WINDOW = 600; // seconds
export const DATA_ANSWER_WINDOW = 3600; // the Ignition module's default
export const BOND_PER_INFERENCE = parseEther("1");
export const CHALLENGER_BOND = parseEther("5");
const STAKE = parseEther("1000");

/** What an operator's endpoint answers for one commitment. */
export type Published = { status: number; body?: unknown };

/** One inference as an operator ran it (maybe wrongly), with what it publishes. */
export type Served = { requestId: Hex; input: Int8Array; output: Int8Array; states?: Hex[] };

export type Operator = { name: string; wallet: WriteClient; address: Address };

let requests = 0;
export const newRequestId = (): Hex => keccak256(stringToBytes(`challenger-test/${process.pid}/${requests++}`));

/** A deterministic pseudo-random image-like input (values 0..127). */
export function sampleInput(model: Int8Model, seed: number): Int8Array {
  const input = new Int8Array(model.inputWidth);
  let x = (seed * 2_654_435_761 + 12_345) >>> 0;
  for (let i = 0; i < input.length; i++) {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    input[i] = (x >>> 16) % 4 === 0 ? (x >>> 8) & 0x7f : 0;
  }
  return input;
}

/** An honest inference of `input`. */
export function honestInference(model: Int8Model, input: Int8Array): Served {
  return { requestId: newRequestId(), input, output: infer(model, input) };
}

/** An inference in which one hidden neuron was given a wrong value, so that its output is wrong. */
export function cheatedInference(model: Int8Model, input: Int8Array): Served {
  const truth = vectorHash(infer(model, input));
  const hidden = model.layers[0].outWidth;
  for (let k = 0; k < hidden; k++) {
    const step = (21 + k) % hidden;
    for (const value of [127, -128]) {
      const faulty = faultyTrace(model, input, step, value);
      if (faulty.outputHash !== truth) return { requestId: newRequestId(), input, output: faulty.output, states: faulty.states };
    }
  }
  throw new Error("no single wrong neuron changes this inference's output");
}

/** Waits until `condition` returns something truthy; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, condition: () => Promise<T> | T, timeoutMs = 30_000, everyMs = 100): Promise<Exclude<T, false | 0 | "" | null | undefined>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await condition();
      if (value) return value as Exclude<T, false | 0 | "" | null | undefined>;
    } catch (error) {
      lastError = error;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})` : ""}`);
}

export type World = Awaited<ReturnType<typeof startWorld>>;

/** A dev chain with the protocol, the MNIST model registered, `operatorCount` staked operators and a challenger key. */
export async function startWorld(operatorCount: number) {
  const system: DeployedChain = await startDeployedChain();
  let server: Server | undefined;
  try {
    const { connection, token } = system;
    const publicClient = (await connection.viem.getPublicClient()) as unknown as PublicClient;
    const wallets = await connection.viem.getWalletClients();
    const deployer = wallets[0] as unknown as WriteClient;
    const contracts: VinferContracts = await getVinferContracts(publicClient);
    const model = parseModel(readFileSync(MODEL_PATH, "utf8"));
    const mined = (label: string, hash: Hex) => confirmed(publicClient, hash, label);

    const { modelId } = await registerModel(deployer, {
      contracts,
      model,
      resolver: "bisection",
      challengeWindow: CHALLENGE_WINDOW,
      bondPerInference: BOND_PER_INFERENCE,
      challengerBond: CHALLENGER_BOND,
      uri: "models/mnist-mlp.json",
    });

    // The operators' data endpoints: /<operator name>/<commitmentId>.
    const published = new Map<string, Published>();
    server = createServer((request, response) => {
      const answer = published.get((request.url ?? "").toLowerCase()) ?? { status: 404, body: { error: "not found" } };
      response.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body ?? {}));
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const dataBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const operators: Operator[] = [];
    for (let i = 0; i < operatorCount; i++) {
      const wallet = wallets[1 + i] as unknown as WriteClient;
      const name = `operator-${i}`;
      await mined("mint", await token.write.mint([wallet.account.address, STAKE]));
      await deposit(wallet, { contracts, amount: STAKE });
      await fundBondReserve(wallet, { contracts, amount: STAKE / 2n });
      await setDataURI(wallet, { contracts, uri: `${dataBase}/${name}` });
      operators.push({ name, wallet, address: wallet.account.address });
    }

    // The challenger signs with its own key: a fresh account with ether for gas and tokens for bonds.
    const challengerKey = generatePrivateKey();
    const challenger = privateKeyToAccount(challengerKey).address;
    await connection.provider.request({ method: "hardhat_setBalance", params: [challenger, toHex(parseEther("100"))] });
    await mined("mint", await token.write.mint([challenger, parseEther("100")]));

    /**
     * Commits `items` as a batch of `operator`, published at its endpoint before the commitment exists: the
     * commitment's data, or what `publish` makes of it.
     */
    async function commitServed(operator: Operator, items: Served[], publish?: (data: CommitmentData) => Published) {
      const inferences = items.map((s) => ({ requestId: s.requestId, inputHash: vectorHash(s.input), outputHash: vectorHash(s.output) }));
      const root = merkleRoot(inferences.map((i) => inferenceLeaf(i.requestId, i.inputHash, i.outputHash)));
      const commitmentId = await system.ledger.read.computeCommitmentId([modelId, operator.address, root]);
      const data: CommitmentData = {
        commitmentId,
        modelId,
        operator: operator.address,
        items: items.map((s, i) => ({ ...inferences[i], input: int8ToHex(s.input), output: int8ToHex(s.output) })),
      };
      published.set(`/${operator.name}/${commitmentId}`.toLowerCase(), publish?.(data) ?? { status: 200, body: data });
      const result = await commitBatch(operator.wallet, { contracts, modelId, inferences });
      if (result.commitmentId !== commitmentId) throw new Error(`committed ${result.commitmentId}, expected ${commitmentId}`);
      return result;
    }

    /** Moves the chain's clock forward by `seconds` and mines a block. */
    async function advanceTime(seconds: number) {
      await connection.provider.request({ method: "evm_increaseTime", params: [seconds] });
      await connection.provider.request({ method: "evm_mine", params: [] });
    }

    /** The disputes opened on `commitmentId` by `by`. */
    async function disputesOn(commitmentId: Hex, by: Address) {
      return publicClient.getContractEvents({
        address: contracts.ledger,
        abi: inferenceLedgerAbi,
        eventName: "DisputeOpened",
        args: { commitmentId, challenger: by },
        fromBlock: 0n,
        strict: true,
      });
    }

    /**
     * Plays the operator's side of dispute `disputeId` with `player` until the game is over, or until `pause`
     * says to stop (checked after every look at the game); fails when that takes longer than `timeoutMs`.
     */
    async function defend(operator: Operator, disputeId: bigint, player: Player, pause?: (game: GameView) => boolean, timeoutMs = 60_000): Promise<GameView> {
      const resolver = contracts.bisectionResolver!;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (Date.now() > deadline) throw new Error(`dispute ${disputeId}: the game did not move on within ${timeoutMs / 1000} s`);
        const game = await readGame(publicClient, { resolver, disputeId });
        if (game.status === GameStatus.OperatorWon || game.status === GameStatus.ChallengerWon) return game;
        if (pause?.(game)) return game;
        const move = nextMove(player, game);
        if (move.type === "postMidState" || move.type === "proveStep") await submitMove(operator.wallet, { contracts, disputeId, move });
        else await sleep(50);
      }
    }

    async function stop() {
      await new Promise<void>((resolve) => {
        server!.close(() => resolve());
        server!.closeAllConnections();
      });
      await system.chain.stop();
    }

    return {
      ...system,
      publicClient,
      contracts,
      model,
      modelId,
      operators,
      challengerKey,
      challenger,
      published,
      commitServed,
      advanceTime,
      disputesOn,
      defend,
      stop,
    };
  } catch (error) {
    server?.close();
    await system.chain.stop();
    throw error;
  }
}
