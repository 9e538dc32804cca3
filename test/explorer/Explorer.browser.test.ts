// The explorer in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven over the live demo — the
// chain, the indexer serving the explorer at /explorer, the operator daemons and the challenger.
import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import puppeteer, { type Browser, type ElementHandle, type Page } from "puppeteer-core";
import { parseModel, stepPosition } from "@vinfer/runtime";
import { heldOutInputs } from "@vinfer/runtime/training";
import type { MnistDigits } from "@vinfer/runtime/training";
import { fetchCommitmentData, hexToInt8 } from "@vinfer/sdk";
import type { Hex } from "viem";
import { runLiveDemo, type DemoOutcome, type Stoppable } from "../../scripts/demo/live.ts";

const CHROMIUM = process.env.VINFER_CHROMIUM ?? "/usr/bin/chromium";
const WAIT_MS = 20_000;
const MODEL = parseModel(readFileSync(new URL("../../models/mnist-mlp.json", import.meta.url), "utf8"));

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

  /** Opens `requestId`'s inference page and re-runs the model in it; returns the verdict and the fields shown. */
  async function rerun(page: Page, requestId: string, operator?: string) {
    const query = operator ? `?operator=${operator}` : "";
    await page.goto(`${urls.indexer}/explorer/#/inference/${requestId}${query}`, { waitUntil: "domcontentloaded" });
    await page.waitForSelector(".rerun form.rpc button[type=submit]:not([disabled])");
    await page.click(".rerun form.rpc button[type=submit]");
    return rerunOutcome(page);
  }
  async function rerunOutcome(page: Page) {
    await page.waitForSelector(".rerun .message");
    return page.$eval(".rerun", (section) => ({
      verdict: (section.querySelector(".message")?.textContent ?? "").trim(),
      fields: Object.fromEntries(
        [...section.querySelectorAll(".fields div")].map((r) => [(r.querySelector("dt")?.textContent ?? "").trim(), (r.querySelector("dd")?.textContent ?? "").trim()]),
      ),
    }));
  }

  it("re-runs the honest inference in the page to its committed output, from the operator's data or a dropped file", async function () {
    const { page, close } = await openBrowser();
    try {
      const first = await rerun(page, honestSettled.requestId, honestSettled.operator);
      expect(first.verdict, JSON.stringify(first)).to.equal("✔ Same output: the operator computed what it committed.");
      expect(first.fields).to.include({
        "input from": "the operator's data endpoint",
        "input matches the committed hash": "yes",
        "model matches the registered weights root": "yes",
      });
      expect(first.fields["output hash here"]).to.equal(first.fields["committed output hash"]);

      // The same input as a file the user drops in: the operator's copy, as the SDK reads it.
      const { inferences } = await ask<{ inferences: { items: { commitmentId: string; leafIndex: number; operatorRecord: { dataUri: string } }[] } }>(
        `{ inferences(where: { requestId: "${honestSettled.requestId}" }, limit: 1) { items { commitmentId leafIndex operatorRecord { dataUri } } } }`,
      );
      const row = inferences.items[0];
      const data = await fetchCommitmentData({ dataURI: row.operatorRecord.dataUri, commitmentId: row.commitmentId as Hex });
      const dir = mkdtempSync(join(tmpdir(), "vinfer-explorer-"));
      try {
        const file = join(dir, "digit.json");
        writeFileSync(file, JSON.stringify({ input: Array.from(hexToInt8(data.items[row.leafIndex].input)) }));
        const chooser = (await page.$(".rerun input[type=file]")) as ElementHandle<HTMLInputElement>;
        await chooser.uploadFile(file);
        await page.waitForFunction(() => (document.querySelector(".rerun .fields")?.textContent ?? "").includes("digit.json"), { timeout: WAIT_MS });
        const dropped = await rerunOutcome(page);
        expect(dropped.fields["input from"]).to.equal("the file digit.json");
        expect(dropped.verdict).to.equal("✔ Same output: the operator computed what it committed.");

        // A file whose input is not the committed one proves nothing either way.
        const other = join(dir, "other.json");
        writeFileSync(other, JSON.stringify(Array.from(hexToInt8(data.items[row.leafIndex].input)).map((v) => (v === 127 ? 126 : v + 1))));
        await chooser.uploadFile(other);
        await page.waitForFunction(() => (document.querySelector(".rerun .fields")?.textContent ?? "").includes("other.json"), { timeout: WAIT_MS });
        const wrong = await rerunOutcome(page);
        expect(wrong.fields["input matches the committed hash"]).to.equal("NO");
        expect(wrong.verdict).to.equal("The input or the model does not match what was committed, so the comparison proves nothing.");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } finally {
      await close();
    }
  });

  it("re-runs the cheater's fraudulent inference in the page to a different output than it committed", async function () {
    expect(fraudulent[0], `the demo indexed no FRAUDULENT inference${context()}`).to.be.a("string");
    const { page, close } = await openBrowser();
    try {
      const outcome = await rerun(page, fraudulent[0]);
      expect(outcome.verdict, JSON.stringify(outcome)).to.equal(
        "✘ Different output: the committed output is not what the model computes on this input (a dispute would prove it).",
      );
      expect(outcome.fields).to.include({ "input matches the committed hash": "yes", "model matches the registered weights root": "yes" });
      expect(outcome.fields["output hash here"]).to.not.equal(outcome.fields["committed output hash"]);
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

  it("draws exactly the rounds that happened on chain and the step the chain re-executed", async function () {
    this.timeout(20_000);
    type Move = { seq: number; kind: string; step: number | null; lo: number | null; hi: number | null };
    const { disputes } = await ask<{ disputes: { items: { id: string; provenStep: number | null; moves: { items: Move[] } }[] } }>(
      `{ disputes(where: { status: OPERATOR_FAULT }, limit: 20) { items { id provenStep moves(orderBy: "seq", orderDirection: "asc", limit: 200) { items { seq kind step lo hi } } } } }`,
    );
    const won = disputes.items.find((d) => d.moves.items.some((m) => m.kind === "STEP") && d.moves.items.some((m) => m.kind === "ANSWER"));
    expect(won, `the demo indexed no dispute the challenger won by a proven step${context()}`).to.not.equal(undefined);
    const moves = won!.moves.items;
    const mids = moves.filter((m) => m.kind === "MID_STATE");
    const answers = moves.filter((m) => m.kind === "ANSWER");
    expect(answers.length, "every midpoint posted on chain is answered").to.equal(mids.length);
    const proven = moves.find((m) => m.kind === "STEP")!;
    expect(proven.step).to.be.a("number");
    const { layer, neuron } = stepPosition(MODEL, proven.step!);

    const { page, close } = await openBrowser();
    try {
      await page.goto(`${urls.indexer}/explorer/#/dispute/${won!.id}`, { waitUntil: "domcontentloaded" });
      await waitForText(page, "h1", `Dispute #${won!.id}`);
      await page.waitForSelector("ol.moves li");
      const drawn = await page.$$eval("ol.moves li", (items) =>
        items.map((li) => ({
          kind: (li.querySelector(".move-head strong")?.textContent ?? "").trim(),
          body: (li.querySelector(".move-body")?.textContent ?? "").trim(),
          interval: (li.querySelector(".interval")?.textContent ?? "").trim(),
        })),
      );
      expect(drawn.length, "one entry per indexed move").to.equal(moves.length);
      const interval = (m: Move) => (m.lo !== null && m.hi !== null ? `[${m.lo}, ${m.hi}]` : "");
      // One round per MID_STATE/ANSWER pair, each with the midpoint and the interval [lo, hi] left after it.
      const rounds = (kind: string) => drawn.filter((d) => d.kind === kind);
      expect(rounds("mid state").map((d) => d.interval)).to.deep.equal(mids.map(interval));
      expect(rounds("answer").map((d) => d.interval)).to.deep.equal(answers.map(interval));
      expect(rounds("answer").map((d) => d.body.match(/^step (\d+):/)?.[1])).to.deep.equal(answers.map((m) => String(m.step)));
      expect(rounds("mid state").map((d) => d.body.match(/^state at step (\d+):/)?.[1])).to.deep.equal(mids.map((m) => String(m.step)));

      // The final step: the step the chain re-executed, i.e. layer `layer`, neuron `neuron` of the model.
      const named = `layer ${layer}, neuron ${neuron} of ${MODEL.layers[layer].outWidth}`;
      const step = rounds("step");
      expect(step.length).to.equal(1);
      expect(step[0].body).to.match(new RegExp(`^step ${proven.step} executed on chain: ${named}, computed output -?\\d+, state `));
      const final = Object.fromEntries(
        await page.$$eval(".fields div", (rows) => rows.map((r) => [(r.querySelector("dt")?.textContent ?? "").trim(), (r.querySelector("dd")?.textContent ?? "").trim()])),
      );
      expect(final["step proven"]).to.equal(String(proven.step));
      expect(final["neuron re-executed"]).to.equal(named);
      expect(final["outcome"]).to.equal("operator fault");
    } finally {
      await close();
    }
  });

  it("shows in the live feed a commitment made after the page was opened", async function () {
    this.timeout(20_000);
    const { models } = await ask<{ models: { items: { id: string }[] } }>(`{ models(limit: 1) { items { id } } }`);
    const modelId = models.items[0]?.id;
    expect(modelId, `no model is indexed${context()}`).to.be.a("string");
    const { page, close } = await openBrowser();
    try {
      await page.goto(`${urls.indexer}/explorer/#/`, { waitUntil: "domcontentloaded" });
      await waitForText(page, ".totals", "commitments");
      // A mark on the window: it is gone if the page reloads.
      await page.evaluate(() => Object.assign(window, { vinferMark: true }));

      // A held-out digit the demo's client did not send (it sent the first 48).
      const mnist = heldOutInputs(createRequire(import.meta.url)("mnist") as MnistDigits);
      const response = await fetch(`${urls.honest}/v1/infer`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ modelId, input: Array.from(mnist.inputs[100]) }),
      });
      expect(response.ok, `${urls.honest}/v1/infer answered ${response.status}`).to.equal(true);
      const requestId = ((await response.json()) as { requestId: string }).requestId.toLowerCase();
      const sent = Date.now();

      let commitmentId: string | undefined;
      while (commitmentId === undefined && Date.now() - sent < 12_000) {
        const { inferences } = await ask<{ inferences: { items: { commitmentId: string }[] } }>(`{ inferences(where: { requestId: "${requestId}" }, limit: 1) { items { commitmentId } } }`);
        commitmentId = inferences.items[0]?.commitmentId.toLowerCase();
        if (commitmentId === undefined) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(commitmentId, `request ${requestId} was not committed within 12 s${context()}`).to.be.a("string");

      const shown = (id: string) =>
        page.waitForFunction((want: string) => [...document.querySelectorAll("[title]")].some((e) => e.getAttribute("title")?.toLowerCase() === want), { timeout: 15_000 }, id);
      await shown(commitmentId!);
      await shown(requestId);
      expect(await page.evaluate(() => (window as unknown as { vinferMark?: boolean }).vinferMark)).to.equal(true);
    } finally {
      await close();
    }
  });
});
