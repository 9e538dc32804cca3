// Scale-out on PostgreSQL: one `ponder start` writes, two `ponder serve` replicas answer the API from the same
// database and schema. All three must give the same GraphQL answers and receipts, and the replicas must follow
// the writer as it indexes new blocks (their per-checkpoint caches included).
import { expect } from "chai";
import { keccak256, stringToBytes } from "viem";
import type { Hex } from "viem";
import { confirmed } from "@vinfer/sdk/testing";
import { runScenario } from "../../scripts/demo/scenario.ts";
import { getJson, graphql, protocolAt, startChain, startIndexer, waitForBlock } from "./harness.ts";
import type { Indexer } from "./harness.ts";
import { startPostgres } from "./postgres.ts";
import type { Postgres } from "./postgres.ts";

const QUERY = `{
  protocol(id: "vinfer") { commitments inferencesCommitted inferencesSettled inferencesFraudulent disputes bondsSlashed }
  operators(orderBy: "id", limit: 20) { items { id freeStake lockedStake bondReserve disputesWon disputesLost } }
  disputes(orderBy: "id", limit: 10) { items { id status resolverKind moveCount moves(limit: 100) { items { seq kind } } } }
  inferences(orderBy: "committedBlock", orderDirection: "desc", limit: 50) { items { requestId status commitmentId leafIndex } totalCount }
}`;

describe("Indexer: one writer and two read replicas on PostgreSQL", function () {
  this.timeout(300_000);
  let started: Awaited<ReturnType<typeof startChain>>;
  let postgres: Postgres;
  let writer: Indexer;
  let readers: Indexer[] = [];

  before(async () => {
    started = await startChain();
    await runScenario(() => {}, started.chain.url);
    postgres = await startPostgres();
    writer = await startIndexer({ rpcUrl: started.chain.url, databaseUrl: postgres.url, command: "start" });
    const publicClient = await started.connection.viem.getPublicClient();
    await waitForBlock(writer, await publicClient.getBlockNumber());
    readers = await Promise.all(
      [1, 2].map(() => startIndexer({ rpcUrl: started.chain.url, databaseUrl: postgres.url, command: "serve", schema: writer.schema })),
    );
  });

  after(async () => {
    for (const indexer of [...readers, writer]) await indexer?.stop();
    await postgres?.stop();
    await started?.chain.stop();
  });

  const answers = (query: string) => Promise.all([writer, ...readers].map(async (indexer) => (await graphql(indexer, query)).body));

  it("gives the same GraphQL answers from the writer and both replicas", async () => {
    const [fromWriter, ...fromReaders] = await answers(QUERY);
    expect(fromWriter.errors, JSON.stringify(fromWriter.errors)).to.equal(undefined);
    const data = fromWriter.data as { protocol: { commitments: number; disputes: number }; inferences: { totalCount: number } };
    expect(data.protocol.commitments).to.be.greaterThan(0);
    expect(data.protocol.disputes).to.be.greaterThan(0);
    for (const answer of fromReaders) expect(answer).to.deep.equal(fromWriter);
  });

  it("serves the same receipts from the writer and both replicas", async () => {
    const { body } = await graphql<{ inferences: { items: { requestId: Hex }[] } }>(writer, `{ inferences(limit: 5) { items { requestId } } }`);
    const requestIds = body.data!.inferences.items.map((i) => i.requestId);
    expect(requestIds.length).to.equal(5);
    for (const requestId of requestIds) {
      const [fromWriter, ...fromReaders] = await Promise.all([writer, ...readers].map((indexer) => getJson(indexer, `/receipts/${requestId}`)));
      expect(fromWriter.status).to.equal(200);
      for (const answer of fromReaders) expect(answer).to.deep.equal(fromWriter);
    }
    const unknown = keccak256(stringToBytes("replicas/never committed"));
    for (const indexer of readers) expect((await getJson(indexer, `/receipts/${unknown}`)).status).to.equal(404);
  });

  it("has the replicas answer a commitment as soon as the writer has indexed its block", async () => {
    // Each replica has cached the totals at the current checkpoint.
    const before = await answers(`{ protocol(id: "vinfer") { commitments } }`);
    const { connection } = started;
    const { ledger } = await protocolAt(connection);
    const publicClient = await connection.viem.getPublicClient();
    const [, honestOperator] = await connection.viem.getWalletClients();
    const [registered] = await (await protocolAt(connection)).registry.getEvents.ModelRegistered({}, { fromBlock: 0n });
    const requestId = keccak256(stringToBytes("replicas/new"));
    const tx = await ledger.write.commit(
      [registered.args.modelId!, requestId, keccak256(stringToBytes("in")), keccak256(stringToBytes("out"))],
      { account: honestOperator.account },
    );
    const { blockNumber } = await confirmed(publicClient, tx, "commit");
    await waitForBlock(writer, blockNumber);
    const after = await answers(`{ protocol(id: "vinfer") { commitments } }`);
    for (const [i, answer] of after.entries()) {
      const count = (answer.data as { protocol: { commitments: number } }).protocol.commitments;
      expect(count).to.equal((before[i].data as { protocol: { commitments: number } }).protocol.commitments + 1);
    }
    for (const indexer of readers) {
      const receipt = await getJson<{ commitmentId: Hex; status: string }>(indexer, `/receipts/${requestId}`);
      expect(receipt.status).to.equal(200);
      expect(receipt.body.status).to.equal("PENDING");
    }
  });
});
