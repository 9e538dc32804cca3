// The GraphQL guard's arithmetic: what a query may read is counted before it runs, pages multiply what is
// under their `items`, and a `totalCount` costs a count per page it sits on.
import { expect } from "chai";
import { MAX_ALIASES, MAX_DEPTH, MAX_PAGE, MAX_ROWS, refusal } from "../../indexer/src/api/guard.ts";

const ask = (query: string, variables?: Record<string, unknown>) => refusal({ query, variables });

describe("Indexer GraphQL guard", () => {
  it("lets the explorer's and dApps' everyday queries through", () => {
    expect(ask(`{ inferences(where: { status: SETTLED }, limit: 200) { items { requestId status commitment { root } } totalCount pageInfo { endCursor } } }`)).to.equal(undefined);
    expect(ask(`{ disputes(limit: 10) { items { id moves(limit: 100) { items { kind } } votes { items { voter } } } } }`)).to.equal(undefined);
    expect(ask(`query($id: String!) { dispute(id: $id) { id commitment { model { uri } operatorRecord { credit } } } }`, { id: "1" })).to.equal(undefined);
  });

  it("refuses a page wider than the maximum, written inline or passed as a variable", () => {
    expect(ask(`{ inferences(limit: ${MAX_PAGE + 1}) { items { requestId } } }`)).to.equal(`a page may hold at most ${MAX_PAGE} rows (asked ${MAX_PAGE + 1} for inferences)`);
    expect(ask(`query($n: Int) { inferences(limit: $n) { items { requestId } } }`, { n: 1_000_000 })).to.match(/^a page may hold at most/);
  });

  it("multiplies nested pages and refuses what would read more than the maximum rows", () => {
    // 100 disputes × 100 moves = 10,100 rows.
    expect(ask(`{ disputes(limit: 100) { items { moves(limit: 100) { items { kind } } } } }`)).to.equal(`the query may read more than ${MAX_ROWS} rows`);
    // 40 × 100 + 40 = 4,040 rows: allowed.
    expect(ask(`{ disputes(limit: 40) { items { moves(limit: 100) { items { kind } } } } }`)).to.equal(undefined);
    // A count under every row of a page is a count per row: 10 × 1,000.
    expect(ask(`{ disputes(limit: 10) { items { moves { totalCount } } } }`)).to.equal(`the query may read more than ${MAX_ROWS} rows`);
    // Fragments are counted where they are spread.
    expect(ask(`{ disputes(limit: 100) { items { ...m } } } fragment m on dispute { moves(limit: 100) { items { kind } } }`)).to.equal(`the query may read more than ${MAX_ROWS} rows`);
  });

  it("refuses an over-deep query and too many aliases", () => {
    let nested = "id";
    for (let i = 0; i < 3; i++) nested = `commitment { operatorRecord { commitments(limit: 1) { items { ${nested} } } } }`;
    expect(ask(`{ inference(commitmentId: "1", leafIndex: 0) { ${nested} } }`)).to.equal(`the query is nested deeper than ${MAX_DEPTH} levels`);
    const aliases = Array.from({ length: MAX_ALIASES + 1 }, (_, i) => `a${i}: protocol(id: "vinfer") { commitments }`).join(" ");
    expect(ask(`{ ${aliases} }`)).to.equal(`the query uses more than ${MAX_ALIASES} aliases`);
  });

  it("refuses what is not a query", () => {
    expect(refusal({})).to.equal("the request has no GraphQL query string");
    expect(ask(`{ inferences(`)).to.match(/^the query does not parse/);
    expect(ask("x".repeat(20_001))).to.equal("the query is longer than 20,000 characters");
  });
});
