// Builds the explorer into dist/, served by the indexer at /explorer (hence `base`). `vite` (dev) proxies the
// indexer's routes to VINFER_INDEXER_URL (default http://127.0.0.1:42069).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { defineConfig, type Plugin } from "vite";

const indexer = process.env.VINFER_INDEXER_URL ?? "http://127.0.0.1:42069";

/** Prints every emitted JavaScript file's gzipped size and their total once the bundle is written. */
function gzipReport(): Plugin {
  let outDir = "dist";
  return {
    name: "vinfer-gzip-report",
    apply: "build",
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const files: string[] = [];
      const walk = (dir: string) => {
        for (const name of readdirSync(dir)) {
          const path = join(dir, name);
          if (statSync(path).isDirectory()) walk(path);
          else if (name.endsWith(".js")) files.push(path);
        }
      };
      walk(outDir);
      let total = 0;
      for (const file of files) {
        const gz = gzipSync(readFileSync(file), { level: 9 }).length;
        total += gz;
        console.log(`  ${file.slice(outDir.length + 1)}: ${(gz / 1024).toFixed(1)} kB gzipped`);
      }
      console.log(`  JavaScript total: ${(total / 1024).toFixed(1)} kB gzipped (target ≤ 150 kB)`);
    },
  };
}

export default defineConfig({
  base: "/explorer/",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 600 },
  plugins: [gzipReport()],
  server: {
    proxy: Object.fromEntries(["/graphql", "/receipts", "/status", "/ready"].map((path) => [path, indexer])),
  },
});
