// Process entry: `node packages/operator/src/main.ts <config.json>` runs the operator daemon with the
// OperatorConfig in the file (relative modelPath and dataDir are taken from the file's directory) until
// SIGINT or SIGTERM. Exits 1 with a one-line reason when it cannot start, 2 on a usage error.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { runOperator, type OperatorConfig } from "./index.ts";
import { errorText } from "./log.ts";

const path = process.argv[2];
if (path === undefined || process.argv.length > 3) {
  process.stderr.write("usage: node packages/operator/src/main.ts <config.json>\n");
  process.exit(2);
}

let config: OperatorConfig;
try {
  config = JSON.parse(readFileSync(path, "utf8")) as OperatorConfig;
} catch (error) {
  process.stderr.write(`vinfer operator: cannot read the configuration ${path}: ${(error as Error).message}\n`);
  process.exit(2);
}
if (typeof config !== "object" || config === null) {
  process.stderr.write(`vinfer operator: ${path} must hold a JSON object\n`);
  process.exit(2);
}
const base = dirname(resolve(path));
if (typeof config.modelPath === "string") config.modelPath = resolve(base, config.modelPath);
if (typeof config.dataDir === "string") config.dataDir = resolve(base, config.dataDir);

try {
  await runOperator(config);
  process.exit(0);
} catch (error) {
  process.stderr.write(`vinfer operator: ${errorText(error)}\n`);
  process.exit(1);
}
