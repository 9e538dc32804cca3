// One error family for the SDK, in viem's style: a short message a CLI can print on one line, the viem
// error underneath as `cause`, and for reverts the contract's custom error decoded by name and arguments.
import { BaseError, ContractFunctionRevertedError, decodeErrorResult, isHex, type Abi, type Address, type Hex } from "viem";

export type VinferErrorParameters = { cause?: unknown; details?: string; metaMessages?: string[] };

/** Base class of every error the SDK throws. `shortMessage` is one readable line. */
export class VinferError extends BaseError {
  constructor(shortMessage: string, { cause, details, metaMessages }: VinferErrorParameters = {}) {
    super(shortMessage, {
      cause: cause instanceof Error ? cause : undefined,
      details: details ?? (cause instanceof BaseError ? undefined : cause instanceof Error ? cause.message : undefined),
      metaMessages,
      name: "VinferError",
    });
  }
}

/** A contract call reverted; `errorName` and `args` are its custom error, decoded against the protocol's ABIs. */
export class VinferContractError extends VinferError {
  readonly contract: Address;
  readonly functionName: string;
  /** The custom error's name (e.g. `LedgerChallengeWindowClosed`), `Error` for a revert string, `Panic`, or undefined when the revert carried no data. */
  readonly errorName: string | undefined;
  readonly args: readonly unknown[];
  readonly data: Hex | undefined;

  constructor(params: {
    contract: Address;
    functionName: string;
    errorName: string | undefined;
    args: readonly unknown[];
    data?: Hex;
    cause?: unknown;
  }) {
    const what = params.errorName === undefined ? "reverted without a reason" : `reverted: ${params.errorName}(${params.args.map(formatArg).join(", ")})`;
    super(`${params.functionName} ${what}`, { cause: params.cause });
    this.name = "VinferContractError";
    this.contract = params.contract;
    this.functionName = params.functionName;
    this.errorName = params.errorName;
    this.args = params.args;
    this.data = params.data;
  }
}

/** A transaction was mined but reverted (the simulation before it passed: the state changed in between). */
export class VinferTransactionRevertedError extends VinferError {
  readonly hash: Hex;
  constructor({ functionName, hash }: { functionName: string; hash: Hex }) {
    super(`${functionName} was mined but reverted (${hash})`);
    this.name = "VinferTransactionRevertedError";
    this.hash = hash;
  }
}

/** The node could not be reached or answered with something other than a contract revert. */
export class VinferRpcError extends VinferError {
  constructor(what: string, cause: unknown) {
    const reason = cause instanceof BaseError ? cause.shortMessage : cause instanceof Error ? cause.message : String(cause);
    super(`${what} failed: ${firstLine(reason)}`, { cause });
    this.name = "VinferRpcError";
  }
}

/** Converts anything thrown by a viem call on `contract.functionName` into a VinferError. */
export function toVinferError(
  error: unknown,
  { contract, functionName, abi }: { contract: Address; functionName: string; /** errors to decode raw revert data with */ abi?: Abi },
): VinferError {
  if (error instanceof VinferError) return error;
  if (error instanceof BaseError) {
    const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (revert instanceof ContractFunctionRevertedError) {
      const errorName = revert.data?.errorName ?? (revert.reason !== undefined ? "Error" : undefined);
      const args = revert.data?.args ?? (revert.reason !== undefined ? [revert.reason] : []);
      return new VinferContractError({ contract, functionName, errorName, args, data: revert.raw, cause: error });
    }
  }
  // Some providers (an in-process Hardhat network among them) answer a reverted call with an error viem does not
  // recognise as a revert, carrying the revert data further down the cause chain.
  const data = abi === undefined ? undefined : revertData(error);
  if (data !== undefined) {
    try {
      const decoded = decodeErrorResult({ abi: abi!, data });
      return new VinferContractError({ contract, functionName, errorName: decoded.errorName, args: decoded.args ?? [], data, cause: error });
    } catch {
      // not one of the given errors: reported as the RPC failure it is
    }
  }
  return new VinferRpcError(functionName, error);
}

/** The first hex `data` of at least a selector's length along the cause chain. */
function revertData(error: unknown): Hex | undefined {
  for (let e = error, depth = 0; typeof e === "object" && e !== null && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const data = (e as { data?: unknown }).data;
    if (typeof data === "string" && isHex(data) && data.length >= 10) return data;
  }
  return undefined;
}

function formatArg(value: unknown): string {
  return typeof value === "bigint" ? value.toString() : typeof value === "string" ? value : JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v));
}

function firstLine(text: string): string {
  return text.split("\n")[0].trim();
}
