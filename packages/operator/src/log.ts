// Structured logs: one record per event with its time, level and fields, handed to the configured sink or
// written as one JSON line on stdout. Callers pass fields explicitly; nothing logs the configuration whole,
// so the key never reaches a log.
import { BaseError } from "viem";

export type Level = "debug" | "info" | "warn" | "error";

export type Logger = {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
};

/** A JSON-safe value: bigints as decimal strings, typed arrays as arrays. */
function plain(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Error) return errorText(value);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** One readable line for an error (viem's short message when there is one). */
export function errorText(error: unknown): string {
  if (error instanceof BaseError) return error.shortMessage;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function createLogger(sink: ((record: Record<string, unknown>) => void) | undefined): Logger {
  const write =
    sink ??
    ((record: Record<string, unknown>) => {
      if (record.level !== "debug") process.stdout.write(`${JSON.stringify(record)}\n`);
    });
  const emit = (level: Level, event: string, fields: Record<string, unknown> = {}) => {
    const record: Record<string, unknown> = { time: new Date().toISOString(), level, event };
    for (const [key, value] of Object.entries(fields)) record[key] = plain(value);
    try {
      write(record);
    } catch {
      // a failing log sink must not stop the daemon
    }
  };
  return {
    debug: (event, fields) => emit("debug", event, fields),
    info: (event, fields) => emit("info", event, fields),
    warn: (event, fields) => emit("warn", event, fields),
    error: (event, fields) => emit("error", event, fields),
  };
}
