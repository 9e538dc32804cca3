// Headless Chromium (Debian's /usr/bin/chromium, or VINFER_CHROMIUM) driven by puppeteer-core, for the explorer's
// browser tests, its benchmark and its screenshots.
import { existsSync } from "node:fs";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { runLiveDemo, type DemoOutcome, type Stoppable } from "../../scripts/demo/live.ts";

export const CHROMIUM = process.env.VINFER_CHROMIUM ?? "/usr/bin/chromium";
export const WAIT_MS = 20_000;

/** Throws a readable error when there is no Chromium to drive. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run 'apt-get install -y chromium' (scripts/run.sh test installs it)`);
}

/** A headless Chromium with one page; `close` stops it through puppeteer, or by its pid when that fails. */
export async function openBrowser({ width = 1280, height = 900 }: { width?: number; height?: number } = {}): Promise<{ browser: Browser; page: Page; close(): Promise<void> }> {
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--headless=new"],
    defaultViewport: { width, height },
  });
  const pid = browser.process()?.pid;
  const close = async () => {
    try {
      await browser.close();
    } catch {
      if (pid !== undefined) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
  };
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(WAIT_MS);
    return { browser, page, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The trimmed text of the first element matching `selector` once one contains `text`. */
export async function waitForText(page: Page, selector: string, text: string): Promise<string> {
  await page.waitForFunction(
    (sel: string, want: string) => [...document.querySelectorAll(sel)].some((e) => (e.textContent ?? "").includes(want)),
    { timeout: WAIT_MS },
    selector,
    text,
  );
  return page.$$eval(selector, (els, want) => els.map((e) => (e.textContent ?? "").trim()).find((t) => t.includes(want)) ?? "", text);
}

/** The `<dt>` → `<dd>` texts of the field lists inside `scope`. */
export function fieldsIn(page: Page, scope: string): Promise<Record<string, string>> {
  return page.$$eval(`${scope} .fields div`, (rows) =>
    Object.fromEntries(rows.map((r) => [(r.querySelector("dt")?.textContent ?? "").trim(), (r.querySelector("dd")?.textContent ?? "").trim()])),
  );
}

export type DemoUrls = { chain: string; indexer: string; honest: string; cheater: string };

/** The live demo (chain, indexer serving the explorer, daemons), kept running once its outcome is in, until `stop`. */
export async function startKeptDemo(): Promise<{ urls: DemoUrls; log: string[]; context(): string; stop(): Promise<void> }> {
  const log: string[] = [];
  const children: Stoppable[] = [];
  const context = () => `\n--- demo log ---\n${log.slice(-40).join("\n")}`;
  let release: () => void = () => {};
  const untilStopped = new Promise<void>((resolve) => (release = resolve));
  let demo: Promise<DemoOutcome> | undefined;
  const stop = async () => {
    release();
    if (demo) await demo.catch(() => undefined);
    // runLiveDemo stops what it started; anything left (a failed start) is stopped here by its pid.
    for (const child of children.splice(0).reverse()) await child.stop();
  };
  try {
    const urls = await new Promise<DemoUrls>((resolve, reject) => {
      demo = runLiveDemo({ log: (line = "") => log.push(line), keep: true, untilStopped, children, onReady: resolve });
      demo.catch((error: unknown) => reject(error instanceof Error ? new Error(`${error.message}${context()}`) : error));
    });
    return { urls, log, context, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A GraphQL query to the demo's indexer; throws with the server's message. */
export async function ask<T>(urls: DemoUrls, query: string): Promise<T> {
  const response = await fetch(`${urls.indexer}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length || body.data === undefined) throw new Error(`GraphQL answered ${response.status}: ${body.errors?.[0]?.message ?? "no data"}`);
  return body.data;
}

/** What the demo left to look at: the cheater's fraudulent inferences, an honest settled one, and a dispute the challenger won by a proven step. */
export async function demoSubjects(urls: DemoUrls) {
  const { inferences } = await ask<{ inferences: { items: { requestId: string }[] } }>(urls, `{ inferences(where: { status: FRAUDULENT }, limit: 20) { items { requestId } } }`);
  const settled = await ask<{ inferences: { items: { requestId: string; operator: string }[] }; commitments: { items: { operator: string }[] } }>(
    urls,
    `{ inferences(where: { status: SETTLED }, limit: 100) { items { requestId operator } } commitments(where: { status: SLASHED }, limit: 1) { items { operator } } }`,
  );
  // The cheater is the operator slashed; the honest one's settled inferences are the others.
  const cheater = settled.commitments.items[0]?.operator;
  const honestSettled = settled.inferences.items.find((i) => i.operator !== cheater);
  const { disputes } = await ask<{ disputes: { items: { id: string; provenStep: number | null }[] } }>(
    urls,
    `{ disputes(where: { status: OPERATOR_FAULT }, orderBy: "id", limit: 20) { items { id provenStep } } }`,
  );
  return { fraudulent: inferences.items.map((i) => i.requestId), honestSettled, provenDispute: disputes.items.find((d) => d.provenStep !== null)?.id };
}
