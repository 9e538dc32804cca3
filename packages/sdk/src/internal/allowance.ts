import { erc20Abi, type Address } from "viem";
import { simulateContract } from "viem/actions";
import type { VinferContracts } from "../contracts.ts";
import { toVinferError } from "../errors.ts";
import { read, transact, type WriteClient } from "./transact.ts";

/**
 * Approves the stake manager for `amount` of the stake token when the current allowance is short of it. First
 * checks, with a call that sends nothing, that the owner could transfer `amount` at all: a short balance fails
 * here with the token's own error instead of after an approval that was paid for in vain.
 */
export async function ensureAllowance(client: WriteClient, contracts: VinferContracts, amount: bigint): Promise<void> {
  const owner: Address = client.account.address;
  const allowance = await read<bigint>(client, {
    address: contracts.token,
    abi: erc20Abi,
    functionName: "allowance",
    args: [owner, contracts.stakeManager],
  });
  if (allowance >= amount) return;
  try {
    await simulateContract(client, { address: contracts.token, abi: erc20Abi, functionName: "transfer", args: [contracts.stakeManager, amount], account: client.account, chain: client.chain });
  } catch (error) {
    throw toVinferError(error, { contract: contracts.token, functionName: "transfer" });
  }
  await transact(client, { address: contracts.token, abi: erc20Abi, functionName: "approve", args: [contracts.stakeManager, amount] });
}
