/**
 * The explorer in headless Chromium (Debian's) on loopback, over the live demo (chain, indexer serving the
 * explorer, daemons) once its outcome is in. Writes bench/results/explorer.json.
 *
 *  - jsGzipBytes: every JavaScript file of the build (explorer/dist), gzipped at level 9 as the indexer sends
 *    it; beside it, the bytes the browser actually received for JavaScript on a cold home page load;
 *  - homeLoadMs / inferenceLoadMs: from navigation start to the moment the page is usable, recorded in the page
 *    by a MutationObserver installed before any script runs. Home is usable when the search box, the
 *    protocol totals and the live feed's first rows are drawn; an inference page when its heading, status
 *    badge, receipt and an enabled "verify on chain" button are. Cold: a fresh browser context (empty cache)
 *    per load; warm: the same page loaded again in that context (assets from the cache). Median of RUNS;
 *  - verifyMs: "verify on chain" from the click to the verdict drawn (the SDK's verifyReceipt against the
 *    chain's RPC: chain id, getCommitment, inferenceStatus), on a freshly loaded page. Median of RUNS;
 *  - rerunMs: "re-run the model" with the model file already fetched and parsed in the page, from the click
 *    to the verdict drawn (the input fetched from the operator's data endpoint and hashed, the model run, the
 *    output hashed and compared). The first re-run of each page (fetching the model file) is reported apart.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Page } from "puppeteer-core";
import { demoSubjects, openBrowser, requireChromium, startKeptDemo, type DemoUrls } from "../test/explorer/browser.ts";
import { root } from "../test/indexer/harness.ts";

const RUNS = 9;
const TARGETS = { jsGzipBytes: 150 * 1024, homeLoadMs: 1_000, inferenceLoadMs: 1_000, verifyMs: 300, rerunMs: 100 };

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const medians = (rows: Record<string, number>[]) => Object.fromEntries(Object.keys(rows[0] ?? {}).map((k) => [k, round(median(rows.map((r) => r[k])))]));
const stats = (xs: number[]) => ({ median: round(median(xs)), min: round(Math.min(...xs)), max: round(Math.max(...xs)), runs: xs.map((x) => round(x)) });

/** Installed before the page's scripts: records performance.now() the first time `usable` holds. */
function recordUsable(page: Page, usable: string) {
  return page.evaluateOnNewDocument((condition: string) => {
    const check = new Function(`return (${condition})`) as () => boolean;
    const observer = new MutationObserver(() => {
      if ((window as unknown as { vinferUsableAt?: number }).vinferUsableAt === undefined && check()) {
        (window as unknown as { vinferUsableAt?: number }).vinferUsableAt = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  }, usable);
}

const HOME_USABLE = `!!document.querySelector('form.search input[aria-label="search"]') && (document.querySelector('.totals')?.textContent ?? '').includes('commitments') && document.querySelectorAll('table tbody tr').length > 0`;
const INFERENCE_USABLE = `/Inference/.test(document.querySelector('h1')?.textContent ?? '') && !!document.querySelector('.fields .badge') && !!document.querySelector('.verify form.rpc button[type=submit]:not([disabled])')`;

/** Loads `url` cold (new context) and then warm (again in the same context); returns both times to usable. */
async function loadTimes(browser: Awaited<ReturnType<typeof openBrowser>>["browser"], url: string, usable: string, jsBytes?: number[]) {
  const context = await browser.createBrowserContext();
  try {
    const page = await context.newPage();
    await recordUsable(page, usable);
    let js = 0;
    const cdp = await page.createCDPSession();
    const scripts = new Set<string>();
    await cdp.send("Network.enable");
    cdp.on("Network.responseReceived", (e) => {
      if (e.type === "Script") scripts.add(e.requestId);
    });
    cdp.on("Network.loadingFinished", (e) => {
      if (scripts.has(e.requestId)) js += e.encodedDataLength;
    });
    const usableAt = async () => {
      await page.waitForFunction(() => (window as unknown as { vinferUsableAt?: number }).vinferUsableAt !== undefined, { timeout: 20_000 });
      return page.evaluate(() => (window as unknown as { vinferUsableAt: number }).vinferUsableAt);
    };
    await page.goto(url, { waitUntil: "domcontentloaded" });
    const cold = await usableAt();
    jsBytes?.push(js);
    // Where the cold load's time went: the script's arrival, DOMContentLoaded, the indexer's answers.
    const phases = await page.evaluate(() => {
      const resources = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
      const scripts = resources.filter((r) => r.initiatorType === "script" || r.name.endsWith(".js"));
      const api = resources.filter((r) => /\/(graphql|receipts\/)/.test(r.name));
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
      return {
        scriptsLoadedMs: Math.max(0, ...scripts.map((r) => r.responseEnd)),
        domContentLoadedMs: nav?.domContentLoadedEventEnd ?? 0,
        firstApiRequestMs: api.length ? Math.min(...api.map((r) => r.startTime)) : 0,
        firstApiAnswerMs: api.length ? Math.min(...api.map((r) => r.responseEnd)) : 0,
        apiRequestsBeforeUsable: api.filter((r) => r.responseEnd <= (window as unknown as { vinferUsableAt: number }).vinferUsableAt).length,
      };
    });
    await page.goto("about:blank");
    await page.goto(url, { waitUntil: "domcontentloaded" });
    const warm = await usableAt();
    return { cold, warm, phases };
  } finally {
    await context.close();
  }
}

/** Clicks `button` and resolves with the ms until `done` holds after the old verdict (if any) is gone. */
function clickToVerdict(page: Page, button: string, verdict: string): Promise<number> {
  return page.evaluate(
    (buttonSelector: string, verdictSelector: string) =>
      new Promise<number>((resolve, reject) => {
        const target = document.querySelector<HTMLButtonElement>(buttonSelector);
        if (!target) return reject(new Error(`no ${buttonSelector}`));
        let cleared = document.querySelector(verdictSelector) === null;
        const start = performance.now();
        const observer = new MutationObserver(() => {
          const shown = document.querySelector(verdictSelector) !== null;
          if (!shown) cleared = true;
          else if (cleared) {
            observer.disconnect();
            resolve(performance.now() - start);
          }
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        setTimeout(() => reject(new Error(`no ${verdictSelector} within 20 s`)), 20_000);
        target.click();
      }),
    button,
    verdict,
  );
}

requireChromium();
const load1m = loadavg()[0];
const startedAt = performance.now();
console.log("running the demo until its outcome is in (about a minute), then measuring in headless Chromium…");
const demo = await startKeptDemo();
const { browser, page, close } = await openBrowser();
try {
  const urls: DemoUrls = demo.urls;
  const subjects = await demoSubjects(urls);
  if (!subjects.honestSettled) throw new Error(`the demo left no honest settled inference${demo.context()}`);
  const { requestId, operator } = subjects.honestSettled;
  const rpc = encodeURIComponent(urls.chain);
  const home = `${urls.indexer}/explorer/#/`;
  const inference = `${urls.indexer}/explorer/#/inference/${requestId}?operator=${operator}&rpc=${rpc}`;

  // The build as shipped.
  const assets = join(root, "explorer", "dist", "assets");
  const files = readdirSync(assets).filter((f) => f.endsWith(".js"));
  const perFile = Object.fromEntries(files.map((f) => [f, gzipSync(readFileSync(join(assets, f)), { level: 9 }).length]));
  const jsGzipBytes = Object.values(perFile).reduce((a, b) => a + b, 0);

  // Page loads.
  const homeJs: number[] = [];
  const homePhases: Record<string, number>[] = [];
  const inferencePhases: Record<string, number>[] = [];
  const homeCold: number[] = [];
  const homeWarm: number[] = [];
  const inferenceCold: number[] = [];
  const inferenceWarm: number[] = [];
  await loadTimes(browser, home, HOME_USABLE); // the first Chromium context pays its own start-up
  for (let i = 0; i < RUNS; i++) {
    const h = await loadTimes(browser, home, HOME_USABLE, homeJs);
    homeCold.push(h.cold);
    homePhases.push(h.phases);
    homeWarm.push(h.warm);
    const f = await loadTimes(browser, inference, INFERENCE_USABLE);
    inferenceCold.push(f.cold);
    inferencePhases.push(f.phases);
    inferenceWarm.push(f.warm);
  }

  // Verify on chain and re-run, each on a freshly loaded page.
  const verify: number[] = [];
  const rerunFirst: number[] = [];
  const rerun: number[] = [];
  const rerunInfer: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await page.goto("about:blank");
    await page.goto(inference, { waitUntil: "domcontentloaded" });
    await page.waitForSelector(".verify form.rpc button[type=submit]:not([disabled])");
    verify.push(await clickToVerdict(page, ".verify form.rpc button[type=submit]", ".verify .message"));
    const verdict = await page.$eval(".verify .message", (e) => (e.textContent ?? "").trim());
    if (!verdict.startsWith("✔ Included")) throw new Error(`verify said: ${verdict}`);

    await page.waitForSelector(".rerun form.rpc button[type=submit]:not([disabled])");
    rerunFirst.push(await clickToVerdict(page, ".rerun form.rpc button[type=submit]", ".rerun .message"));
    await page.waitForSelector(".rerun form.rpc button[type=submit]:not([disabled])");
    rerun.push(await clickToVerdict(page, ".rerun form.rpc button[type=submit]", ".rerun .message"));
    const shown = await page.$eval(".rerun", (e) => (e.textContent ?? "").replace(/\s+/g, " "));
    if (!shown.includes("✔ Same output")) throw new Error(`re-run said: ${shown}`);
    const ms = shown.match(/run time(\d+(?:\.\d+)?) ms/)?.[1];
    if (ms) rerunInfer.push(Number(ms));
  }

  const results = {
    jsGzipBytes,
    homeLoadMs: round(median(homeCold)),
    inferenceLoadMs: round(median(inferenceCold)),
    verifyMs: round(median(verify)),
    rerunMs: round(median(rerun)),
    targets: TARGETS,
    detail: {
      machine: `${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"}); Chromium headless, the indexer (PGlite), hardhat node and the demo's daemons on the same machine, over loopback`,
      loadAverage1mAtStart: round(load1m, 2),
      runs: RUNS,
      javascript: {
        filesGzipped: perFile,
        note: "every .js file of explorer/dist gzipped at level 9, as the indexer serves them (lazily loaded chunks included)",
        homeColdTransferBytes: median(homeJs),
        homeColdTransferNote: "encoded bytes Chromium received for scripts on a cold home page load (headers included)",
      },
      homeLoadMs: { cold: stats(homeCold), warm: stats(homeWarm), coldPhasesMedianMs: medians(homePhases) },
      inferenceLoadMs: { cold: stats(inferenceCold), warm: stats(inferenceWarm), coldPhasesMedianMs: medians(inferencePhases) },
      usable: { home: HOME_USABLE, inference: INFERENCE_USABLE },
      verifyMs: stats(verify),
      rerunMs: stats(rerun),
      rerunWithModelFetchMs: stats(rerunFirst),
      rerunModelRunMs: stats(rerunInfer),
      rerunNote: "click to verdict; the input fetched from the operator's data endpoint every time, the model file fetched and parsed once per page (rerunWithModelFetchMs is that first run), rerunModelRunMs the runtime's infer() alone",
      totalRunS: round((performance.now() - startedAt) / 1000),
    },
  };
  const rows: [string, string, string][] = [
    ["JavaScript, gzipped", `${round(jsGzipBytes / 1024)} kB`, `≤ ${TARGETS.jsGzipBytes / 1024} kB`],
    ["home usable (cold / warm), ms", `${results.homeLoadMs} / ${round(median(homeWarm))}`, `≤ ${TARGETS.homeLoadMs}`],
    ["inference usable (cold / warm), ms", `${results.inferenceLoadMs} / ${round(median(inferenceWarm))}`, `≤ ${TARGETS.inferenceLoadMs}`],
    ["verify on chain, ms", String(results.verifyMs), `≤ ${TARGETS.verifyMs}`],
    ["re-run, model cached, ms", `${results.rerunMs} (model run ${median(rerunInfer) < 0.1 ? "< 0.1, the timer's resolution" : round(median(rerunInfer), 2)})`, `≤ ${TARGETS.rerunMs}`],
    ["re-run, fetching the model, ms", String(round(median(rerunFirst))), ""],
  ];
  console.log();
  console.table(rows.map(([figure, value, target]) => ({ figure, value, target })));
  mkdirSync(join(root, "bench", "results"), { recursive: true });
  writeFileSync(join(root, "bench", "results", "explorer.json"), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote bench/results/explorer.json (${results.detail.totalRunS} s in all)`);
} finally {
  await close();
  await demo.stop();
}
