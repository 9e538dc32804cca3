import type { Chain, Hash, PublicClient, TransactionReceipt, Transport } from "viem";

/** Waits for `hash` to be mined and returns its receipt; throws, naming `label`, when it reverted. */
export async function confirmed(client: PublicClient<Transport, Chain>, hash: Hash, label: string): Promise<TransactionReceipt> {
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`${label} reverted (${hash})`);
  return receipt;
}
