import { inferenceLedgerAbi } from "@vinfer/abis";
import type { Hex } from "viem";
import { eventOf, transact, type WriteClient, type WriteResult } from "../internal/transact.ts";
import type { LeafTarget } from "./challenge.ts";

export type RevealDataDemandParameters = LeafTarget & {
  /** The commit's secret. */
  salt: Hex;
};
export type RevealDataDemandReturnType = WriteResult & {
  demandId: bigint;
  /** The operator must publish the input by this unix time or be slashed. */
  deadline: bigint;
};

/**
 * Reveals a committed data demand (`InferenceLedger.demandData`; the commit's deposit is the demand's bond): the
 * second half of {@link demandData}, alone, for a commit already on chain (e.g. made before a restart).
 */
export async function revealDataDemand(client: WriteClient, params: RevealDataDemandParameters): Promise<RevealDataDemandReturnType> {
  const { contracts, commitmentId, leafIndex, inference, proof, salt } = params;
  const ledger = { address: contracts.ledger, abi: inferenceLedgerAbi } as const;
  const result = await transact(client, { ...ledger, functionName: "demandData", args: [commitmentId, leafIndex, inference, proof, salt] });
  const { args } = eventOf(result.receipt, { ...ledger, eventName: "DataDemanded" });
  return { ...result, demandId: args.demandId, deadline: BigInt(args.deadline) };
}
