// The indexer against a real chain: the demo's story (batches, a cheater caught by bisection, settlement,
// claims) plus single commitments, a 2,048-leaf batch and its settlement, a duplicate request id, a committee
// dispute the operator wins, a bisection dispute the challenger abandons (a timeout the operator wins), and a
// withdrawal. Then a fresh indexer must agree with the contracts' own views on every leaf, commitment and
// operator, and serve receipts that verify on chain.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CommitmentStatusNames, InferenceStatusNames } from "@vinfer/abis";
import { inferenceLeaf, merkleProof, parseModel, profileHash, stepPosition, verifyMerkleProof, vectorHash, infer } from "@vinfer/runtime";
import type { Hex } from "@vinfer/runtime";
import {
  challenge,
  claim,
  claimTimeout,
  commit,
  commitBatch,
  completeWithdrawal,
  deposit,
  fundBondReserve,
  getVinferContracts,
  honestPlayer,
  playGame,
  registerModel,
  requestWithdrawal,
  setDataURI,
  settleMany,
  vote,
} from "@vinfer/sdk";
import { confirmed } from "@vinfer/sdk/testing";
import { getAddress, keccak256, parseEther, stringToBytes } from "viem";
import { runScenario } from "../../scripts/demo/scenario.ts";
import { mnistInputs } from "../bisection/fixtures.ts";
import { getJson, graphql, protocolAt, root, startChain, startIndexer, upperSnake, waitForBlock } from "./harness.ts";
import type { Indexer } from "./harness.ts";
import { startPostgres } from "./postgres.ts";
import type { Postgres } from "./postgres.ts";

const MAX_BATCH = 2048;
const requestIdOf = (label: string) => keccak256(stringToBytes(`indexer-test/${label}`));

type Receipt = {
  modelId: Hex;
  operator: Hex;
  commitmentId: Hex;
  leafIndex: number;
  count: number;
  inference: { requestId: Hex; inputHash: Hex; outputHash: Hex };
  leaf: Hex;
  proof: Hex[];
  root: Hex;
  status: string;
  challengeDeadline: string;
};

describe("Indexer: a whole scenario, compared with the contracts", function () {
  this.timeout(600_000);
  let started: Awaited<ReturnType<typeof startChain>>;
  let indexer: Indexer | undefined;
  const commitmentIds: Hex[] = [];

  before(async () => {
    started = await startChain();
    const { connection, chain } = started;
    await runScenario(() => {}, chain.url);
    const { viem, networkHelpers } = connection;
    const publicClient = await viem.getPublicClient();
    const wallets = await viem.getWalletClients();
    const [deployer, honestOp, , challenger, bulkOp, arbiterA, arbiterB] = wallets;
    const { token, registry, stakeManager, ledger, bisectionResolver } = await protocolAt(connection);
    const contracts = await getVinferContracts(publicClient);
    const mined = (label: string, hash: Hex) => confirmed(publicClient, hash, label);

    const model = parseModel(readFileSync(join(root, "models/mnist-mlp.json"), "utf8"));
    const [mnist] = await registry.getEvents.ModelRegistered({}, { fromBlock: 0n });
    const mnistId = mnist.args.modelId!;
    // A committee model with the same weights, registered by another owner: its own id, its own terms.
    const { modelId: committeeId } = await registerModel(honestOp, {
      contracts,
      weightsRoot: model.weightsRoot,
      profileHash,
      traceLength: model.traceLength,
      resolver: "committee",
      challengeWindow: 60,
      bondPerInference: parseEther("1"),
      challengerBond: parseEther("2"),
      uri: "models/mnist-mlp.json",
    });

    // A bulk operator with stake for a maximum batch.
    await mined("mint", await token.write.mint([bulkOp.account.address, parseEther("5000")]));
    await deposit(bulkOp, { contracts, amount: parseEther("5000") });
    await fundBondReserve(bulkOp, { contracts, amount: parseEther("2100") });
    await setDataURI(bulkOp, { contracts, uri: "http://127.0.0.1:1/v1/data" });
    const inputs = mnistInputs().slice(0, 8);
    const honest = (i: number, label: string) => {
      const input = inputs[i % inputs.length];
      return { requestId: requestIdOf(label), inputHash: vectorHash(input), outputHash: vectorHash(infer(model, input)), input };
    };
    const big = Array.from({ length: MAX_BATCH }, (_, i) => honest(i, `bulk/${i}`));
    await commitBatch(bulkOp, { contracts, modelId: mnistId, inferences: big.map(({ input: _, ...leaf }) => leaf) });

    // Singles by the honest operator; the second reuses the first's request id with another output.
    const single = honest(1, "single");
    await commit(honestOp, { contracts, modelId: mnistId, inference: single });
    await commit(honestOp, { contracts, modelId: mnistId, inference: { ...single, outputHash: keccak256(stringToBytes("another output")) } });
    // One on the committee model, one on the bisection model the challenger will abandon.
    const onCommittee = honest(2, "committee");
    const { commitmentId: committeeCommitment } = await commit(honestOp, { contracts, modelId: committeeId, inference: onCommittee });
    const abandoned = honest(3, "abandoned");
    const { commitmentId: abandonedCommitment } = await commit(honestOp, { contracts, modelId: mnistId, inference: abandoned });

    // The challenger wrongly accuses both; the committee sides with the operator, and the challenger walks away
    // from the bisection game after the operator's first move.
    const wrong = keccak256(stringToBytes("a wrong claim"));
    const ballot = await challenge(challenger, {
      contracts,
      commitmentId: committeeCommitment,
      leafIndex: 0n,
      inference: onCommittee,
      proof: [],
      claimedOutputHash: wrong,
    });
    await vote(arbiterA, { contracts, disputeId: ballot.disputeId, operatorAtFault: false });
    await vote(arbiterB, { contracts, disputeId: ballot.disputeId, operatorAtFault: false });
    const game = await challenge(challenger, {
      contracts,
      commitmentId: abandonedCommitment,
      leafIndex: 0n,
      inference: abandoned,
      proof: [],
      claimedOutputHash: wrong,
    });
    await playGame(publicClient, {
      contracts,
      disputeId: game.disputeId,
      sides: [{ player: honestPlayer("operator", model, abandoned.input), client: honestOp }],
    });
    await networkHelpers.time.increase(Number(await bisectionResolver.read.moveTimeout()) + 1);
    await claimTimeout(deployer, { contracts, disputeId: game.disputeId });

    // The window closes: settle what can settle (the maximum batch among them); a withdrawal; claims.
    const allCommitments = async () => [
      ...(await ledger.getEvents.BatchCommitted({}, { fromBlock: 0n })).map((e) => e.args.commitmentId!),
      ...(await ledger.getEvents.InferenceCommitted({}, { fromBlock: 0n })).map((e) => e.args.commitmentId!),
    ];
    const pending: Hex[] = [];
    for (const id of await allCommitments()) if ((await ledger.read.getCommitment([id])).status === 1) pending.push(id);
    await settleMany(deployer, { contracts, commitmentIds: pending.slice(0, -1) });
    await requestWithdrawal(bulkOp, { contracts, amount: parseEther("100") });
    await networkHelpers.time.increase(Number(await stakeManager.read.unbondingDelay()) + 1);
    await completeWithdrawal(bulkOp, { contracts });
    await claim(honestOp, { contracts });
    // One more commitment stays pending.
    const last = honest(4, "last");
    await commit(honestOp, { contracts, modelId: mnistId, inference: last });
    commitmentIds.push(...(await allCommitments()));
  });

  after(async () => {
    await started?.chain.stop();
  });

  // The same answers from the embedded database and from a PostgreSQL server.
  for (const database of ["PGlite", "PostgreSQL"] as const) describe(`on ${database}`, () => {
    let postgres: Postgres | undefined;

    before(async () => {
      if (database === "PostgreSQL") postgres = await startPostgres();
      indexer = await startIndexer({ rpcUrl: started.chain.url, databaseUrl: postgres?.url });
      const publicClient = await started.connection.viem.getPublicClient();
      await waitForBlock(indexer, await publicClient.getBlockNumber());
    });

    after(async () => {
      await indexer?.stop();
      indexer = undefined;
      await postgres?.stop();
    });

    it("indexes every leaf and commitment with exactly the status the ledger reports", async () => {
      const { ledger } = await protocolAt(started.connection);
      let leaves = 0;
      const seen = new Set<string>();
      for (const commitmentId of commitmentIds) {
        const onChain = await ledger.read.getCommitment([commitmentId]);
        const { body } = await graphql<{ commitment: { status: string; count: number; operator: string } }>(
          indexer!,
          `query($id: String!) { commitment(id: $id) { status count operator } }`,
          { id: commitmentId },
        );
        expect(body.data!.commitment).to.deep.equal({
          status: upperSnake(CommitmentStatusNames[onChain.status]),
          count: onChain.count,
          operator: onChain.operator.toLowerCase(),
        });
        seen.add(upperSnake(CommitmentStatusNames[onChain.status]));
        // Every leaf, paged with cursors through GraphQL.
        const statuses: string[] = [];
        let after: string | null = null;
        do {
          const page: { body: { data?: { inferences: { items: { leafIndex: number; status: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } } } =
            await graphql(
              indexer!,
              `query($id: String!, $after: String) { inferences(where: { commitmentId: $id }, orderBy: "leafIndex", limit: 200, after: $after) { items { leafIndex status } pageInfo { hasNextPage endCursor } } }`,
              { id: commitmentId, after },
            );
          const { items, pageInfo } = page.body.data!.inferences;
          for (const item of items) {
            expect(item.leafIndex).to.equal(statuses.length);
            statuses.push(item.status);
          }
          after = pageInfo.hasNextPage ? pageInfo.endCursor : null;
        } while (after !== null);
        expect(statuses.length).to.equal(onChain.count);
        const expected = await Promise.all(
          statuses.map(async (_, i) => upperSnake(InferenceStatusNames[await ledger.read.inferenceStatus([commitmentId, BigInt(i)])])),
        );
        expect(statuses).to.deep.equal(expected);
        leaves += statuses.length;
      }
      expect(leaves).to.be.greaterThan(MAX_BATCH);
      expect([...seen].sort()).to.deep.equal(["PENDING", "SETTLED", "SLASHED"]);
    });

    it("keeps every operator's stake, reserve, pending withdrawal, credit and counts equal to the contracts'", async () => {
      const { ledger, stakeManager } = await protocolAt(started.connection);
      const { body } = await graphql<{
        operators: { items: { id: Hex; freeStake: string; lockedStake: string; bondReserve: string; pendingWithdrawal: string; credit: string; commitmentCount: number; inferenceCount: number }[] };
      }>(
        indexer!,
        `{ operators(limit: 100) { items { id freeStake lockedStake bondReserve pendingWithdrawal credit commitmentCount inferenceCount } } }`,
      );
      const accounts = body.data!.operators.items;
      expect(accounts.length).to.be.greaterThan(3);
      // Its counts of commitments and inferences, from the ledger's own events.
      const singles = await ledger.getEvents.InferenceCommitted({}, { fromBlock: 0n });
      const batches = await ledger.getEvents.BatchCommitted({}, { fromBlock: 0n });
      for (const account of accounts) {
        const stake = await stakeManager.read.stakeOf([account.id]);
        const withdrawal = await stakeManager.read.withdrawalOf([account.id]);
        expect(account, account.id).to.deep.equal({
          id: account.id,
          freeStake: stake.free.toString(),
          lockedStake: stake.locked.toString(),
          bondReserve: (await ledger.read.bondReserveOf([account.id])).toString(),
          pendingWithdrawal: withdrawal.amount.toString(),
          credit: (await stakeManager.read.creditOf([account.id])).toString(),
          commitmentCount: singles.filter((e) => e.args.operator === getAddress(account.id)).length + batches.filter((e) => e.args.operator === getAddress(account.id)).length,
          inferenceCount:
            singles.filter((e) => e.args.operator === getAddress(account.id)).length +
            batches.filter((e) => e.args.operator === getAddress(account.id)).reduce((n, e) => n + e.args.items!.length, 0),
        });
      }
    });

    it("answers GraphQL exactly: totals, disputes with their moves and votes, and the duplicate request id", async () => {
      const { body } = await graphql<{
        protocol: Record<string, number | string>;
        disputes: {
          items: {
            resolverKind: string;
            status: string;
            moveCount: number;
            moves: { items: { kind: string; step: number | null; layer: number | null; neuron: number | null }[] };
            votesOperatorRight: number;
            timedOutParty: string | null;
            gameStatus: string | null;
            provenStep: number | null;
            stepLayer: number | null;
            stepNeuron: number | null;
            stepLayerWidth: number | null;
          }[];
        };
        inferences: { items: { conflict: boolean; leafIndex: number }[] };
      }>(
        indexer!,
        `{ protocol(id: "vinfer") { commitments inferencesCommitted disputes disputesOpen dataDemandsOpen }
           disputes(orderBy: "id") { items { resolverKind status moveCount votesOperatorRight timedOutParty gameStatus provenStep stepLayer stepNeuron stepLayerWidth moves { items { kind step layer neuron } } } }
           inferences(where: { requestId: "${requestIdOf("single")}" }) { items { conflict leafIndex } } }`,
      );
      expect(body.errors, JSON.stringify(body.errors)).to.equal(undefined);
      const data = body.data!;
      expect(data.protocol.commitments).to.equal(commitmentIds.length);
      expect(data.protocol.disputesOpen).to.equal(0);
      expect(data.protocol.disputes).to.equal(3);
      const [caught, committee, abandoned] = data.disputes.items;
      expect(caught).to.include({ resolverKind: "BISECTION", status: "OPERATOR_FAULT", gameStatus: "CHALLENGER_WON", timedOutParty: null });
      const kinds = caught.moves.items.map((m) => m.kind);
      expect(kinds.length).to.equal(caught.moveCount);
      expect([kinds[0], kinds.at(-2), kinds.at(-1)]).to.deep.equal(["STARTED", "STEP", "ENDED"]);
      // The neuron the chain re-executed, read from the proveStep call: where the model's trace puts the step.
      const model = parseModel(readFileSync(join(root, "models/mnist-mlp.json"), "utf8"));
      const { layer, neuron } = stepPosition(model, caught.provenStep!);
      expect(caught).to.include({ stepLayer: layer, stepNeuron: neuron, stepLayerWidth: model.layers[layer].outWidth });
      expect(caught.moves.items.at(-2)).to.deep.equal({ kind: "STEP", step: caught.provenStep, layer, neuron });
      expect(abandoned).to.include({ provenStep: null, stepLayer: null, stepNeuron: null });
      expect(committee).to.include({ resolverKind: "COMMITTEE", status: "CHALLENGER_FAULT", votesOperatorRight: 2, moveCount: 0 });
      // Started, the operator's midpoint, the challenger's timeout, the end.
      expect(abandoned).to.include({ resolverKind: "BISECTION", status: "CHALLENGER_FAULT", gameStatus: "OPERATOR_WON", timedOutParty: "CHALLENGER" });
      expect(abandoned.moves.items.map((m) => m.kind)).to.deep.equal(["STARTED", "MID_STATE", "TIMEOUT", "ENDED"]);
      expect(data.inferences.items).to.deep.equal([
        { conflict: true, leafIndex: 0 },
        { conflict: true, leafIndex: 0 },
      ]);
    });

    it("refuses over-deep, over-wide and over-costly queries with a 400 and a message, and still answers others", async () => {
      let deep = "id";
      for (let i = 0; i < 3; i++) deep = `commitment { operatorRecord { commitments(limit: 1) { items { ${deep} } } } }`;
      const abusive = [
        `{ inferences(limit: 100000) { items { requestId } } }`,
        `{ disputes(limit: 200) { items { moves(limit: 200) { items { kind } } } } }`,
        `{ inferences(limit: 1) { items { ${deep} } } }`,
        `{ ${Array.from({ length: 11 }, (_, i) => `a${i}: protocol(id: "vinfer") { commitments }`).join(" ")} }`,
      ];
      const answers = await Promise.all([...abusive.map((q) => graphql(indexer!, q)), graphql(indexer!, `{ protocol(id: "vinfer") { commitments } }`)]);
      for (const { status, body } of answers.slice(0, -1)) {
        expect(status).to.equal(400);
        expect(body.errors?.[0].message).to.match(/^query refused: /);
      }
      expect(answers.at(-1)!.status).to.equal(200);
      expect(answers.at(-1)!.body.data).to.deep.equal({ protocol: { commitments: commitmentIds.length } });
    });

    it("serves receipts that verify on chain, and refuses malformed and unknown request ids", async () => {
      const { ledger } = await protocolAt(started.connection);
      const check = async (r: Receipt) => {
        const leaf = inferenceLeaf(r.inference.requestId, r.inference.inputHash, r.inference.outputHash);
        if (leaf !== r.leaf || !verifyMerkleProof(leaf, r.leafIndex, r.count, r.proof, r.root)) return false;
        const id = await ledger.read.computeCommitmentId([r.modelId, getAddress(r.operator), r.root]);
        const onChain = await ledger.read.getCommitment([id]);
        return onChain.count === r.count && id === r.commitmentId;
      };
      const { status, body } = await getJson<Receipt>(indexer!, `/receipts/${requestIdOf("bulk/1234")}`);
      expect(status).to.equal(200);
      expect(body.leafIndex).to.equal(1234);
      expect(body.status).to.equal("SETTLED");
      expect(body.proof.length).to.equal(11);
      expect(await check(body)).to.equal(true);
      expect(body.proof).to.deep.equal(merkleProof(await leavesOf(body.commitmentId), 1234));
      // One byte changed anywhere and the receipt no longer lands on a commitment.
      const flip = (hex: Hex): Hex => `${hex.slice(0, -2)}${((parseInt(hex.slice(-2), 16) ^ 1) & 0xff).toString(16).padStart(2, "0")}` as Hex;
      expect(await check({ ...body, inference: { ...body.inference, outputHash: flip(body.inference.outputHash) } })).to.equal(false);
      expect(await check({ ...body, proof: [flip(body.proof[0]), ...body.proof.slice(1)] })).to.equal(false);
      expect(await check({ ...body, root: flip(body.root) })).to.equal(false);

      expect((await getJson(indexer!, `/receipts/0x1234`)).status).to.equal(400);
      expect((await getJson(indexer!, `/receipts/${requestIdOf("bulk/1")}?operator=0x12`)).status).to.equal(400);
      const unknown = await getJson<{ error: string }>(indexer!, `/receipts/${requestIdOf("never")}`);
      expect(unknown.status).to.equal(404);
      expect(unknown.body.error).to.match(/no inference with request id/);
    });

    it("serves the explorer: its page for any path under /explorer, hashed assets cached for good and gzipped to clients that accept it", async () => {
      const page = await fetch(`${indexer!.url}/explorer/#/dispute/1`);
      expect(page.status).to.equal(200);
      expect(page.headers.get("content-type")).to.equal("text/html; charset=utf-8");
      const html = await page.text();
      expect(html).to.equal(readFileSync(join(root, "explorer", "dist", "index.html"), "utf8"));
      expect(await (await fetch(`${indexer!.url}/explorer/some/shared/address`)).text()).to.equal(html);

      const script = html.match(/src="\/explorer\/(assets\/[^"]+\.js)"/)?.[1];
      expect(script, "index.html loads a hashed script").to.be.a("string");
      const onDisk = readFileSync(join(root, "explorer", "dist", script!));
      // fetch() asks for gzip and decodes it: the bytes are the file's, and the header says how they came.
      const gzipped = await fetch(`${indexer!.url}/explorer/${script}`);
      expect(gzipped.headers.get("content-encoding")).to.equal("gzip");
      expect(gzipped.headers.get("cache-control")).to.equal("public, max-age=31536000, immutable");
      expect(gzipped.headers.get("vary")).to.equal("accept-encoding");
      expect(Buffer.from(await gzipped.arrayBuffer()).equals(onDisk)).to.equal(true);
      const plain = await fetch(`${indexer!.url}/explorer/${script}`, { headers: { "accept-encoding": "identity" } });
      expect(plain.headers.get("content-encoding")).to.equal(null);
      expect(Buffer.from(await plain.arrayBuffer()).equals(onDisk)).to.equal(true);

      const missing = await fetch(`${indexer!.url}/explorer/assets/none-such.js`);
      expect(missing.status).to.equal(404);
      expect(await missing.text()).to.equal("no /explorer/assets/none-such.js in the explorer's build");
    });
  });

  /** A commitment's leaves in order, from GraphQL pages. */
  async function leavesOf(commitmentId: Hex): Promise<Hex[]> {
    const leaves: Hex[] = [];
    let after: string | null = null;
    do {
      const page: { body: { data?: { inferences: { items: { leaf: Hex }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } } } = await graphql(
        indexer!,
        `query($id: String!, $after: String) { inferences(where: { commitmentId: $id }, orderBy: "leafIndex", limit: 200, after: $after) { items { leaf } pageInfo { hasNextPage endCursor } } }`,
        { id: commitmentId, after },
      );
      leaves.push(...page.body.data!.inferences.items.map((i) => i.leaf));
      after = page.body.data!.inferences.pageInfo.hasNextPage ? page.body.data!.inferences.pageInfo.endCursor : null;
    } while (after !== null);
    return leaves;
  }
});
