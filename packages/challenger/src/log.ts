// Structured logs: one JSON object per line, bigints as decimal strings, errors as their one-line message.
import { BaseError } from "viem";

export type LogRecord = Record<string, unknown>;
export type Logger = (record: LogRecord) => void;

const replacer = (_: string, value: unknown) => (typeof value === "bigint" ? value.toString() : value);

/** The default sink: a JSON line on stdout with the time first. */
export function jsonLines(record: LogRecord): void {
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), ...record }, replacer) + "\n");
}

/** One readable line for anything thrown. */
export function errorText(error: unknown): string {
  if (error instanceof BaseError) return error.shortMessage;
  if (error instanceof Error) return error.message.split("\n")[0];
  return String(error);
}

/** The custom error a contract reverted with, when the SDK decoded one. */
export function revertName(error: unknown): string | undefined {
  const name = (error as { errorName?: unknown } | null)?.errorName;
  return typeof name === "string" ? name : undefined;
}
