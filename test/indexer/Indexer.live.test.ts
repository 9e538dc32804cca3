// The indexer while the chain moves: new commitments appear, a reorganisation leaves no row of the dropped
// blocks, an answer cached for one block changes with the next, and a SIGKILL in the middle of a stream of
// commitments loses and duplicates nothing after a restart on the same database.
import { expect } from "chai";
import { keccak256, maxUint256, parseEther, stringToBytes } from "viem";
import type { Hex } from "viem";
import { confirmed } from "@vinfer/sdk";
import { profileHash } from "@vinfer/runtime";
import { graphql, startDeployedChain, startIndexer, waitForBlock } from "./harness.ts";
import type { DeployedChain, Indexer } from "./harness.ts";
import { startPostgres } from "./postgres.ts";
import type { Postgres } from "./postgres.ts";

const hash = (label: string) => keccak256(stringToBytes(`live-test/${label}`));

describe("Indexer: live indexing, reorganisations and crashes", function () {
  this.timeout(300_000);
  let system: DeployedChain;
  let modelId: Hex;
  const running: Indexer[] = [];

  before(async () => {
    system = await startDeployedChain();
    const { connection, token, registry, stakeManager, ledger, bisectionResolver } = system;
    const publicClient = await connection.viem.getPublicClient();
    const [deployer, operator] = await connection.viem.getWalletClients();
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
  });

  afterEach(async () => {
    for (const indexer of running.splice(0)) await indexer.stop();
  });

  after(async () => {
    await system?.chain.stop();
  });

  async function commit(label: string): Promise<bigint> {
    const publicClient = await system.connection.viem.getPublicClient();
    const [, operator] = await system.connection.viem.getWalletClients();
    const tx = await system.ledger.write.commit([modelId, hash(label), hash(`${label}/in`), hash(`${label}/out`)], { account: operator.account });
    return (await confirmed(publicClient, tx, `commit ${label}`)).blockNumber;
  }

  async function requestIds(indexer: Indexer): Promise<Hex[]> {
    const { body } = await graphql<{ inferences: { items: { requestId: Hex }[] } }>(
      indexer,
      `{ inferences(orderBy: "committedBlock", limit: 200) { items { requestId } } }`,
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
      const ids = await requestIds(restarted);
      expect(new Set(ids).size).to.equal(ids.length);
      expect(ids).to.include.members(labels.map(hash));
      expect(await totals(restarted)).to.equal(ids.length);
    });
  });
});
