// Shared pieces: the hash router, a polling GraphQL hook, formatting and small components.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { formatUnits } from "viem";
import { gql } from "./api.ts";

// ---- routing on location.hash: #/<page>/<id>?<query>

export type Route = { parts: string[]; query: URLSearchParams };

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, "");
  const [path, search = ""] = raw.split("?", 2);
  return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => {
      setRoute(parseHash(location.hash));
      window.scrollTo(0, 0);
    };
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

export const href = {
  home: () => "#/",
  inference: (requestId: string, operator?: string) => `#/inference/${requestId}${operator ? `?operator=${operator}` : ""}`,
  commitment: (id: string) => `#/commitment/${id}`,
  dispute: (id: string) => `#/dispute/${id}`,
  operator: (address: string) => `#/operator/${address.toLowerCase()}`,
  model: (id: string) => `#/model/${id}`,
};

// ---- data

export const REFRESH_MS = 2_000;

export type Loaded<T> = { data?: T; error?: string; loading: boolean };

/**
 * Runs `query` now and every `refreshMs` (keeping the last answer on screen while the next one loads). `T` and `V`
 * are the query's generated types (`XxxQuery`, `XxxQueryVariables` from ./generated/graphql.ts).
 */
export function useGql<T, V extends Record<string, unknown>>(query: string, variables: V, refreshMs: number = REFRESH_MS): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ loading: true });
  const key = JSON.stringify(variables);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState({ loading: true });
    const run = async () => {
      try {
        const data = await gql<T, V>(query, variables);
        if (live) setState({ data, loading: false });
      } catch (error) {
        if (live) setState((s) => ({ data: s.data, error: error instanceof Error ? error.message : String(error), loading: false }));
      }
      if (live && refreshMs > 0) timer = setTimeout(run, refreshMs);
    };
    void run();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query, key, refreshMs]);
  return state;
}

/** The indexed chain's latest block time from Ponder's `_meta { status }` (which a query selects), to count deadlines down in chain time. */
export function chainTime(meta: { status?: unknown } | null | undefined): number | undefined {
  const status = meta?.status;
  if (typeof status !== "object" || status === null) return undefined;
  let latest: number | undefined;
  for (const chain of Object.values(status as Record<string, { block?: { timestamp?: number | string } }>)) {
    const t = Number(chain?.block?.timestamp);
    if (Number.isFinite(t) && (latest === undefined || t > latest)) latest = t;
  }
  return latest;
}

/** A clock that ticks every second from the last indexed chain time (falling back to this browser's clock). */
export function useNow(chainSeconds: number | undefined): number {
  const anchor = useRef<{ chain: number; local: number } | undefined>(undefined);
  const [, tick] = useState(0);
  if (chainSeconds !== undefined && anchor.current?.chain !== chainSeconds) anchor.current = { chain: chainSeconds, local: Date.now() };
  useEffect(() => {
    const id = setInterval(() => tick((n) => n + 1), 1_000);
    return () => clearInterval(id);
  }, []);
  const a = anchor.current;
  return a ? a.chain + Math.floor((Date.now() - a.local) / 1000) : Math.floor(Date.now() / 1000);
}

// ---- formatting

export const short = (hex: string | null | undefined, head = 10, tail = 6) =>
  !hex ? "—" : hex.length <= head + tail + 1 ? hex : `${hex.slice(0, head)}…${hex.slice(-tail)}`;

export const tokens = (wei: string | bigint | null | undefined) => {
  if (wei === null || wei === undefined) return "—";
  const text = formatUnits(BigInt(wei), 18);
  const [whole, fraction = ""] = text.split(".");
  return `${BigInt(whole).toLocaleString("en-US")}${fraction ? `.${fraction.slice(0, 6)}` : ""}`;
};

export const time = (seconds: string | number | null | undefined) =>
  seconds === null || seconds === undefined ? "—" : new Date(Number(seconds) * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");

export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [d && `${d}d`, (d || h) && `${h}h`, (d || h || m) && `${m}m`, `${s % 60}s`].filter(Boolean);
  return parts.join(" ");
}

// ---- components

export function Id({ value, to, full }: { value: string | null | undefined; to?: string; full?: boolean }) {
  const text = full ? (value ?? "—") : short(value);
  return to && value ? (
    <a class="mono" href={to} title={value}>
      {text}
    </a>
  ) : (
    <span class="mono" title={value ?? undefined}>
      {text}
    </span>
  );
}

export function Badge({ status }: { status: string | null | undefined }) {
  const s = (status ?? "NONE").toUpperCase();
  return <span class={`badge badge-${s.toLowerCase()}`}>{s.replace(/_/g, " ").toLowerCase()}</span>;
}

export function Fields({ rows }: { rows: [string, ComponentChildren][] }) {
  return (
    <dl class="fields">
      {rows.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Section({ title, name, children }: { title: ComponentChildren; /** an extra class naming the section */ name?: string; children: ComponentChildren }) {
  return (
    <section class={name ? `card ${name}` : "card"}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** The loading / error / not-found frame every page shares. */
export function Frame<T>({ loaded, missing, children }: { loaded: Loaded<T>; missing?: (data: T) => string | undefined; children: (data: T) => ComponentChildren }) {
  if (loaded.data === undefined) {
    if (loaded.error) return <Message kind="error">Could not read the indexer: {loaded.error}</Message>;
    return <Message>Loading…</Message>;
  }
  const gone = missing?.(loaded.data);
  if (gone) return <Message kind="error">{gone}</Message>;
  return (
    <>
      {loaded.error && <Message kind="warn">Refresh failed ({loaded.error}); showing the last answer.</Message>}
      {children(loaded.data)}
    </>
  );
}

export function Message({ kind = "info", children }: { kind?: "info" | "warn" | "error"; children: ComponentChildren }) {
  return <p class={`message message-${kind}`}>{children}</p>;
}

export const isBytes32 = (s: string) => /^0x[0-9a-fA-F]{64}$/.test(s);
export const isAddressText = (s: string) => /^0x[0-9a-fA-F]{40}$/.test(s);
