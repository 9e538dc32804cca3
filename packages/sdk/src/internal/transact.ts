// The one path every write action takes: simulate (so a revert is decoded before anything is sent), send,
// wait for the receipt, and turn whatever went wrong into a VinferError.
import {
  parseEventLogs,
  type Abi,
  type Account,
  type Address,
  type Chain,
  type Client,
  type ContractEventName,
  type Hex,
  type ParseEventLogsReturnType,
  type TransactionReceipt,
  type Transport,
} from "viem";
import { readContract, simulateContract, waitForTransactionReceipt, writeContract } from "viem/actions";
import { protocolErrorsAbi } from "../contracts.ts";
import { toVinferError, VinferError, VinferTransactionRevertedError } from "../errors.ts";

/** A client that can sign: viem's wallet client (or any client with an account). */
export type WriteClient = Client<Transport, Chain | undefined, Account>;

/** What every write action returns besides its own fields. */
export type WriteResult = { hash: Hex; receipt: TransactionReceipt };

export type TransactParameters = {
  address: Address;
  abi: Abi;
  functionName: string;
  args?: readonly unknown[];
};

export async function transact(client: WriteClient, call: TransactParameters): Promise<WriteResult> {
  const where = { contract: call.address, functionName: call.functionName, abi: [...call.abi, ...protocolErrorsAbi] };
  let hash: Hex;
  try {
    const { request } = await simulateContract(client, {
      address: call.address,
      abi: [...call.abi, ...protocolErrorsAbi],
      functionName: call.functionName,
      args: call.args,
      account: client.account,
      chain: client.chain,
    } as never);
    hash = await writeContract(client, request as never);
  } catch (error) {
    throw toVinferError(error, where);
  }
  let receipt: TransactionReceipt;
  try {
    receipt = await waitForTransactionReceipt(client, { hash });
  } catch (error) {
    throw toVinferError(error, where);
  }
  if (receipt.status !== "success") throw new VinferTransactionRevertedError({ functionName: call.functionName, hash });
  return { hash, receipt };
}

/** A view call with its revert decoded. */
export async function read<T>(client: Client, call: TransactParameters): Promise<T> {
  try {
    return (await readContract(client, { ...call, abi: [...call.abi, ...protocolErrorsAbi] } as never)) as T;
  } catch (error) {
    throw toVinferError(error, { contract: call.address, functionName: call.functionName, abi: [...call.abi, ...protocolErrorsAbi] });
  }
}

/** The first `eventName` log `address` emitted in `receipt`; throws when there is none. */
export function eventOf<const abi extends Abi, eventName extends ContractEventName<abi>>(
  receipt: TransactionReceipt,
  { abi, address, eventName }: { abi: abi; address: Address; eventName: eventName },
): ParseEventLogsReturnType<abi, eventName, true>[number] {
  const [event] = eventsOf(receipt, { abi, address, eventName });
  if (event === undefined) throw new VinferError(`transaction ${receipt.transactionHash} emitted no ${eventName} event`);
  return event;
}

/** Every `eventName` log `address` emitted in `receipt`. */
export function eventsOf<const abi extends Abi, eventName extends ContractEventName<abi>>(
  receipt: TransactionReceipt,
  { abi, address, eventName }: { abi: abi; address: Address; eventName: eventName },
): ParseEventLogsReturnType<abi, eventName, true> {
  const logs = receipt.logs.filter((log) => log.address.toLowerCase() === address.toLowerCase());
  return parseEventLogs({ abi, logs, eventName: eventName as never, strict: true }) as never;
}
