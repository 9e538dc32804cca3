import { inferenceLedgerAbi } from "@vinfer/abis";
import { toHex, type Hex } from "viem";
import type { VinferContracts } from "../contracts.ts";
import { transact, type WriteClient, type WriteResult } from "../internal/transact.ts";

export type PublishInputParameters = {
  contracts: VinferContracts;
  demandId: bigint;
  commitmentId: Hex;
  leafIndex: bigint;
  /** The input's bytes (for int8 models, the int8 vector). */
  input: Hex | Uint8Array | Int8Array;
};
export type PublishInputReturnType = WriteResult;

/** Answers a data demand by publishing the input on chain (`InferenceLedger.publishInput`). Anyone may call it. */
export function publishInput(client: WriteClient, { contracts, demandId, commitmentId, leafIndex, input }: PublishInputParameters): Promise<PublishInputReturnType> {
  const bytes = typeof input === "string" ? input : toHex(new Uint8Array(input.buffer, input.byteOffset, input.byteLength));
  return transact(client, {
    address: contracts.ledger,
    abi: inferenceLedgerAbi,
    functionName: "publishInput",
    args: [demandId, commitmentId, leafIndex, bytes],
  });
}
