import type { Client, Hash, TransactionReceipt } from "viem";
import { waitForTransactionReceipt } from "viem/actions";
import { VinferTransactionRevertedError } from "../errors.ts";

/** Waits for a transaction sent by a raw contract write (as revert tests make them) and throws when it reverted. */
export async function confirmed(client: Client, hash: Hash, label: string): Promise<TransactionReceipt> {
  const receipt = await waitForTransactionReceipt(client, { hash });
  if (receipt.status !== "success") throw new VinferTransactionRevertedError({ functionName: label, hash });
  return receipt;
}
