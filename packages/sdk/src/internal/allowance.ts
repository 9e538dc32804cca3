import { erc20Abi, type Address } from "viem";
import type { VinferContracts } from "../contracts.ts";
import { read, transact, type WriteClient } from "./transact.ts";

/** Approves the stake manager for `amount` of the stake token when the current allowance is short of it. */
export async function ensureAllowance(client: WriteClient, contracts: VinferContracts, amount: bigint): Promise<void> {
  const owner: Address = client.account.address;
  const allowance = await read<bigint>(client, {
    address: contracts.token,
    abi: erc20Abi,
    functionName: "allowance",
    args: [owner, contracts.stakeManager],
  });
  if (allowance >= amount) return;
  await transact(client, { address: contracts.token, abi: erc20Abi, functionName: "approve", args: [contracts.stakeManager, amount] });
}
