#!/usr/bin/env node
// The `vinfer` command: finds the command in the arguments, parses its options (node:util parseArgs),
// merges them with the environment and the config file, runs it, and turns any failure into one line on
// stderr with exit code 2 (the command line is wrong) or 1 (anything else).
import { realpathSync } from "node:fs";
import module from "node:module";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { CommandSpec, GroupSpec, OptionSpec, OptionValues } from "./config.ts";

// Every command loads viem, the SDK and the runtime: keep their compiled code between runs (Node's compile
// cache, in the system's temporary directory), which the modules below can use because they load after this.
module.enableCompileCache?.();
const { createContext, GLOBAL_OPTIONS, JSON_OPTION, loadConfigFile, resolveSettings } = await import("./config.ts");
const { describeError, exitCodeOf, UsageError } = await import("./errors.ts");
const { print, printError, setSecret } = await import("./output.ts");
const { checkCommands } = await import("./commands/check.ts");
const { daemonCommands } = await import("./commands/daemons.ts");
const { modelCommands } = await import("./commands/model.ts");
const { queryCommands } = await import("./commands/query.ts");
const { receiptCommands } = await import("./commands/receipt.ts");
const { reserveCommands } = await import("./commands/reserve.ts");
const { stakeCommands } = await import("./commands/stake.ts");

const GROUPS: GroupSpec[] = [
  { name: "model", summary: "register and show models", commands: modelCommands },
  { name: "stake", summary: "deposit, withdraw, inspect and claim stake", commands: stakeCommands },
  { name: "reserve", summary: "fund and release the operator's bond reserve", commands: reserveCommands },
  { name: "receipt", summary: "fetch an inference's receipt and verify it on chain", commands: receiptCommands },
];
/** Commands that are a single word. */
const SINGLES: CommandSpec[] = [...daemonCommands, ...checkCommands, ...queryCommands];
export const COMMANDS: CommandSpec[] = [...GROUPS.flatMap((group) => group.commands), ...SINGLES];

const ROOT_EXAMPLES = [
  "vinfer stake deposit 100 --key-file operator.key",
  "vinfer stake status 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --json",
  "vinfer receipt verify 0x9a0c… --indexer-url http://127.0.0.1:42069",
];

// ── help ──────────────────────────────────────────────────────────────────────────────────────────────

function argsUsage(command: CommandSpec): string {
  return (command.args ?? []).map((arg) => (arg.optional ? `[${arg.name}]` : `<${arg.name}>`)).join(" ");
}

function optionLabel(name: string, spec: OptionSpec): string {
  const flag = name === "help" ? "-h, --help" : `--${name}`;
  return spec.value === undefined ? flag : `${flag} ${spec.value}`;
}

function columns(rows: [string, string][], indent = "  "): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}  ${right}`);
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  return columns(Object.entries(options).map(([name, spec]) => [optionLabel(name, spec), spec.description]));
}

function commandLines(commands: CommandSpec[]): string[] {
  return columns(commands.map((command) => [`${command.name} ${argsUsage(command)}`.trimEnd(), command.summary]));
}

function rootHelp(): string {
  return [
    "vinfer: verifiable AI inference from the command line",
    "",
    "Usage: vinfer <command> [arguments] [options]",
    "",
    "Commands:",
    ...commandLines(COMMANDS),
    "",
    "Global options (every command):",
    ...optionLines({ ...GLOBAL_OPTIONS, json: { type: "boolean", description: "print data as JSON (the commands that print data)" } }),
    "",
    "Settings come from flags, then the environment, then the config file, then the defaults.",
    "",
    "Examples:",
    ...ROOT_EXAMPLES.map((example) => `  ${example}`),
    "",
    'Run "vinfer <command> --help" for a command\'s arguments, options and an example.',
  ].join("\n");
}

function groupHelp(group: GroupSpec): string {
  return [
    `vinfer ${group.name}: ${group.summary}`,
    "",
    `Usage: vinfer ${group.name} <command> [arguments] [options]`,
    "",
    "Commands:",
    ...commandLines(group.commands),
    "",
    "Examples:",
    ...group.commands.map((command) => `  ${command.examples[0]}`),
    "",
    `Run "vinfer ${group.name} <command> --help" for a command's arguments and options.`,
  ].join("\n");
}

function commandHelp(command: CommandSpec): string {
  const own = { ...(command.options ?? {}), ...(command.json ? { json: JSON_OPTION } : {}) };
  const args = command.args ?? [];
  return [
    `vinfer ${command.name}: ${command.summary}`,
    "",
    `Usage: vinfer ${[command.name, argsUsage(command), "[options]"].filter(Boolean).join(" ")}`,
    ...(command.description ? ["", ...command.description] : []),
    ...(args.length > 0 ? ["", "Arguments:", ...columns(args.map((arg) => [arg.optional ? `[${arg.name}]` : `<${arg.name}>`, arg.description]))] : []),
    ...(Object.keys(own).length > 0 ? ["", "Options:", ...optionLines(own)] : []),
    "",
    "Global options:",
    ...optionLines(GLOBAL_OPTIONS),
    "",
    command.examples.length === 1 ? "Example:" : "Examples:",
    ...command.examples.map((example) => `  ${example}`),
  ].join("\n");
}

// ── finding the command ───────────────────────────────────────────────────────────────────────────────

/** Options that take a value, anywhere: their values are not command words. */
const VALUED = new Set(
  [GLOBAL_OPTIONS, ...COMMANDS.map((command) => command.options ?? {})].flatMap((options) =>
    Object.entries(options)
      .filter(([, spec]) => spec.type === "string")
      .map(([name]) => name),
  ),
);

type Found =
  | { kind: "root" }
  | { kind: "group"; group: GroupSpec }
  | { kind: "command"; command: CommandSpec; rest: string[] };

/** The command the words of `argv` name, and `argv` without those words; whether help was asked for. */
function findCommand(argv: string[]): { found: Found; help: boolean } {
  let help = false;
  const words: number[] = []; // positions of the command's words (and of a leading "help")
  const names: string[] = []; // the command's words
  let wanted = 1;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === "--") break;
    if (token === "-h" || token === "--help") {
      help = true;
      continue;
    }
    if (token.startsWith("--")) {
      if (!token.includes("=") && VALUED.has(token.slice(2))) i++;
      continue;
    }
    if (token.startsWith("-") && token !== "-") continue;
    if (names.length >= wanted) continue; // the command's own arguments
    words.push(i);
    // `vinfer help stake deposit` is `vinfer stake deposit --help`
    if (words.length === 1 && token === "help") {
      help = true;
      continue;
    }
    names.push(token);
    if (names.length === 1 && GROUPS.some((group) => group.name === token)) wanted = 2;
  }
  const rest = argv.filter((_, i) => !words.includes(i));
  if (names.length === 0) return { found: { kind: "root" }, help };
  const group = GROUPS.find((g) => g.name === names[0]);
  if (group !== undefined) {
    if (names.length === 1) return { found: { kind: "group", group }, help };
    const command = group.commands.find((c) => c.name === `${group.name} ${names[1]}`);
    if (command === undefined) throw new UsageError(`unknown command "${group.name} ${names[1]}" (see vinfer ${group.name} --help)`);
    return { found: { kind: "command", command, rest }, help };
  }
  const command = SINGLES.find((c) => c.name === names[0]);
  if (command === undefined) throw new UsageError(`unknown command "${names[0]}" (see vinfer --help)`);
  return { found: { kind: "command", command, rest }, help };
}

/** parseArgs over the command's and the global options, with its errors rephrased as usage errors. */
function parseOptions(command: CommandSpec, args: string[]): { values: OptionValues; positionals: string[] } {
  const specs: Record<string, OptionSpec> = { ...GLOBAL_OPTIONS, ...(command.options ?? {}), ...(command.json ? { json: JSON_OPTION } : {}) };
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [name, { type: spec.type, multiple: spec.multiple ?? false, ...(name === "help" ? { short: "h" } : {}) }]),
  );
  const see = `(see vinfer ${command.name} --help)`;
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const option = /'(-[^' ]*)/.exec(message)?.[1] ?? "";
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") throw new UsageError(`unknown option "${option}" for vinfer ${command.name} ${see}`);
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      if (message.includes("does not take an argument")) throw new UsageError(`option ${option} takes no value ${see}`);
      throw new UsageError(`option ${option} needs a value ${see}`);
    }
    throw new UsageError(`${message.split("\n")[0]} ${see}`);
  }
  const specArgs = command.args ?? [];
  const { positionals } = parsed;
  if (positionals.length > specArgs.length) throw new UsageError(`unexpected argument "${positionals[specArgs.length]}" for vinfer ${command.name} ${see}`);
  const missing = specArgs.slice(positionals.length).find((arg) => !arg.optional);
  if (missing !== undefined) throw new UsageError(`vinfer ${command.name} needs <${missing.name}> ${see}`);
  return { values: parsed.values as OptionValues, positionals };
}

// ── running it ────────────────────────────────────────────────────────────────────────────────────────

/** Runs `vinfer <argv…>`; resolves to the exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Promise<number> {
  let running: CommandSpec | undefined;
  try {
    if (env.VINFER_PRIVATE_KEY) setSecret(env.VINFER_PRIVATE_KEY.trim());
    const { found, help } = findCommand(argv);
    if (found.kind === "root") {
      print(rootHelp());
      return 0;
    }
    if (found.kind === "group") {
      print(groupHelp(found.group));
      return 0;
    }
    const { command, rest } = found;
    if (help) {
      print(commandHelp(command));
      return 0;
    }
    running = command;
    const { values, positionals } = parseOptions(command, rest);
    const explicit = (values.config as string | undefined) ?? (env.VINFER_CONFIG?.trim() || undefined);
    const config = loadConfigFile(explicit, cwd);
    const { settings, options } = resolveSettings(command, values, env, config, COMMANDS.map((c) => c.name));
    const ctx = createContext(command.name, settings, env);
    return (await command.run(ctx, { args: positionals, options })) ?? 0;
  } catch (error) {
    printError(describeError(error, running?.name));
    return exitCodeOf(error);
  }
}

function isEntryPoint(): boolean {
  if (process.argv[1] === undefined) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // Whatever escapes a command (an error in a callback, a rejected promise nobody awaited) is one line too.
  const fail = (error: unknown) => {
    printError(describeError(error, undefined));
    process.exit(1);
  };
  process.on("uncaughtException", fail);
  process.on("unhandledRejection", fail);
  // A reader that stopped reading (`vinfer inferences | head -1`) is not an error.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" ? process.exit(process.exitCode ?? 0) : fail(error)));
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
}
