// `pnpm demo` end to end: a real `hardhat node`, the whole scenario against it, and nothing left running.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { groupAlive } from "../scripts/demo/devchain.ts";

const root = new URL("../", import.meta.url);
const TIMEOUT_MS = 180_000;

function runDemo(): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["scripts/demo.ts"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    // SIGTERM lets the demo stop its node before it exits.
    const timer = setTimeout(() => child.kill("SIGTERM"), TIMEOUT_MS);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      // Let the pipes drain.
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

  it("catches the cheater on a real node, settles the honest batch and stops the node", async () => {
    const { code, signal, output } = await runDemo();
    const context = `\n--- demo output ---\n${output}`;
    expect(signal, context).to.equal(null);
    expect(code, context).to.equal(0);

    expect(output, context).to.match(/challenger .* reads 2 BatchCommitted events/);
    expect(output, context).to.match(/MISMATCH at inference #7/);
    expect(output, context).to.match(/one-step proof at step \d+ .*\n.*OperatorFault/);
    // The commitments table, then the cheater's inferences: #7 FRAUDULENT, the other nine VOIDED.
    expect(output, context).to.match(/honest operator 0x\S+\s+10\s+SETTLED/);
    expect(output, context).to.match(/cheating operator 0x\S+\s+10\s+SLASHED/);
    expect(output, context).to.match(/^\s+7\s+\d\s+\d\s+\d\s+FRAUDULENT$/m);
    expect(output.match(/^\s+\d\s+\d\s+\d\s+\d\s+VOIDED$/gm), context).to.have.length(9);
    expect(output, context).to.match(/^demo passed: /m);

    const pid = Number(/dev chain\s+stopped \(pid (\d+)\)/.exec(output)?.[1]);
    expect(pid, context).to.be.greaterThan(0);
    expect(groupAlive(pid), "the hardhat node's processes are gone").to.equal(false);
  });
});
