// The optional HTTP side: GET /health (JSON; 503 when the loop has not completed a pass recently) and GET
// /metrics (Prometheus text format 0.0.4). Counters come from the store, so they survive restarts.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChallengerStats } from "./types.ts";

export type Health = { healthy: boolean; body: Record<string, unknown> };

export type MetricsSource = {
  stats(): ChallengerStats;
  gauges(): Record<string, number>;
  health(): Health;
};

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** The Prometheus exposition of the daemon's counters and gauges. */
export function prometheus(source: MetricsSource): string {
  const s = source.stats();
  const g = source.gauges();
  const lines: string[] = [];
  const metric = (name: string, type: "counter" | "gauge", help: string, samples: [labels: Record<string, string>, value: number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      const text = Object.entries(labels)
        .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
        .join(",");
      lines.push(`${name}${text === "" ? "" : `{${text}}`} ${value}`);
    }
  };
  metric("vinfer_challenger_commitments_checked_total", "counter", "Commitments whose data was fetched and checked.", [[{}, s.commitmentsChecked]]);
  metric("vinfer_challenger_inferences_checked_total", "counter", "Inferences re-executed.", [[{}, s.inferencesChecked]]);
  metric("vinfer_challenger_wrong_inferences_total", "counter", "Inferences whose committed output was found wrong.", [[{}, s.wrongFound]]);
  metric("vinfer_challenger_disputes_total", "counter", "Disputes opened, and closed by outcome.", [
    [{ outcome: "opened" }, s.disputesOpened],
    [{ outcome: "won" }, s.disputesWon],
    [{ outcome: "lost" }, s.disputesLost],
    [{ outcome: "no_fault" }, g.disputesNoFault ?? 0],
  ]);
  metric("vinfer_challenger_data_demands_total", "counter", "Data demands opened, and closed by result.", [
    [{ result: "opened" }, s.dataDemands],
    [{ result: "answered" }, g.demandsAnswered ?? 0],
    [{ result: "withheld" }, g.demandsWithheld ?? 0],
  ]);
  metric(
    "vinfer_challenger_withholding_commitments_total",
    "counter",
    "Commitments whose data the operator's endpoint withheld or served wrong, by operator.",
    Object.entries(s.withholdingOperators).map(([operator, n]) => [{ operator }, n]),
  );
  metric("vinfer_challenger_withholding_operators", "gauge", "Operators that withheld data at least once.", [[{}, Object.keys(s.withholdingOperators).length]]);
  metric("vinfer_challenger_commitments_pending", "gauge", "Commitments recorded but not yet checked.", [[{}, g.commitmentsPending ?? 0]]);
  metric("vinfer_challenger_open_games", "gauge", "Disputes whose game is being played.", [[{}, g.openGames ?? 0]]);
  metric("vinfer_challenger_open_demands", "gauge", "Data demands waiting for their answer.", [[{}, g.openDemands ?? 0]]);
  metric("vinfer_challenger_followed_block", "gauge", "Last block whose commitments are recorded.", [[{}, g.followedBlock ?? 0]]);
  metric("vinfer_challenger_chain_block", "gauge", "Latest block seen on the chain.", [[{}, g.chainBlock ?? 0]]);
  return lines.join("\n") + "\n";
}

/** Serves /health and /metrics on `host:port`; resolves with the URL once listening. */
export async function serveMetrics(source: MetricsSource, host: string, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { "content-type": "application/json", allow: "GET, HEAD" }).end(JSON.stringify({ error: "only GET is served" }));
      return;
    }
    try {
      if (path === "/health") {
        const { healthy, body } = source.health();
        response.writeHead(healthy ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(body));
      } else if (path === "/metrics") {
        response.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(prometheus(source));
      } else {
        response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: `no route ${path}: try /health or /metrics` }));
      }
    } catch (error) {
      response.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
