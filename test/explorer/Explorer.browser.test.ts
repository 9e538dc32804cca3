// The explorer in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven over the live demo — the
// chain, the indexer serving the explorer at /explorer, the operator daemons and the challenger.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import type { ElementHandle, Page } from "puppeteer-core";
import { parseModel, stepPosition } from "@vinfer/runtime";
import { heldOutInputs } from "@vinfer/runtime/training";
import type { MnistDigits } from "@vinfer/runtime/training";
import { fetchCommitmentData, hexToInt8 } from "@vinfer/sdk";
import type { Hex } from "viem";
import { ask as askIndexer, demoSubjects, fieldsIn, openBrowser, requireChromium, startKeptDemo, WAIT_MS, waitForText, type DemoUrls } from "./browser.ts";

const MODEL = parseModel(readFileSync(new URL("../../models/mnist-mlp.json", import.meta.url), "utf8"));

/** A 32-byte hex id with its last byte changed. */
const tamper = (id: string) => `${id.slice(0, -2)}${((parseInt(id.slice(-2), 16) + 1) % 256).toString(16).padStart(2, "0")}`;

describe("explorer in headless Chromium", function () {
  this.timeout(300_000);

  let demo: Awaited<ReturnType<typeof startKeptDemo>> | undefined;
  let urls: DemoUrls;
  let fraudulent: string[] = [];
  let honestSettled: { requestId: string; operator: string };

  const ask = <T>(query: string): Promise<T> => askIndexer<T>(urls, query);
  const context = () => demo?.context() ?? "";

  before(async function () {
    requireChromium();
    demo = await startKeptDemo();
    urls = demo.urls;
    const subjects = await demoSubjects(urls);
    fraudulent = subjects.fraudulent;
    if (!subjects.honestSettled) throw new Error(`no honest SETTLED inference is indexed${context()}`);
    honestSettled = subjects.honestSettled;
  });

  after(async function () {
    await demo?.stop();
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
    const query = `?rpc=${encodeURIComponent(urls.chain)}${operator ? `&operator=${operator}` : ""}`;
    await page.goto(`${urls.indexer}/explorer/#/inference/${requestId}${query}`, { waitUntil: "domcontentloaded" });
    await page.waitForSelector(".rerun form.rpc button[type=submit]:not([disabled])");
    await page.click(".rerun form.rpc button[type=submit]");
    return rerunOutcome(page);
  }
  async function rerunOutcome(page: Page) {
    await page.waitForSelector(".rerun .message");
    return { verdict: await page.$eval(".rerun .message", (e) => (e.textContent ?? "").trim()), fields: await fieldsIn(page, ".rerun") };
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
      // The weights root the model file is checked against is the registry's, read from the chain.
      expect(first.fields["registered weights root read from"]).to.equal(`the registry on chain (${urls.chain})`);

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
      expect(outcome.fields).to.include({
        "input matches the committed hash": "yes",
        "model matches the registered weights root": "yes",
        "registered weights root read from": `the registry on chain (${urls.chain})`,
      });
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

      // Every other page, and an address that names no page.
      const nobody = `0x${"cd".repeat(20)}`;
      for (const [hash, message] of [
        ["#/dispute/999999", "No dispute #999999 is indexed."],
        ["#/dispute/abc", '"abc" is not a dispute number.'],
        [`#/operator/${nobody}`, `No operator or account ${nobody} is indexed.`],
        [`#/model/${unknown}`, `No model ${unknown} is indexed.`],
        [`#/commitment/${unknown}`, `No commitment ${unknown} is indexed.`],
        ["#/commitment/0x12", '"0x12" is not a commitment id: expected 0x and 64 hex digits.'],
        ["#/receipt/1", 'There is no page "receipt": try an inference, commitment, dispute, operator or model.'],
      ]) {
        await page.goto(`${urls.indexer}/explorer/${hash}`, { waitUntil: "domcontentloaded" });
        expect(await waitForText(page, ".message-error", message.slice(0, 12)), hash).to.equal(message);
      }
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
      const final = await fieldsIn(page, "main");
      expect(final["step proven"]).to.equal(String(proven.step));
      expect(final["neuron re-executed"]).to.equal(named);
      expect(final["outcome"]).to.equal("operator fault");
    } finally {
      await close();
    }
  });

  it("charts an operator's inferences over time by their status on chain", async function () {
    const { inferences } = await ask<{ inferences: { items: { status: string }[] } }>(
      `{ inferences(where: { operator: "${honestSettled.operator}" }, limit: 200) { items { status } } }`,
    );
    const want: Record<string, number> = { SETTLED: 0, PENDING: 0, DISPUTED: 0, FRAUDULENT: 0, VOIDED: 0 };
    for (const i of inferences.items) want[i.status]++;
    const { page, close } = await openBrowser();
    try {
      await page.goto(`${urls.indexer}/explorer/#/operator/${honestSettled.operator}`, { waitUntil: "domcontentloaded" });
      await page.waitForSelector(".activity .legend li");
      const legend = await page.$$eval(".activity .legend li", (items) =>
        Object.fromEntries(items.map((li) => [li.getAttribute("data-status") ?? "", Number(li.querySelector("strong")?.textContent ?? NaN)])),
      );
      // A pending commitment may settle between the two reads: settled may only grow; the total cannot change.
      expect(Object.values(legend).reduce((a, b) => a + b, 0)).to.equal(inferences.items.length);
      expect(legend.FRAUDULENT).to.equal(want.FRAUDULENT);
      expect(legend.SETTLED).to.be.at.least(want.SETTLED);
      const bars = await page.$$eval(".activity svg rect", (rects) => rects.length);
      expect(bars).to.be.greaterThan(0);
      expect(await page.$eval(".activity svg g title", (t) => t.textContent ?? "")).to.match(/: \d+ (settled|pending)/);
    } finally {
      await close();
    }
  });

  it("reads at a phone's width: no page is wider than the screen", async function () {
    const { provenDispute } = await demoSubjects(urls);
    const { models } = await ask<{ models: { items: { id: string }[] } }>(`{ models(limit: 1) { items { id } } }`);
    const { commitments } = await ask<{ commitments: { items: { id: string }[] } }>(`{ commitments(where: { status: SLASHED }, limit: 1) { items { id } } }`);
    const pages = [
      ["home", "#/", "table tbody tr"],
      ["inference", `#/inference/${fraudulent[0]}`, ".verify form.rpc"],
      ["dispute", `#/dispute/${provenDispute}`, "ol.moves li"],
      ["operator", `#/operator/${honestSettled.operator}`, "table tbody tr"],
      ["model", `#/model/${models.items[0].id}`, "table tbody tr"],
      ["commitment", `#/commitment/${commitments.items[0].id}`, "table tbody tr"],
    ] as const;
    const { page, close } = await openBrowser({ width: 390, height: 844 });
    try {
      for (const [name, hash, ready] of pages) {
        await page.goto(`${urls.indexer}/explorer/${hash}`, { waitUntil: "domcontentloaded" });
        await page.waitForSelector(ready);
        const { scrollWidth, innerWidth, wide } = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
          // Elements that stick out of the screen, unless a box around them scrolls (a wide table scrolls in its card).
          wide: [...document.querySelectorAll("main *")]
            .filter((e) => {
              if (e.getBoundingClientRect().right <= window.innerWidth + 1) return false;
              for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
                if (getComputedStyle(p).overflowX !== "visible" && p.getBoundingClientRect().right <= window.innerWidth + 1) return false;
              }
              return true;
            })
            .slice(0, 3)
            .map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
        }));
        expect({ name, scrollWidth, wide }).to.deep.equal({ name, scrollWidth: innerWidth, wide: [] });
      }
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
