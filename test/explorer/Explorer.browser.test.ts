// The explorer in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven over the live demo — the
// chain, the indexer serving the explorer at /explorer, the operator daemons and the challenger.
import { expect } from "chai";
import { existsSync } from "node:fs";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { runLiveDemo, type DemoOutcome, type Stoppable } from "../../scripts/demo/live.ts";

const CHROMIUM = process.env.VINFER_CHROMIUM ?? "/usr/bin/chromium";
const WAIT_MS = 20_000;

type Urls = { chain: string; indexer: string; honest: string; cheater: string };

/** A headless Chromium for one test; `close` stops it through puppeteer, or by its pid when that fails. */
async function openBrowser(): Promise<{ browser: Browser; page: Page; close(): Promise<void> }> {
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--headless=new"] });
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
async function waitForText(page: Page, selector: string, text: string): Promise<string> {
  await page.waitForFunction(
    (sel: string, want: string) => [...document.querySelectorAll(sel)].some((e) => (e.textContent ?? "").includes(want)),
    { timeout: WAIT_MS },
    selector,
    text,
  );
  return page.$$eval(selector, (els, want) => els.map((e) => (e.textContent ?? "").trim()).find((t) => t.includes(want)) ?? "", text);
}

/** A 32-byte hex id with its last byte changed. */
const tamper = (id: string) => `${id.slice(0, -2)}${((parseInt(id.slice(-2), 16) + 1) % 256).toString(16).padStart(2, "0")}`;

describe("explorer in headless Chromium", function () {
  this.timeout(300_000);

  const demoLog: string[] = [];
  const children: Stoppable[] = [];
  let urls: Urls;
  let stop: () => void = () => {};
  let demo: Promise<DemoOutcome> | undefined;
  let fraudulent: string[] = [];
  let honestSettled: { requestId: string; operator: string };

  const ask = async <T>(query: string): Promise<T> => {
    const response = await fetch(`${urls.indexer}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
    const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length || body.data === undefined) throw new Error(`GraphQL answered ${response.status}: ${body.errors?.[0]?.message ?? "no data"}`);
    return body.data;
  };
  const context = () => `\n--- demo log ---\n${demoLog.slice(-40).join("\n")}`;

  before(async function () {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run 'apt-get install -y chromium' (scripts/run.sh test installs it)`);
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const ready = new Promise<Urls>((resolve, reject) => {
      demo = runLiveDemo({ log: (line = "") => demoLog.push(line), keep: true, untilStopped: stopped, children, onReady: resolve });
      demo.catch((error: unknown) => reject(error instanceof Error ? new Error(`${error.message}${context()}`) : error));
    });
    urls = await ready;
    const { inferences } = await ask<{ inferences: { items: { requestId: string }[] } }>(`{ inferences(where: { status: FRAUDULENT }, limit: 20) { items { requestId } } }`);
    fraudulent = inferences.items.map((i) => i.requestId);
    const settled = await ask<{ inferences: { items: { requestId: string; operator: string }[] }; commitments: { items: { operator: string }[] } }>(
      `{ inferences(where: { status: SETTLED }, limit: 100) { items { requestId operator } } commitments(where: { status: SLASHED }, limit: 1) { items { operator } } }`,
    );
    // The cheater is the operator slashed; the honest one's settled inferences are the others.
    const cheater = settled.commitments.items[0]?.operator;
    const honest = settled.inferences.items.find((i) => i.operator !== cheater);
    if (!honest) throw new Error(`no honest SETTLED inference is indexed${context()}`);
    honestSettled = honest;
  });

  after(async function () {
    stop();
    if (demo) await demo.catch(() => undefined);
    // runLiveDemo stops what it started; anything left (a failed start) is stopped here by its pid.
    for (const child of children.splice(0).reverse()) await child.stop();
  });

  it("search finds a fraudulent inference from its request id", async function () {
    const outcome = fraudulent[0];
    expect(outcome, `the demo indexed no FRAUDULENT inference${context()}`).to.be.a("string");
    const { page, close } = await openBrowser();
    try {
      await page.goto(`${urls.indexer}/explorer/#/`, { waitUntil: "domcontentloaded" });
      await page.waitForSelector('form.search input[aria-label="search"]');
      await waitForText(page, ".totals", "fraudulent");
      await page.type('form.search input[aria-label="search"]', outcome);
      await page.click('form.search button[type="submit"]');
      await page.waitForFunction((id: string) => location.hash === `#/inference/${id}`, { timeout: WAIT_MS }, outcome.toLowerCase());
      expect(await waitForText(page, "h1", "Inference")).to.include(outcome.toLowerCase());
      expect(await waitForText(page, ".badge", "fraudulent")).to.equal("fraudulent");
      await page.waitForSelector(".badge-fraudulent");
    } finally {
      await close();
    }
  });

  it("verifies an honest settled inference on chain in the browser", async function () {
    const { page, close } = await openBrowser();
    try {
      await page.goto(`${urls.indexer}/explorer/#/inference/${honestSettled.requestId}?rpc=${encodeURIComponent(urls.chain)}`, { waitUntil: "domcontentloaded" });
      await waitForText(page, ".badge", "settled");
      await page.waitForSelector(".verify form.rpc button[type=submit]");
      expect(await page.$eval(".verify form.rpc input", (e) => (e as HTMLInputElement).value)).to.equal(urls.chain);
      await page.click(".verify form.rpc button[type=submit]");
      const verdict = await waitForText(page, ".verify .message", "Included");
      expect(verdict).to.match(/^✔ Included: /);
      expect(await page.$eval(".verify .message .badge", (e) => (e.textContent ?? "").trim())).to.equal("settled");
      expect(verdict).to.include("(final)");
      expect(await page.$$eval(".verify .message-error", (els) => els.length)).to.equal(0);
    } finally {
      await close();
    }
  });

  it("shows a tampered receipt as not included", async function () {
    const { page, close } = await openBrowser();
    try {
      // A request id with one byte changed is no inference the indexer knows.
      const changed = tamper(honestSettled.requestId.toLowerCase());
      await page.goto(`${urls.indexer}/explorer/#/inference/${changed}`, { waitUntil: "domcontentloaded" });
      expect(await waitForText(page, ".message-error", "No inference")).to.equal(`No inference with request id ${changed} is indexed.`);

      // The true receipt with one byte of its Merkle proof changed, as a lying indexer would serve it: the check in
      // the browser recomputes the root and finds no commitment on chain.
      await page.setRequestInterception(true);
      page.on("request", (request) => {
        if (!request.url().includes("/receipts/")) return void request.continue();
        void (async () => {
          const receipt = (await (await fetch(request.url())).json()) as { proof: string[]; root: string };
          if (receipt.proof.length > 0) receipt.proof[0] = tamper(receipt.proof[0]);
          else receipt.root = tamper(receipt.root);
          await request.respond({ status: 200, contentType: "application/json", body: JSON.stringify(receipt) });
        })().catch(() => request.abort());
      });
      await page.goto(`${urls.indexer}/explorer/#/inference/${honestSettled.requestId}?rpc=${encodeURIComponent(urls.chain)}`, { waitUntil: "domcontentloaded" });
      await page.waitForSelector(".verify form.rpc button[type=submit]");
      await page.click(".verify form.rpc button[type=submit]");
      expect(await waitForText(page, ".verify .message-error", "Not included")).to.match(/^✘ Not included: /);
    } finally {
      await close();
    }
  });

  it("shows an unknown id with a clear message, not a blank page", async function () {
    const { page, close } = await openBrowser();
    try {
      const unknown = `0x${"ab".repeat(32)}`;
      await page.goto(`${urls.indexer}/explorer/#/`, { waitUntil: "domcontentloaded" });
      await page.waitForSelector('form.search input[aria-label="search"]');
      await page.type('form.search input[aria-label="search"]', unknown);
      await page.click('form.search button[type="submit"]');
      expect(await waitForText(page, "form.search .message-error", "No request")).to.equal(`No request, commitment or model ${unknown} is indexed.`);

      await page.goto(`${urls.indexer}/explorer/#/inference/${unknown}`, { waitUntil: "domcontentloaded" });
      expect(await waitForText(page, ".message-error", "No inference")).to.equal(`No inference with request id ${unknown} is indexed.`);

      await page.goto(`${urls.indexer}/explorer/#/inference/0x1234`, { waitUntil: "domcontentloaded" });
      expect(await waitForText(page, ".message-error", "is not a request id")).to.equal(`"0x1234" is not a request id: expected 0x and 64 hex digits.`);
      expect(await page.$eval("header .brand", (e) => (e.textContent ?? "").trim())).to.equal("vinfer explorer");
    } finally {
      await close();
    }
  });
});
