import { inferenceLedgerAbi, stakeManagerAbi } from "@vinfer/abis";
import type { Address, Client } from "viem";
import type { VinferContracts } from "../contracts.ts";
import { read } from "../internal/transact.ts";

export type GetStakeParameters = { contracts: VinferContracts; account: Address };
export type GetStakeReturnType = {
  /** Stake not backing anything, withdrawable after the delay. */
  free: bigint;
  /** Stake locked: the bond reserve plus the bonds of open commitments. */
  locked: bigint;
  /** The part of locked stake set aside for future commitments' bonds. */
  bondReserve: bigint;
  /** Waiting to be withdrawn, and from when. */
  withdrawal: { amount: bigint; readyAt: bigint };
  /** Claimable with `claim`. */
  credit: bigint;
};

/** An account's stake, bond reserve, pending withdrawal and claimable credit, read from the chain. */
export async function getStake(client: Client, { contracts, account }: GetStakeParameters): Promise<GetStakeReturnType> {
  const sm = { address: contracts.stakeManager, abi: stakeManagerAbi } as const;
  const [stake, withdrawal, credit, bondReserve] = await Promise.all([
    read<{ free: bigint; locked: bigint }>(client, { ...sm, functionName: "stakeOf", args: [account] }),
    read<{ amount: bigint; readyAt: bigint | number }>(client, { ...sm, functionName: "withdrawalOf", args: [account] }),
    read<bigint>(client, { ...sm, functionName: "creditOf", args: [account] }),
    read<bigint>(client, { address: contracts.ledger, abi: inferenceLedgerAbi, functionName: "bondReserveOf", args: [account] }),
  ]);
  return {
    free: stake.free,
    locked: stake.locked,
    bondReserve,
    withdrawal: { amount: withdrawal.amount, readyAt: BigInt(withdrawal.readyAt) },
    credit,
  };
}
