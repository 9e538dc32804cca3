// Everything the command writes goes through here: data as aligned records and tables or as JSON, help
// pages, and error lines. Whatever is written is scrubbed of the signing key first, so that no path — a
// daemon's log record, an error quoting its input — can print it.
import { formatEther } from "viem";

let secrets: string[] = [];

/** Registers the signing key so that no output ever contains it (with or without 0x, any case). */
export function setSecret(key: string): void {
  const bare = key.replace(/^0x/i, "").toLowerCase();
  if (bare.length > 0) secrets = [...new Set([...secrets, bare])];
}

export function redact(text: string): string {
  if (secrets.length === 0) return text;
  let result = text;
  for (const secret of secrets) {
    let at = result.toLowerCase().indexOf(secret);
    while (at !== -1) {
      result = `${result.slice(0, at)}[redacted]${result.slice(at + secret.length)}`;
      at = result.toLowerCase().indexOf(secret);
    }
  }
  return result.replace(/0x\[redacted\]/gi, "[redacted]");
}

/** Writes lines to stdout. */
export function print(text = ""): void {
  process.stdout.write(`${redact(text)}\n`);
}

/** Writes one `vinfer: …` line to stderr. */
export function printError(message: string): void {
  process.stderr.write(`vinfer: ${redact(message)}\n`);
}

/** JSON with bigints as decimal strings: indented, or on one line. */
export function toJson(value: unknown, { oneLine = false }: { oneLine?: boolean } = {}): string {
  return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v), oneLine ? undefined : 2);
}

export function printJson(value: unknown): void {
  print(toJson(value));
}

/** Label/value lines with the values aligned: [["free", "100"], ["locked", "0"]]. */
export function renderRecord(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`.trimEnd()).join("\n");
}

export function printRecord(rows: readonly (readonly [string, string])[]): void {
  print(renderRecord(rows));
}

export type Column<T> = { header: string; value: (row: T) => string; align?: "left" | "right" };

/** A table: a header line and one line per row, columns separated by two spaces. */
export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((line) => line[i].length)));
  const line = (values: string[]) =>
    values
      .map((value, i) => (columns[i].align === "right" ? value.padStart(widths[i]) : value.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...cells.map(line)].join("\n");
}

/** Token units (18 decimals) as tokens: 1500000000000000000n → "1.5". */
export function tokens(amount: bigint | string | number): string {
  return formatEther(BigInt(amount));
}

/** 0x1234…cdef */
export function shortHex(value: string): string {
  return value.length <= 14 ? value : `${value.slice(0, 6)}…${value.slice(-4)}`;
}

/** A unix time as ISO 8601 (UTC, no milliseconds); "-" for 0. */
export function isoTime(seconds: bigint | number | string): string {
  const s = Number(seconds);
  if (s === 0) return "-";
  return new Date(s * 1000).toISOString().replace(".000Z", "Z");
}

export function yesNo(value: boolean): string {
  return value ? "yes" : "no";
}
