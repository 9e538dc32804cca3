import { inferenceLedgerAbi } from "@vinfer/abis";
import type { Hex } from "viem";
import { challengeCommitHash, randomSalt } from "../accusations/commitHash.ts";
import { eventOf, transact, type WriteClient, type WriteResult } from "../internal/transact.ts";
import type { LeafTarget } from "./challenge.ts";
import { commitChallenge, type CommitChallengeReturnType } from "./commitChallenge.ts";

export type DemandDataParameters = LeafTarget;
export type DemandDataReturnType = WriteResult & {
  demandId: bigint;
  /** The operator must publish the input by this unix time or be slashed. */
  deadline: bigint;
  salt: Hex;
  commit: CommitChallengeReturnType;
};

/**
 * Demands that the input of inference `leafIndex` be published on chain: commits with the challenge deposit (the
 * demand's bond), then reveals (`InferenceLedger.demandData`).
 */
export async function demandData(client: WriteClient, params: DemandDataParameters): Promise<DemandDataReturnType> {
  const { contracts, commitmentId, leafIndex, inference, proof } = params;
  const ledger = { address: contracts.ledger, abi: inferenceLedgerAbi } as const;
  const salt = params.salt ?? randomSalt();
  const commitHash = challengeCommitHash({ challenger: client.account.address, commitmentId, leafIndex, salt });
  const committed = await commitChallenge(client, { contracts, commitHash });
  const result = await transact(client, { ...ledger, functionName: "demandData", args: [commitmentId, leafIndex, inference, proof, salt] });
  const { args } = eventOf(result.receipt, { ...ledger, eventName: "DataDemanded" });
  return { ...result, demandId: args.demandId, deadline: BigInt(args.deadline), salt, commit: committed };
}
