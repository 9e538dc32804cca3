// GraphQL Code Generator: checks every query in src/ (template literals marked /* GraphQL */) against the
// indexer's Ponder schema and writes their result and variables types to src/generated/graphql.ts (types only,
// nothing reaches the bundle). Runs before every build; an unknown field or argument fails it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CodegenConfig } from "@graphql-codegen/cli";

// Codegen sees only literals marked /* GraphQL */ and silently drops `${…}` from them (the types would then miss
// what is spliced in), so an unmarked or spliced query fails here instead.
for (const file of readdirSync("src", { recursive: true, encoding: "utf8" })) {
  if (!/\.tsx?$/.test(file) || file.startsWith("generated")) continue;
  const text = readFileSync(join("src", file), "utf8");
  for (const m of text.matchAll(/(\/\* GraphQL \*\/\s*)?`(\s*(?:query|mutation|subscription|fragment)\b[\w\s$:!,=()[\]]*\{[^`]*)`/g)) {
    const line = text.slice(0, m.index).split("\n").length;
    if (!m[1]) throw new Error(`src/${file}:${line}: mark the GraphQL string with /* GraphQL */ so codegen checks it`);
    if (m[2].includes("${")) throw new Error(`src/${file}:${line}: a GraphQL string must be self-contained (no \${…}) for codegen to check it`);
  }
}

const config: CodegenConfig = {
  schema: "../indexer/generated/schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/generated/**"],
  generates: {
    "src/generated/graphql.ts": {
      plugins: ["typescript-operations"],
      config: {
        // What Ponder's JSON carries: BigInt columns as decimal strings, `_meta.status` as any JSON.
        scalars: { BigInt: "string", JSON: "unknown" },
        strictScalars: true,
        enumType: "string-literal",
        useTypeImports: true,
      },
    },
  },
  noSilentErrors: true,
};

export default config;
