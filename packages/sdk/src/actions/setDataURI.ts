import { inferenceLedgerAbi } from "@vinfer/abis";
import type { VinferContracts } from "../contracts.ts";
import { transact, type WriteClient, type WriteResult } from "../internal/transact.ts";

export type SetDataURIParameters = {
  contracts: VinferContracts;
  /** The base URI of the operator's data endpoint (`<uri>/<commitmentId>` serves a commitment's inputs and outputs). */
  uri: string;
};
export type SetDataURIReturnType = WriteResult;

/** Sets where the caller publishes its commitments' inputs and outputs (`InferenceLedger.setDataURI`). */
export function setDataURI(client: WriteClient, { contracts, uri }: SetDataURIParameters): Promise<SetDataURIReturnType> {
  return transact(client, { address: contracts.ledger, abi: inferenceLedgerAbi, functionName: "setDataURI", args: [uri] });
}
