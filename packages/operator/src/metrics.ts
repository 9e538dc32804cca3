// GET /metrics: the daemon's state in Prometheus' text exposition format (version 0.0.4).
import type { Context } from "./context.ts";

type Sample = { labels?: Record<string, string>; value: number | bigint };
type Family = { name: string; help: string; type: "counter" | "gauge"; samples: Sample[] };

const escape = (value: string) => value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');

function render(families: readonly Family[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = s.labels === undefined ? "" : `{${Object.entries(s.labels).map(([k, v]) => `${k}="${escape(v)}"`).join(",")}}`;
      lines.push(`${f.name}${labels} ${s.value.toString()}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export function metricsText(ctx: Context): string {
  const { store, state } = ctx;
  const batches = store.batchCounts();
  const disputes = store.disputeCounts();
  const demands = store.demandCounts();
  return render([
    { name: "vinfer_operator_queue_depth", help: "Requests accepted and not yet committed on chain.", type: "gauge", samples: [{ value: store.unconfirmedCount() }] },
    {
      name: "vinfer_operator_requests_total",
      help: "Inference requests answered since the process started, by outcome (accepted, duplicate request id, rejected).",
      type: "counter",
      samples: (["accepted", "duplicate", "rejected"] as const).map((outcome) => ({ labels: { outcome }, value: ctx.requests[outcome] })),
    },
    { name: "vinfer_operator_requests_stored", help: "Requests in the operator's database.", type: "gauge", samples: [{ value: store.requestCount() }] },
    {
      name: "vinfer_operator_batches_total",
      help: "Batches committed on chain.",
      type: "counter",
      samples: [{ value: batches.committed + batches.settled + batches.slashed }],
    },
    {
      name: "vinfer_operator_batches",
      help: "Batches by status.",
      type: "gauge",
      samples: (["committing", "committed", "settled", "slashed"] as const).map((status) => ({ labels: { status }, value: batches[status] })),
    },
    { name: "vinfer_operator_gas_spent_total", help: "Gas used by every transaction the operator sent.", type: "counter", samples: [{ value: store.gasSpent() }] },
    {
      name: "vinfer_operator_disputes_total",
      help: "Disputes on the operator's commitments that ended, by outcome (won: challenger at fault; lost: operator at fault).",
      type: "counter",
      samples: (["won", "lost", "no_fault"] as const).map((outcome) => ({ labels: { outcome }, value: disputes[outcome] })),
    },
    { name: "vinfer_operator_disputes_open", help: "Disputes on the operator's commitments still being played.", type: "gauge", samples: [{ value: disputes.open }] },
    {
      name: "vinfer_operator_data_demands",
      help: "Data demands on the operator's commitments, by status.",
      type: "gauge",
      samples: (["open", "answered", "collected", "withheld"] as const).map((status) => ({ labels: { status }, value: demands[status] })),
    },
    { name: "vinfer_operator_bond_reserve", help: "The operator's bond reserve on the ledger, in stake token units.", type: "gauge", samples: [{ value: state.reserve ?? 0n }] },
    { name: "vinfer_operator_block", help: "The latest block the operator saw.", type: "gauge", samples: [{ value: state.head?.number ?? 0n }] },
  ]);
}
