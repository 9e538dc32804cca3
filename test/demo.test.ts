// `pnpm demo` end to end: a real chain, indexer, operator and challenger daemons and an HTTP client, the cheater
// caught and slashed, the honest batches settled, exact GraphQL answers, and nothing left running.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEther } from "viem";
import { groupAlive } from "../scripts/demo/processes.ts";
import type { DemoOutcome } from "../scripts/demo/live.ts";

const root = new URL("../", import.meta.url);
const TIMEOUT_MS = 300_000;

function runDemo(outcomeFile: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["scripts/demo.ts"], {
      cwd: root,
      env: { ...process.env, VINFER_DEMO_OUTCOME: outcomeFile },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    // SIGTERM lets the demo stop what it started before it exits.
    const timer = setTimeout(() => child.kill("SIGTERM"), TIMEOUT_MS);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      setImmediate(() => resolve({ code, signal, output }));
    });
  });
}

describe("pnpm demo", function () {
  this.timeout(TIMEOUT_MS + 30_000);

  it("is the script package.json runs", () => {
    const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.demo).to.equal("node scripts/demo.ts");
  });

  it("catches the cheating operator daemon, settles the honest batches, answers GraphQL and stops every process", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vinfer-demo-test-"));
    const outcomeFile = join(dir, "outcome.json");
    try {
      const { code, signal, output } = await runDemo(outcomeFile);
      const context = `\n--- demo output ---\n${output}`;
      expect([signal, code], context).to.deep.equal([null, 0]);
      expect(output, context).to.match(/^demo passed: /m);
      const outcome = JSON.parse(readFileSync(outcomeFile, "utf8")) as DemoOutcome;

      // Every request was committed exactly once.
      expect(outcome.served.honest + outcome.served.cheater, context).to.equal(48);
      expect(outcome.protocol.inferencesCommitted, context).to.equal(48);
      expect(outcome.commitments.reduce((n, c) => n + c.count, 0), context).to.equal(48);
      // The honest operator: every batch settled, never slashed.
      const honest = outcome.commitments.filter((c) => c.operator === "honest");
      expect(honest.map((c) => c.status), context).to.deep.equal(honest.map(() => "SETTLED"));
      expect(honest.reduce((n, c) => n + c.count, 0)).to.equal(24);
      expect([outcome.operators.honest.totalSlashed, outcome.operators.honest.disputesLost]).to.deep.equal(["0", 0]);
      // The cheater: every batch with a wrong answer slashed (one leaf fraudulent, the rest voided), the others settled.
      const cheater = outcome.commitments.filter((c) => c.operator === "cheater");
      const slashed = cheater.filter((c) => c.status === "SLASHED");
      const slashedLeaves = slashed.reduce((n, c) => n + c.count, 0);
      expect(slashed.length, context).to.be.greaterThan(0);
      expect(cheater.every((c) => c.status === "SLASHED" || c.status === "SETTLED"), context).to.equal(true);
      expect(outcome.protocol.inferencesFraudulent).to.equal(slashed.length);
      expect(outcome.protocol.inferencesVoided).to.equal(slashedLeaves - slashed.length);
      expect(outcome.protocol.inferencesSettled).to.equal(48 - slashedLeaves);
      expect(outcome.protocol.bondsSlashed).to.equal((parseEther("1") * BigInt(slashedLeaves)).toString());
      expect(outcome.operators.cheater.totalSlashed).to.equal(outcome.protocol.bondsSlashed);
      expect(outcome.operators.cheater.disputesLost).to.be.at.least(slashed.length);
      expect(outcome.protocol.disputesOpen).to.equal(0);
      // Every wrong answer the cheater served was caught.
      expect(outcome.cheatedStatuses.length, context).to.equal(outcome.served.cheated);
      expect(outcome.cheatedStatuses.every((s) => s === "FRAUDULENT" || s === "VOIDED"), context).to.equal(true);
      // The printed query's answer lists the fraudulent inferences, each with its slashed commitment.
      const answer = outcome.graphql.answer as { inferences: { items: { status: string; commitment: { status: string } }[] } };
      expect(answer.inferences.items.map((i) => [i.status, i.commitment.status])).to.deep.equal(slashed.map(() => ["FRAUDULENT", "SLASHED"]));
      expect(output).to.include(outcome.graphql.query.split("\n")[0]);

      // Nothing it started is left running.
      const pids = [...output.matchAll(/\(pid (\d+)/g)].map((m) => Number(m[1]));
      expect(pids.length, context).to.be.at.least(5);
      for (const pid of pids) expect(groupAlive(pid), `process group ${pid} is gone`).to.equal(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
