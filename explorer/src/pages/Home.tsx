// Home: protocol totals, the latest commitments, inferences and open disputes (refreshed every 2 s), and search.
import { useState } from "preact/hooks";
import { gql } from "../api.ts";
import { Badge, Fields, Frame, Id, Message, Section, chainTime, href, isAddressText, isBytes32, time, tokens, useGql } from "../lib.tsx";
import type { HomeQuery, HomeQueryVariables, LookupQuery, LookupQueryVariables } from "../generated/graphql.ts";

const HOME = /* GraphQL */ `query Home {
  protocol(id: "vinfer") { models commitments inferencesCommitted inferencesSettled inferencesFraudulent inferencesVoided bondsSlashed disputes disputesOpen dataDemandsOpen lastBlock }
  commitments(orderBy: "committedBlock", orderDirection: "desc", limit: 10) { items { id modelId operator count status committedAt challengeDeadline } }
  inferences(orderBy: "committedBlock", orderDirection: "desc", limit: 10) { items { commitmentId leafIndex requestId operator modelId status committedAt } }
  disputes(where: { status: OPEN }, orderBy: "openedBlock", orderDirection: "desc", limit: 10) { items { id commitmentId leafIndex operator challenger resolverKind lo hi traceLength moveCount openedAt } }
  _meta { status }
}`;

export function Home() {
  const loaded = useGql<HomeQuery, HomeQueryVariables>(HOME, {});
  return (
    <>
      <Search />
      <Frame loaded={loaded}>
        {(data) => (
          <>
            <Totals protocol={data.protocol} at={chainTime(data._meta)} />
            <Section title="Open disputes">
              {data.disputes.items.length === 0 ? (
                <Message>No dispute is open.</Message>
              ) : (
                <table>
                  <thead>
                    <tr><th>Dispute</th><th>Inference</th><th>Operator</th><th>Resolver</th><th>Progress</th></tr>
                  </thead>
                  <tbody>
                    {data.disputes.items.map((d) => (
                      <tr key={d.id}>
                        <td><a href={href.dispute(d.id)}>#{d.id}</a></td>
                        <td><Id value={d.commitmentId} to={href.commitment(d.commitmentId)} /> leaf {d.leafIndex}</td>
                        <td><Id value={d.operator} to={href.operator(d.operator)} /></td>
                        <td>{d.resolverKind.toLowerCase()}</td>
                        <td>{d.lo !== null && d.hi !== null ? `[${d.lo}, ${d.hi}] of ${d.traceLength}, ${d.moveCount} moves` : `${d.moveCount} moves`}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </Section>
            <Section title="Latest commitments">
              <CommitmentTable rows={data.commitments.items} />
            </Section>
            <Section title="Latest inferences">
              <InferenceTable rows={data.inferences.items} />
            </Section>
          </>
        )}
      </Frame>
    </>
  );
}

function Totals({ protocol, at }: { protocol: HomeQuery["protocol"]; at?: number }) {
  if (!protocol) return <Message>Nothing is indexed yet: the protocol has no model, commitment or dispute.</Message>;
  return (
    <Section title="Protocol">
      <div class="totals">
        {(
          [
            ["models", protocol.models],
            ["commitments", protocol.commitments],
            ["inferences", protocol.inferencesCommitted],
            ["settled", protocol.inferencesSettled],
            ["fraudulent", protocol.inferencesFraudulent],
            ["voided", protocol.inferencesVoided],
            ["disputes", protocol.disputes],
            ["open disputes", protocol.disputesOpen],
            ["open data demands", protocol.dataDemandsOpen],
            ["bonds slashed", tokens(protocol.bondsSlashed)],
          ] as const
        ).map(([name, value]) => (
          <div class="total" key={name}>
            <strong>{typeof value === "number" ? value.toLocaleString("en-US") : value}</strong>
            <span>{name}</span>
          </div>
        ))}
      </div>
      <p class="muted">Indexed to block {protocol.lastBlock}{at ? `, ${time(at)}` : ""}; refreshed every 2 s.</p>
    </Section>
  );
}

export function CommitmentTable({ rows }: { rows: Pick<HomeQuery["commitments"]["items"][number], "id" | "modelId" | "operator" | "count" | "status" | "committedAt">[] }) {
  if (rows.length === 0) return <Message>None yet.</Message>;
  return (
    <table>
      <thead>
        <tr><th>Commitment</th><th>Model</th><th>Operator</th><th>Leaves</th><th>Status</th><th>Committed</th></tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <tr key={c.id}>
            <td><Id value={c.id} to={href.commitment(c.id)} /></td>
            <td><Id value={c.modelId} to={href.model(c.modelId)} /></td>
            <td><Id value={c.operator} to={href.operator(c.operator)} /></td>
            <td>{c.count}</td>
            <td><Badge status={c.status} /></td>
            <td>{time(c.committedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function InferenceTable({ rows }: { rows: Pick<HomeQuery["inferences"]["items"][number], "commitmentId" | "leafIndex" | "requestId" | "operator" | "modelId" | "status" | "committedAt">[] }) {
  if (rows.length === 0) return <Message>None yet.</Message>;
  return (
    <table>
      <thead>
        <tr><th>Request</th><th>Commitment</th><th>Operator</th><th>Status</th><th>Committed</th></tr>
      </thead>
      <tbody>
        {rows.map((i) => (
          <tr key={`${i.commitmentId}-${i.leafIndex}`}>
            <td><Id value={i.requestId} to={href.inference(i.requestId, i.operator)} /></td>
            <td><Id value={i.commitmentId} to={href.commitment(i.commitmentId)} /> #{i.leafIndex}</td>
            <td><Id value={i.operator} to={href.operator(i.operator)} /></td>
            <td><Badge status={i.status} /></td>
            <td>{time(i.committedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const LOOKUP = /* GraphQL */ `query Lookup($id: String!) {
  commitment(id: $id) { id }
  model(id: $id) { id }
  inferences(where: { requestId: $id }, limit: 1) { items { requestId } }
}`;

/** Where a search goes: a dispute number, an operator address, or a 32-byte id looked up as commitment, model, then request. */
export async function destination(text: string): Promise<string | { error: string }> {
  const q = text.trim();
  if (/^\d+$/.test(q)) return href.dispute(q);
  if (isAddressText(q)) return href.operator(q);
  if (!isBytes32(q)) return { error: "Enter a request, commitment or model id (0x and 64 hex digits), an operator address (0x and 40) or a dispute number." };
  const id = q.toLowerCase();
  const found = await gql<LookupQuery, LookupQueryVariables>(LOOKUP, { id });
  if (found.commitment) return href.commitment(id);
  if (found.model) return href.model(id);
  if (found.inferences.items.length > 0) return href.inference(id);
  return { error: `No request, commitment or model ${id} is indexed.` };
}

function Search() {
  const [text, setText] = useState("");
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const to = await destination(text);
      if (typeof to === "string") location.hash = to;
      else setProblem(to.error);
    } catch (error) {
      setProblem(`Could not search: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="search" onSubmit={submit}>
      <input
        value={text}
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
        placeholder="request id, commitment id, model id, operator address or dispute number"
        aria-label="search"
        spellcheck={false}
      />
      <button type="submit" disabled={busy || text.trim() === ""}>{busy ? "…" : "Go"}</button>
      {problem && <Message kind="error">{problem}</Message>}
    </form>
  );
}

