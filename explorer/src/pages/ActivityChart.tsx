// An operator's inferences over time by status: the latest (up to LIMIT) inferences, paged from the indexer,
// in up to BUCKETS equal slices of their commit times, each slice a bar stacked by the inferences' status now.
import { useEffect, useState } from "preact/hooks";
import { gql } from "../api.ts";
import { Message, time } from "../lib.tsx";
import type { InferenceStatus, OperatorActivityQuery, OperatorActivityQueryVariables } from "../generated/graphql.ts";

const ACTIVITY = /* GraphQL */ `query OperatorActivity($id: String!, $after: String) {
  inferences(where: { operator: $id }, orderBy: "committedBlock", orderDirection: "desc", limit: 200, after: $after) {
    items { status committedAt }
    pageInfo { hasNextPage endCursor }
  }
}`;

const LIMIT = 1_000;
const BUCKETS = 24;
const REFRESH_MS = 10_000;
/** Stacking order, bottom to top, with each status's colour. */
const STATUSES: [InferenceStatus, string][] = [
  ["SETTLED", "#1d7a3a"],
  ["PENDING", "#7b9be0"],
  ["DISPUTED", "#d9a21b"],
  ["FRAUDULENT", "#b3261e"],
  ["VOIDED", "#8a8a8a"],
];

type Row = { status: InferenceStatus; committedAt: string };

async function latest(operator: string): Promise<{ rows: Row[]; more: boolean }> {
  const rows: Row[] = [];
  let after: string | null = null;
  for (;;) {
    const page: OperatorActivityQuery = await gql<OperatorActivityQuery, OperatorActivityQueryVariables>(ACTIVITY, { id: operator, after });
    rows.push(...(page.inferences.items as Row[]));
    const { hasNextPage, endCursor } = page.inferences.pageInfo;
    if (!hasNextPage || !endCursor) return { rows, more: false };
    if (rows.length >= LIMIT) return { rows, more: true };
    after = endCursor;
  }
}

export function ActivityChart({ operator }: { operator: string }) {
  const [state, setState] = useState<{ rows: Row[]; more: boolean } | { error: string }>();
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const result = await latest(operator);
        if (live) setState(result);
      } catch (e) {
        if (live) setState({ error: e instanceof Error ? e.message : String(e) });
      }
      if (live) timer = setTimeout(run, REFRESH_MS);
    };
    void run();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [operator]);

  if (state === undefined) return <p class="muted">Loading…</p>;
  if ("error" in state) return <Message kind="error">Could not read the indexer: {state.error}</Message>;
  const { rows, more } = state;
  if (rows.length === 0) return <Message>No inference yet.</Message>;

  const times = rows.map((r) => Number(r.committedAt));
  const first = Math.min(...times);
  const last = Math.max(...times);
  const span = last - first;
  const count = span === 0 ? 1 : Math.min(BUCKETS, span + 1);
  const width = span === 0 ? 1 : (span + 1) / count;
  const buckets = Array.from({ length: count }, () => new Map<InferenceStatus, number>());
  const totals = new Map<InferenceStatus, number>();
  for (const row of rows) {
    const b = Math.min(count - 1, Math.floor((Number(row.committedAt) - first) / width));
    buckets[b].set(row.status, (buckets[b].get(row.status) ?? 0) + 1);
    totals.set(row.status, (totals.get(row.status) ?? 0) + 1);
  }
  const peak = Math.max(...buckets.map((b) => [...b.values()].reduce((a, n) => a + n, 0)));
  const H = 120;
  const W = 600;
  const bar = W / count;
  return (
    <div class="activity">
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label="inferences over time by status">
        {buckets.map((b, i) => {
          let y = H;
          const from = first + i * width;
          const label = `${time(Math.floor(from))} – ${time(Math.floor(from + width))}: ${STATUSES.filter(([s]) => b.get(s)).map(([s]) => `${b.get(s)} ${s.toLowerCase()}`).join(", ") || "none"}`;
          return (
            <g key={i}>
              <title>{label}</title>
              {STATUSES.map(([status, colour]) => {
                const n = b.get(status) ?? 0;
                if (n === 0) return null;
                const h = (n / peak) * (H - 4);
                y -= h;
                return <rect key={status} x={i * bar + bar * 0.1} width={bar * 0.8} y={y} height={h} fill={colour} />;
              })}
            </g>
          );
        })}
      </svg>
      <div class="axis">
        <span>{time(first)}</span>
        <span>{time(last)}</span>
      </div>
      <ul class="legend">
        {STATUSES.map(([status, colour]) => (
          <li key={status} data-status={status}>
            <i style={{ background: colour }} /> {status.toLowerCase()} <strong>{totals.get(status) ?? 0}</strong>
          </li>
        ))}
      </ul>
      <p class="muted">
        {more ? `The latest ${rows.length} inferences` : `All ${rows.length} inferences`} by commit time, in {count} slice{count === 1 ? "" : "s"}, coloured by their status now; the
        tallest bar is {peak}.
      </p>
    </div>
  );
}
