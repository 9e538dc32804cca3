// The explorer: static files from its build, with index.html for paths that name no file (its pages are hash
// routes, so any /explorer/… address a user shares lands on the app). Hashed assets are cached for good; text
// files go gzipped to clients that accept it, each compressed once.
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { Context } from "hono";

const explorerDir = resolve(process.env.VINFER_EXPLORER_DIR ?? fileURLToPath(new URL("../../../explorer/dist", import.meta.url)));
const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
};
const compressible = new Set([".html", ".js", ".mjs", ".css", ".json", ".map", ".svg", ".wasm", ".txt"]);

type File = { bytes: Buffer; mtimeMs: number };
/** Gzipped copies by path, valid while the file's mtime and size are unchanged. */
const gzipped = new Map<string, { mtimeMs: number; size: number; bytes: Buffer }>();

const readExplorerFile = async (path: string): Promise<File | undefined> => {
  try {
    const info = await stat(path);
    return info.isFile() ? { bytes: await readFile(path), mtimeMs: info.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
};

const acceptsGzip = (c: Context) => /\bgzip\b/i.test(c.req.header("accept-encoding") ?? "");

function respond(c: Context, path: string, file: File, cacheControl: string): Response {
  const ext = extname(path).toLowerCase();
  const headers: Record<string, string> = { "content-type": contentTypes[ext] ?? "application/octet-stream", "cache-control": cacheControl };
  if (!compressible.has(ext)) return new Response(new Uint8Array(file.bytes), { headers });
  headers.vary = "accept-encoding";
  if (!acceptsGzip(c)) return new Response(new Uint8Array(file.bytes), { headers });
  let copy = gzipped.get(path);
  if (copy === undefined || copy.mtimeMs !== file.mtimeMs || copy.size !== file.bytes.length) {
    copy = { mtimeMs: file.mtimeMs, size: file.bytes.length, bytes: gzipSync(file.bytes, { level: 9 }) };
    gzipped.set(path, copy);
  }
  return new Response(new Uint8Array(copy.bytes), { headers: { ...headers, "content-encoding": "gzip" } });
}

/** GET /explorer and /explorer/*. */
export async function serveExplorer(c: Context): Promise<Response> {
  const index = join(explorerDir, "index.html");
  const page = await readExplorerFile(index);
  if (page === undefined) {
    return c.text(`the explorer is not built: no ${index}. Run \`pnpm build\` (or \`pnpm --filter @vinfer/explorer build\`) at the repository root.`, 404);
  }
  let relative: string;
  try {
    relative = decodeURIComponent(c.req.path.replace(/^\/explorer\/?/, ""));
  } catch {
    return c.text("malformed path", 400);
  }
  const path = normalize(join(explorerDir, relative));
  if (relative !== "" && path.startsWith(explorerDir + sep)) {
    const file = await readExplorerFile(path);
    if (file !== undefined) {
      const immutable = path.startsWith(join(explorerDir, "assets") + sep);
      return respond(c, path, file, immutable ? "public, max-age=31536000, immutable" : "no-cache");
    }
    // A missing build asset is a 404, not the page: a browser would try to run HTML as a script.
    if (relative.startsWith("assets/")) return c.text(`no ${c.req.path} in the explorer's build`, 404);
  }
  return respond(c, index, page, "no-cache");
}
