// What the command prints when something goes wrong: one line, `vinfer: <message>`, and an exit code of
// 2 for a command line that cannot be run as written, 1 for everything else.
import { VinferContractError, VinferError, VinferRpcError, VinferTransactionRevertedError } from "@vinfer/sdk";
import { BaseError, decodeErrorResult, type Abi } from "viem";

/** The command line is wrong: unknown command or option, missing or malformed argument. Exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The command could not do its job for a reason stated in the message. Exit code 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

export const NO_KEY = "no key: set VINFER_PRIVATE_KEY or pass --key-file";

// Reverts the protocol's ABIs do not cover but a command meets: the stake token's (ERC-6093) errors.
const tokenErrorsAbi: Abi = [
  error("ERC20InsufficientBalance", ["address", "uint256", "uint256"]),
  error("ERC20InsufficientAllowance", ["address", "uint256", "uint256"]),
  error("ERC20InvalidSender", ["address"]),
  error("ERC20InvalidReceiver", ["address"]),
  error("ERC20InvalidApprover", ["address"]),
  error("ERC20InvalidSpender", ["address"]),
];

function error(name: string, types: string[]): Abi[number] {
  return { type: "error", name, inputs: types.map((type, i) => ({ type, name: `arg${i}` })) };
}

export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError ? 2 : 1;
}

/** One readable line for anything thrown while running `command` (e.g. "stake deposit"). */
export function describeError(error: unknown, command: string | undefined): string {
  const where = command ?? "vinfer";
  if (error instanceof UsageError || error instanceof CliError) return firstLine(error.message);
  if (error instanceof VinferContractError) return `${where} ${revertText(error)}`;
  if (error instanceof VinferTransactionRevertedError || error instanceof VinferRpcError) return `${where}: ${firstLine(error.shortMessage)}`;
  if (error instanceof VinferError) return firstLine(error.shortMessage);
  if (error instanceof BaseError) return `${where}: ${firstLine(error.shortMessage)}`;
  if (error instanceof Error) return `${where}: ${firstLine(error.message)}`;
  return `${where}: ${firstLine(String(error))}`;
}

/** "reverted: Name(arg, …)", decoding the token's errors too, or "reverted without a reason". */
function revertText(error: VinferContractError): string {
  let { errorName, args } = error;
  if (errorName === undefined && error.data !== undefined && error.data.length >= 10) {
    try {
      const decoded = decodeErrorResult({ abi: tokenErrorsAbi, data: error.data });
      errorName = decoded.errorName;
      args = decoded.args ?? [];
    } catch {
      return `reverted with unknown error data ${error.data.slice(0, 10)}`;
    }
  }
  if (errorName === undefined) return "reverted without a reason";
  return `reverted: ${errorName}(${args.map(formatArg).join(", ")})`;
}

function formatArg(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return value;
  return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v));
}

export function firstLine(text: string): string {
  return text.split("\n").find((line) => line.trim() !== "")?.trim() ?? "unknown error";
}

/** The message of an error a `fetch` threw: its cause's ("connect ECONNREFUSED …") when it has one. */
export function fetchFailure(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") return "no answer in time";
  const cause = error instanceof Error ? (error.cause as { message?: string; code?: string } | undefined) : undefined;
  // fetch never connects to the ports the Fetch standard blocks (1, 7, 9, 11, …, 6000, …)
  if (cause?.message === "bad port") return "fetch refuses to connect to this port (a port the Fetch standard blocks)";
  if (cause?.message) return firstLine(cause.message);
  if (cause?.code) return cause.code;
  return error instanceof Error ? firstLine(error.message) : String(error);
}
