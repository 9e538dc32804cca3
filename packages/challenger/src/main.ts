#!/usr/bin/env node
// Process entry: `node packages/challenger/src/main.ts <config.json>` runs the challenger until SIGINT or SIGTERM.
import { readConfigFile } from "./config.ts";
import { runChallenger } from "./index.ts";
import { errorText } from "./log.ts";

const path = process.argv[2];
if (path === undefined || path === "--help" || path === "-h") {
  process.stderr.write("usage: node packages/challenger/src/main.ts <config.json>\n");
  process.exit(path === undefined ? 2 : 0);
}

try {
  await runChallenger(readConfigFile(path));
} catch (error) {
  process.stderr.write(JSON.stringify({ time: new Date().toISOString(), event: "fatal", error: errorText(error) }) + "\n");
  process.exit(1);
}
