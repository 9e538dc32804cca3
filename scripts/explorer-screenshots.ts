// Screenshots of the explorer for the README, from the demo's data: a fraudulent inference after "verify on
// chain" and "re-run the model", and the dispute that proved it, at desktop and phone width. Runs the demo,
// keeps it up while Chromium takes the pictures, then stops it. Writes docs/explorer/*.png.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "puppeteer-core";
import { demoSubjects, openBrowser, requireChromium, startKeptDemo } from "../test/explorer/browser.ts";
import { root } from "../test/indexer/harness.ts";

const out = join(root, "docs", "explorer");

async function shoot(page: Page, name: string) {
  // Let fonts and the last re-render settle before the picture.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const path = join(out, `${name}.png`) as `${string}.png`;
  await page.screenshot({ path, fullPage: true });
  console.log(`wrote docs/explorer/${name}.png`);
}

requireChromium();
mkdirSync(out, { recursive: true });
const demo = await startKeptDemo();
try {
  const { urls } = demo;
  const subjects = await demoSubjects(urls);
  const fraudulent = subjects.fraudulent[0];
  if (!fraudulent || !subjects.provenDispute) throw new Error(`the demo left no fraudulent inference or proven dispute${demo.context()}`);
  const rpc = encodeURIComponent(urls.chain);

  for (const [suffix, width] of [["", 1100], ["-phone", 390]] as const) {
    const { page, close } = await openBrowser({ width, height: 800 });
    try {
      await page.goto(`${urls.indexer}/explorer/#/inference/${fraudulent}?rpc=${rpc}`, { waitUntil: "domcontentloaded" });
      await page.waitForSelector(".verify form.rpc button[type=submit]:not([disabled])");
      await page.click(".verify form.rpc button[type=submit]");
      await page.waitForSelector(".verify .message");
      await page.waitForSelector(".rerun form.rpc button[type=submit]:not([disabled])");
      await page.click(".rerun form.rpc button[type=submit]");
      await page.waitForSelector(".rerun .message");
      await shoot(page, `inference${suffix}`);

      await page.goto(`${urls.indexer}/explorer/#/dispute/${subjects.provenDispute}`, { waitUntil: "domcontentloaded" });
      await page.waitForSelector("ol.moves li");
      await shoot(page, `dispute${suffix}`);
      if (suffix === "") {
        await page.goto(`${urls.indexer}/explorer/#/`, { waitUntil: "domcontentloaded" });
        await page.waitForSelector("table tbody tr");
        await shoot(page, "home");
      }
    } finally {
      await close();
    }
  }
} finally {
  await demo.stop();
}
