// An inference: what ran, its status as a timeline, its receipt, the receipt checked on chain in this
import type { ComponentChildren } from "preact";
// browser, and the model re-run here on the operator's published input.
import { useEffect, useState } from "preact/hooks";
import { fetchReceipt, type ReceiptAnswer } from "../api.ts";
import { Badge, Fields, Frame, Id, Message, Section, chainTime, duration, href, isBytes32, time, tokens, useGql, useNow } from "../lib.tsx";
import type { InferenceQuery, InferenceQueryVariables } from "../generated/graphql.ts";
import { Rerun } from "./Rerun.tsx";
import { DEFAULT_RPC, Verify } from "./Verify.tsx";

const QUERY = /* GraphQL */ `query Inference($requestId: String!, $where: inferenceFilter!) {
  inferences(where: $where, orderBy: "committedBlock", orderDirection: "asc", limit: 20) {
    items {
      commitmentId leafIndex requestId inputHash outputHash leaf modelId operator status conflict committedBlock committedAt finalizedAt
      commitment { id count batch bond status challengeDeadline committedAt committedTx closedAt openAccusations }
      model { id uri weightsRoot challengeWindow resolverKind bondPerInference }
      operatorRecord { id dataUri }
      disputes(orderBy: "openedBlock", orderDirection: "asc", limit: 20) { items { id status resolverKind openedAt closedAt challenger lo hi traceLength moveCount } }
    }
  }
  requests: inferences(where: { requestId: $requestId }, limit: 50) { items { operator } }
  _meta { status }
}`;

type Row = InferenceQuery["inferences"]["items"][number];

export function InferencePage({ requestId, operator, rpc }: { requestId: string; operator?: string; rpc?: string }) {
  const id = requestId.toLowerCase();
  if (!isBytes32(id)) return <Message kind="error">"{requestId}" is not a request id: expected 0x and 64 hex digits.</Message>;
  const where = operator ? { requestId: id, operator: operator.toLowerCase() } : { requestId: id };
  const loaded = useGql<InferenceQuery, InferenceQueryVariables>(QUERY, { requestId: id, where });
  return (
    <Frame loaded={loaded} missing={(d) => (d.inferences.items.length === 0 ? `No inference with request id ${id}${operator ? ` by operator ${operator}` : ""} is indexed.` : undefined)}>
      {(data) => {
        const operators = [...new Set(data.requests.items.map((r) => r.operator))];
        if (!operator && operators.length > 1) {
          return (
            <Section title="Several operators committed this request id">
              <ul>
                {operators.map((o) => (
                  <li key={o}><a class="mono" href={href.inference(id, o)}>{o}</a></li>
                ))}
              </ul>
            </Section>
          );
        }
        const row = data.inferences.items[0];
        return <InferenceView row={row} others={data.inferences.items.slice(1)} now={chainTime(data._meta)} rpc={rpc} />;
      }}
    </Frame>
  );
}

function InferenceView({ row, others, now, rpc }: { row: Row; others: Row[]; now?: number; rpc?: string }) {
  const [receipt, setReceipt] = useState<ReceiptAnswer>();
  useEffect(() => {
    let live = true;
    setReceipt(undefined);
    fetchReceipt(row.requestId, row.operator)
      .then((r) => live && setReceipt(r))
      .catch((error) => live && setReceipt({ ok: false, status: 0, error: String(error) }));
    return () => {
      live = false;
    };
  }, [row.requestId, row.operator, row.status]);
  return (
    <>
      <h1>Inference <span class="mono break">{row.requestId}</span></h1>
      {row.conflict && <Message kind="warn">This operator committed this request id more than once with different outputs.</Message>}
      <Section title="What ran">
        <Fields
          rows={[
            ["status", <Badge status={row.status} />],
            ["model", <Id value={row.modelId} to={href.model(row.modelId)} full />],
            ["operator", <Id value={row.operator} to={href.operator(row.operator)} full />],
            ["commitment", <><Id value={row.commitmentId} to={href.commitment(row.commitmentId)} full /> leaf {row.leafIndex}{row.commitment ? ` of ${row.commitment.count}` : ""}</>],
            ["input hash", <Id value={row.inputHash} full />],
            ["output hash", <Id value={row.outputHash} full />],
            ["leaf", <Id value={row.leaf} full />],
            ["committed", `${time(row.committedAt)}, block ${row.committedBlock}`],
            ["bond", row.model ? `${tokens(row.model.bondPerInference)} per inference` : "—"],
          ]}
        />
        {others.length > 0 && (
          <p class="muted">
            Also committed in {others.map((o) => <Id key={o.commitmentId} value={o.commitmentId} to={href.commitment(o.commitmentId)} />)} (the first commitment is shown).
          </p>
        )}
      </Section>
      <Timeline row={row} chainNow={now} />
      <Section title="Receipt">
        {receipt === undefined ? (
          <Message>Loading the receipt…</Message>
        ) : receipt.ok ? (
          <>
            <details>
              <summary>The indexer's receipt (JSON)</summary>
              <pre>{JSON.stringify(receipt.receipt, null, 2)}</pre>
            </details>
            <Verify receipt={receipt.receipt} rpc={rpc} />
          </>
        ) : (
          <Message kind="error">The indexer has no receipt ({receipt.status}): {receipt.error}</Message>
        )}
      </Section>
      <Rerun
        row={row}
        dataUri={row.operatorRecord?.dataUri ?? null}
        modelUri={row.model?.uri}
        weightsRoot={row.model?.weightsRoot}
        chain={receipt?.ok ? { rpc: rpc ?? DEFAULT_RPC, ledger: receipt.receipt.ledger } : undefined}
      />
    </>
  );
}

function Timeline({ row, chainNow }: { row: Row; chainNow?: number }) {
  const now = useNow(chainNow);
  const c = row.commitment;
  const deadline = c ? Number(c.challengeDeadline) : undefined;
  const windowOpen = deadline !== undefined && now <= deadline;
  const disputes = row.disputes?.items ?? [];
  const final = ["SETTLED", "FRAUDULENT", "VOIDED"].includes(row.status);
  const steps: { label: string; detail: ComponentChildren; state: "done" | "now" | "todo" | "bad" }[] = [
    { label: "committed", detail: `${time(row.committedAt)}${c ? ` (tx ${c.committedTx.slice(0, 10)}…)` : ""}`, state: "done" },
  ];
  if (disputes.length === 0) {
    steps.push({
      label: "challenge window",
      detail: deadline === undefined ? "—" : windowOpen ? `open, closes in ${duration(deadline - now)} (${time(deadline)})` : `closed ${time(deadline)}`,
      state: windowOpen ? "now" : "done",
    });
  }
  for (const d of disputes) {
    steps.push({
      label: `disputed (#${d.id})`,
      detail: (
        <>
          <a href={href.dispute(d.id)}>dispute #{d.id}</a> by <Id value={d.challenger} to={href.operator(d.challenger)} />, {d.resolverKind.toLowerCase()}, opened {time(d.openedAt)}
          {d.status === "OPEN" && d.lo !== null && d.hi !== null ? `; interval [${d.lo}, ${d.hi}] of ${d.traceLength} after ${d.moveCount} moves` : ""}
        </>
      ),
      state: d.status === "OPEN" ? "now" : "done",
    });
    if (d.status !== "OPEN") {
      steps.push({
        label: "outcome",
        detail: (
          <>
            <Badge status={d.status} /> {time(d.closedAt)}
          </>
        ),
        state: d.status === "OPERATOR_FAULT" ? "bad" : "done",
      });
    }
  }
  if (disputes.length > 0 && deadline !== undefined && !final) {
    steps.push({ label: "challenge window", detail: windowOpen ? `closes in ${duration(deadline - now)}` : `closed ${time(deadline)}`, state: windowOpen ? "now" : "done" });
  }
  steps.push({
    label: final ? row.status.toLowerCase() : "settled",
    detail: final ? time(row.finalizedAt ?? c?.closedAt) : windowOpen ? "after the window closes with no fraud proven" : "awaiting settlement on chain",
    state: final ? (row.status === "SETTLED" ? "done" : "bad") : "todo",
  });
  return (
    <Section title="Timeline">
      <ol class="timeline">
        {steps.map((s, i) => (
          <li key={i} class={`step-${s.state}`}>
            <strong>{s.label}</strong>
            <span>{s.detail}</span>
          </li>
        ))}
      </ol>
      <p class="muted">Times are the indexed chain's; the countdown runs from its latest block.</p>
    </Section>
  );
}
