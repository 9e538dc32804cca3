// The indexer while the chain moves: new commitments appear, a reorganisation leaves no row of the dropped
// blocks, an answer cached for one block changes with the next, and a SIGKILL in the middle of a stream of
// commitments loses and duplicates nothing after a restart on the same database.
import { expect } from "chai";
import { keccak256, maxUint256, parseEther, stringToBytes } from "viem";
import type { Hex } from "viem";
import { InferenceStatusNames } from "@vinfer/abis";
import { challenge, commit as commitAction, commitBatch as commitBatchAction, getVinferContracts, settle, vote } from "@vinfer/sdk";
import type { VinferContracts } from "@vinfer/sdk";
import { confirmed } from "@vinfer/sdk/testing";
import { inferenceLeaf, merkleProof, profileHash } from "@vinfer/runtime";
import { graphql, startDeployedChain, startIndexer, upperSnake, waitForBlock } from "./harness.ts";
import type { DeployedChain, Indexer } from "./harness.ts";
import { startPostgres } from "./postgres.ts";
import type { Postgres } from "./postgres.ts";

const hash = (label: string) => keccak256(stringToBytes(`live-test/${label}`));

describe("Indexer: live indexing, reorganisations and crashes", function () {
  this.timeout(300_000);
  let system: DeployedChain;
  let modelId: Hex;
  let committeeModelId: Hex;
  let contracts: VinferContracts;
  const running: Indexer[] = [];

  before(async () => {
    system = await startDeployedChain();
    const { connection, token, registry, stakeManager, ledger, bisectionResolver } = system;
    // (a committee model too, for a batch slashed while the indexer runs)
    const publicClient = await connection.viem.getPublicClient();
    const [deployer, operator] = await connection.viem.getWalletClients();
    contracts = await getVinferContracts(publicClient);
    const mined = (label: string, h: Hex) => confirmed(publicClient, h, label);
    const spec = {
      weightsRoot: hash("weights"),
      profileHash,
      traceLength: 64,
      resolver: bisectionResolver.address,
      challengeWindow: 60,
      bondPerInference: parseEther("1"),
      challengerBond: parseEther("2"),
      uri: "models/test.json",
    };
    await mined("register", await registry.write.registerModel([spec], { account: deployer.account }));
    modelId = await registry.read.computeModelId([deployer.account.address, spec]);
    await mined("mint", await token.write.mint([operator.account.address, parseEther("1000")]));
    await mined("approve", await token.write.approve([stakeManager.address, maxUint256], { account: operator.account }));
    await mined("deposit", await stakeManager.write.deposit([parseEther("1000")], { account: operator.account }));
    await mined("fund", await ledger.write.fundBondReserve([parseEther("900")], { account: operator.account }));
    const committeeSpec = { ...spec, resolver: system.committeeResolver.address };
    await mined("register committee", await registry.write.registerModel([committeeSpec], { account: deployer.account }));
    committeeModelId = await registry.read.computeModelId([deployer.account.address, committeeSpec]);
    const [, , , challenger] = await connection.viem.getWalletClients();
    await mined("mint", await token.write.mint([challenger.account.address, parseEther("100")]));
    await mined("approve", await token.write.approve([stakeManager.address, maxUint256], { account: challenger.account }));
  });

  afterEach(async () => {
    for (const indexer of running.splice(0)) await indexer.stop();
  });

  after(async () => {
    await system?.chain.stop();
  });

  async function commit(label: string): Promise<bigint> {
    const [, operator] = await system.connection.viem.getWalletClients();
    const inference = { requestId: hash(label), inputHash: hash(`${label}/in`), outputHash: hash(`${label}/out`) };
    return (await commitAction(operator, { contracts, modelId, inference })).receipt.blockNumber;
  }

  /** The request ids of the latest 200 inferences. */
  async function requestIds(indexer: Indexer): Promise<Hex[]> {
    const { body } = await graphql<{ inferences: { items: { requestId: Hex }[] } }>(
      indexer,
      `{ inferences(orderBy: "committedBlock", orderDirection: "desc", limit: 200) { items { requestId } } }`,
    );
    return body.data!.inferences.items.map((i) => i.requestId);
  }

  const totals = async (indexer: Indexer) =>
    (await graphql<{ protocol: { commitments: number } | null }>(indexer, `{ protocol(id: "vinfer") { commitments } }`)).body.data!.protocol?.commitments ?? 0;

  for (const database of ["PGlite", "PostgreSQL"] as const) describe(`on ${database}`, () => {
    let postgres: Postgres | undefined;

    before(async () => {
      if (database === "PostgreSQL") postgres = await startPostgres();
    });

    after(async () => {
      await postgres?.stop();
    });

    it("shows commitments made while it runs, and a cached answer changes with the block that changes it", async () => {
      const indexer = await startIndexer({ rpcUrl: system.chain.url, databaseUrl: postgres?.url });
      running.push(indexer);
      const before = await totals(indexer);
      // Asked twice at the same block: the second answer comes from the cache and is the same.
      expect(await totals(indexer)).to.equal(before);
      const block = await commit(`${database}/live/1`);
      await waitForBlock(indexer, block);
      expect(await totals(indexer)).to.equal(before + 1);
      expect(await requestIds(indexer)).to.include(hash(`${database}/live/1`));
    });

    it("drops the rows of blocks a reorganisation removed", async () => {
      const indexer = await startIndexer({ rpcUrl: system.chain.url, databaseUrl: postgres?.url });
      running.push(indexer);
      const provider = system.connection.provider;
      const snapshot = (await provider.request({ method: "evm_snapshot", params: [] })) as string;
      const dropped = await commit(`${database}/reorg/dropped`);
      await waitForBlock(indexer, dropped);
      expect(await requestIds(indexer)).to.include(hash(`${database}/reorg/dropped`));
      await provider.request({ method: "evm_revert", params: [snapshot] });
      // Different blocks at the same heights, and one more so the chain is longer than the one dropped.
      await commit(`${database}/reorg/kept-1`);
      const tip = await commit(`${database}/reorg/kept-2`);
      expect(Number(tip)).to.be.greaterThan(Number(dropped));
      await waitForBlock(indexer, tip);
      const deadline = Date.now() + 30_000;
      let ids = await requestIds(indexer);
      while (!ids.includes(hash(`${database}/reorg/kept-2`)) && Date.now() < deadline) ids = await requestIds(indexer);
      expect(ids).to.include.members([hash(`${database}/reorg/kept-1`), hash(`${database}/reorg/kept-2`)]);
      expect(ids).to.not.include(hash(`${database}/reorg/dropped`));
      const { body } = await graphql<{ commitments: { items: unknown[] } }>(indexer, `{ commitments(where: { committedBlock: "${dropped}" }) { items { id } } }`);
      expect(body.data!.commitments.items.length).to.equal(1); // the kept block at that height, not the dropped one
    });

    it("loses and duplicates nothing when killed in the middle of a stream of commitments", async () => {
      const first = await startIndexer({ rpcUrl: system.chain.url, databaseUrl: postgres?.url });
      running.push(first);
      const labels: string[] = [];
      for (let i = 0; i < 10; i++) labels.push(`${database}/crash/${i}`), await commit(`${database}/crash/${i}`);
      await first.kill();
      running.splice(running.indexOf(first), 1);
      for (let i = 10; i < 20; i++) labels.push(`${database}/crash/${i}`), await commit(`${database}/crash/${i}`);
      const restarted = await startIndexer({ rpcUrl: system.chain.url, databaseUrl: postgres?.url, schema: first.schema, pgliteDir: first.pgliteDir });
      running.push(restarted);
      const publicClient = await system.connection.viem.getPublicClient();
      await waitForBlock(restarted, await publicClient.getBlockNumber());
      const streamed = new Set(labels.map(hash));
      const ids = (await requestIds(restarted)).filter((id) => streamed.has(id));
      expect(ids.length).to.equal(labels.length);
      expect(new Set(ids).size).to.equal(labels.length);
      // Nothing counted twice anywhere: the leaf rows agree with the totals.
      const { body } = await graphql<{ protocol: { inferencesCommitted: number }; inferences: { totalCount: number } }>(
        restarted,
        `{ protocol(id: "vinfer") { inferencesCommitted } inferences(limit: 1) { totalCount } }`,
      );
      expect(body.data!.inferences.totalCount).to.equal(body.data!.protocol.inferencesCommitted);
    });

    it("indexes batches committed, slashed and settled while it runs, leaf by leaf as the ledger reports them", async () => {
      const indexer = await startIndexer({ rpcUrl: system.chain.url, databaseUrl: postgres?.url });
      running.push(indexer);
      const { connection, ledger } = system;
      const publicClient = await connection.viem.getPublicClient();
      const wallets = await connection.viem.getWalletClients();
      const [, operator, , challenger, , arbiterA, arbiterB] = wallets;
      const leafOf = (label: string, output = `${label}/out`) => ({ requestId: hash(label), inputHash: hash(`${label}/in`), outputHash: hash(output) });
      // The first batch reuses the request id of an earlier single commitment with another output: a conflict.
      const settled = Array.from({ length: 300 }, (_, i) => leafOf(`${database}/live-batch/${i}`));
      settled[7] = leafOf(`${database}/live/1`, "another output");
      const slashed = Array.from({ length: 64 }, (_, i) => leafOf(`${database}/live-slashed/${i}`));
      const commitBatch = async (model: Hex, leaves: typeof settled) =>
        (await commitBatchAction(operator, { contracts, modelId: model, inferences: leaves })).commitmentId;
      const settledId = await commitBatch(modelId, settled);
      const slashedId = await commitBatch(committeeModelId, slashed);
      await waitForBlock(indexer, await publicClient.getBlockNumber());
      // A challenger says leaf 3 of the second batch is wrong and the committee agrees: the operator is slashed.
      const leafHashes = slashed.map((l) => inferenceLeaf(l.requestId, l.inputHash, l.outputHash));
      const ballot = await challenge(challenger, {
        contracts,
        commitmentId: slashedId,
        leafIndex: 3n,
        inference: slashed[3],
        proof: merkleProof(leafHashes, 3),
        claimedOutputHash: hash("the right output"),
      });
      await vote(arbiterA, { contracts, disputeId: ballot.disputeId, operatorAtFault: true });
      await vote(arbiterB, { contracts, disputeId: ballot.disputeId, operatorAtFault: true });
      await connection.networkHelpers.time.increase(61);
      await settle(operator, { contracts, commitmentId: settledId });
      await waitForBlock(indexer, await publicClient.getBlockNumber());
      for (const [id, count] of [[settledId, settled.length], [slashedId, slashed.length]] as const) {
        const indexed: { status: string; conflict: boolean }[] = [];
        let after: string | null = null;
        do {
          const page: { body: { data?: { inferences: { items: { status: string; conflict: boolean }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } } } =
            await graphql(
              indexer,
              `query($id: String!, $after: String) { inferences(where: { commitmentId: $id }, orderBy: "leafIndex", limit: 200, after: $after) { items { status conflict } pageInfo { hasNextPage endCursor } } }`,
              { id, after },
            );
          indexed.push(...page.body.data!.inferences.items);
          after = page.body.data!.inferences.pageInfo.hasNextPage ? page.body.data!.inferences.pageInfo.endCursor : null;
        } while (after !== null);
        const onChain = await Promise.all(
          Array.from({ length: count }, async (_, i) => upperSnake(InferenceStatusNames[await ledger.read.inferenceStatus([id, BigInt(i)])])),
        );
        expect(indexed.map((row) => row.status)).to.deep.equal(onChain);
        expect(indexed.filter((row) => row.conflict).length).to.equal(id === settledId ? 1 : 0);
      }
      expect(new Set((await Promise.all([0, 3].map((i) => ledger.read.inferenceStatus([slashedId, BigInt(i)])))).map((s) => InferenceStatusNames[s]))).to.deep.equal(
        new Set(["Voided", "Fraudulent"]),
      );
      const single = await graphql<{ inferences: { items: { conflict: boolean }[] } }>(
        indexer,
        `{ inferences(where: { requestId: "${hash(`${database}/live/1`)}" }) { items { conflict } } }`,
      );
      expect(single.body.data!.inferences.items).to.deep.equal([{ conflict: true }, { conflict: true }]);
    });
  });
});
