// What the page reads outside GraphQL. The GraphQL answers' types are generated from the indexer's schema into
// ./generated/graphql.ts (`pnpm --filter @vinfer/explorer codegen`).
import type { Address, Hex } from "viem";

/** The indexer's `GET /receipts/:requestId` answer. */
export type Receipt = {
  chainId: number;
  ledger: Address;
  requestId: Hex;
  operator: Address;
  modelId: Hex;
  commitmentId: Hex;
  leafIndex: number;
  count: number;
  inference: { requestId: Hex; inputHash: Hex; outputHash: Hex };
  leaf: Hex;
  proof: Hex[];
  root: Hex;
  status: string;
  commitmentStatus: string;
  challengeDeadline: string;
  committedBlock: string;
  committedTx: Hex;
  conflict: boolean;
};
