// A dispute: who accused what, the bisection moves with the interval [lo, hi] narrowing over [0, T], the final
// one-step check, or the committee's votes.
import { Badge, Fields, Frame, Id, Message, Section, chainTime, duration, href, time, tokens, useGql, useNow } from "../lib.tsx";
import type { DisputeQuery, DisputeQueryVariables } from "../generated/graphql.ts";

const QUERY = /* GraphQL */ `query Dispute($id: BigInt!) {
  dispute(id: $id) {
    id commitmentId leafIndex modelId operator challenger claimedOutputHash resolver resolverKind bond status openedAt openedTx closedAt
    traceLength lo hi moveDeadline moveCount provenStep computedState claimedState stepOutput stepLayer stepNeuron stepLayerWidth timedOutParty gameStatus
    ballotDeadline ballotStatus votesOperatorAtFault votesOperatorRight
    inference { requestId outputHash operator }
    moves(orderBy: "seq", orderDirection: "asc", limit: 200) { items { seq kind step state agreed lo hi deadline party computedState claimedState output layer neuron layerWidth outcome sender gasUsed timestamp tx } }
    votes(orderBy: "timestamp", orderDirection: "asc", limit: 200) { items { arbiter operatorAtFault timestamp tx } }
  }
  _meta { status }
}`;

type DisputeRow = NonNullable<DisputeQuery["dispute"]>;

export function DisputePage({ id }: { id: string }) {
  if (!/^\d+$/.test(id)) return <Message kind="error">"{id}" is not a dispute number.</Message>;
  const loaded = useGql<DisputeQuery, DisputeQueryVariables>(QUERY, { id });
  return (
    <Frame loaded={loaded} missing={(d) => (d.dispute ? undefined : `No dispute #${id} is indexed.`)}>
      {(data) => <DisputeView d={data.dispute!} at={chainTime(data._meta)} />}
    </Frame>
  );
}

/** "layer 1, neuron 7 of 32": the neuron a proveStep call re-executed, as its witness named it. */
function neuronName(layer: number | null, neuron: number | null, width: number | null): string {
  if (layer === null || neuron === null) return "not known (the step was proven through another contract)";
  return `layer ${layer}, neuron ${neuron}${width === null ? "" : ` of ${width}`}`;
}

/** The gas of every transaction that made a move, each counted once (a transaction may make two: a step and the end). */
function gasInAll(moves: readonly { tx: string; gasUsed: string }[]): number {
  return [...new Map(moves.map((m) => [m.tx, Number(m.gasUsed)])).values()].reduce((a, b) => a + b, 0);
}

function who(d: Pick<DisputeRow, "operator" | "challenger">, address: string | null | undefined, party?: string | null) {
  if (party) return party.toLowerCase();
  const a = address?.toLowerCase();
  if (a === d.operator.toLowerCase()) return "operator";
  if (a === d.challenger.toLowerCase()) return "challenger";
  return "anyone";
}

function DisputeView({ d, at }: { d: DisputeRow; at?: number }) {
  const now = useNow(at);
  const bisection = d.resolverKind === "BISECTION";
  const committee = d.resolverKind === "COMMITTEE";
  return (
    <>
      <h1>Dispute #{d.id} <Badge status={d.status} /></h1>
      <Section title="Accusation">
        <Fields
          rows={[
            ["inference", d.inference ? <Id value={d.inference.requestId} to={href.inference(d.inference.requestId, d.inference.operator)} full /> : "—"],
            ["commitment", <><Id value={d.commitmentId} to={href.commitment(d.commitmentId)} full /> leaf {d.leafIndex}</>],
            ["model", <Id value={d.modelId} to={href.model(d.modelId)} full />],
            ["operator", <Id value={d.operator} to={href.operator(d.operator)} full />],
            ["challenger", <Id value={d.challenger} to={href.operator(d.challenger)} full />],
            ["committed output hash", <Id value={d.inference?.outputHash} full />],
            ["claimed output hash", <Id value={d.claimedOutputHash} full />],
            ["resolver", <>{d.resolverKind.toLowerCase()} <Id value={d.resolver} /></>],
            ["challenger bond", tokens(d.bond)],
            ["opened", time(d.openedAt)],
            ["closed", d.closedAt ? time(d.closedAt) : "still open"],
          ]}
        />
      </Section>
      {bisection && <Bisection d={d} now={now} />}
      {committee && <Committee d={d} now={now} />}
      {!bisection && !committee && <Message>This dispute is decided by a resolver the explorer does not draw.</Message>}
    </>
  );
}

function Bisection({ d, now }: { d: DisputeRow; now: number }) {
  const T = d.traceLength ?? 0;
  const moves = d.moves?.items ?? [];
  const bar = (lo: number | null, hi: number | null) =>
    T > 0 && lo !== null && hi !== null ? (
      <div class="bar" title={`[${lo}, ${hi}] of [0, ${T}]`}>
        <div style={{ left: `${(lo / T) * 100}%`, width: `${Math.max(((hi - lo) / T) * 100, 0.6)}%` }} />
      </div>
    ) : null;
  return (
    <>
      <Section title={`Bisection over [0, ${T}]`}>
        {d.status === "OPEN" && d.lo !== null && d.hi !== null && (
          <p>
            Disputed interval now <strong>[{d.lo}, {d.hi}]</strong>
            {d.moveDeadline ? `; the next move is due ${Number(d.moveDeadline) >= now ? `in ${duration(Number(d.moveDeadline) - now)}` : "now (overdue: a timeout can be claimed)"}` : ""}.
          </p>
        )}
        {moves.length > 0 && (
          <p class="muted totals-line">
            {moves.filter((m) => m.kind === "ANSWER").length} rounds, {moves.length} moves, {gasInAll(moves).toLocaleString("en-US")} gas in all (both sides, each
            transaction counted once)
          </p>
        )}
        {moves.length === 0 ? (
          <Message>No move yet.</Message>
        ) : (
          <ol class="moves">
            {moves.map((m, k) => (
              <li key={m.seq}>
                <div class="move-head">
                  <strong>{m.kind.replace(/_/g, " ").toLowerCase()}</strong>
                  <span>by {who(d, m.sender, m.kind === "TIMEOUT" ? null : m.party)}</span>
                  <span class="muted">
                    {time(m.timestamp)}, {k > 0 && moves[k - 1].tx === m.tx ? `same transaction as the ${moves[k - 1].kind.replace(/_/g, " ").toLowerCase()}` : `gas ${Number(m.gasUsed).toLocaleString("en-US")}`}
                    {m.deadline && m.kind !== "TIMEOUT" ? `; next move due ${time(m.deadline)}` : ""}
                  </span>
                </div>
                <div class="move-body">
                  {m.kind === "MID_STATE" && <>state at step {m.step}: <Id value={m.state} /></>}
                  {m.kind === "ANSWER" && <>step {m.step}: {m.agreed ? "agrees" : "disagrees"}</>}
                  {m.kind === "STEP" && (
                    <span>
                      step {m.step} executed on chain: <span class="neuron">{neuronName(m.layer, m.neuron, m.layerWidth)}</span>, computed output{" "}
                      {m.output ?? "—"}, state <Id value={m.computedState} /> where the operator claimed <Id value={m.claimedState} />
                    </span>
                  )}
                  {m.kind === "TIMEOUT" && <>{(m.party ?? "a party").toLowerCase()} missed its deadline</>}
                  {m.kind === "ENDED" && <>outcome: {m.outcome?.replace(/_/g, " ").toLowerCase() ?? "—"}</>}
                  {m.lo !== null && m.hi !== null && <span class="interval">[{m.lo}, {m.hi}]</span>}
                </div>
                {bar(m.lo, m.hi)}
              </li>
            ))}
          </ol>
        )}
      </Section>
      {(d.provenStep !== null || d.gameStatus || d.timedOutParty) && (
        <Section title="Final step">
          <Fields
            rows={[
              ["step proven", d.provenStep ?? "—"],
              ["neuron re-executed", d.provenStep === null ? "—" : neuronName(d.stepLayer, d.stepNeuron, d.stepLayerWidth)],
              ["its output computed on chain", d.stepOutput ?? "—"],
              ["state computed on chain", <Id value={d.computedState} full />],
              ["state the operator claimed", <Id value={d.claimedState} full />],
              ["timed out", d.timedOutParty?.toLowerCase() ?? "—"],
              ["game", d.gameStatus?.replace(/_/g, " ").toLowerCase() ?? "—"],
              ["outcome", <Badge status={d.status} />],
            ]}
          />
        </Section>
      )}
    </>
  );
}

function Committee({ d, now }: { d: DisputeRow; now: number }) {
  const votes = d.votes?.items ?? [];
  const total = d.votesOperatorAtFault + d.votesOperatorRight;
  return (
    <Section title="Committee ballot">
      <p>
        {d.ballotStatus ? d.ballotStatus.replace(/_/g, " ").toLowerCase() : "—"}
        {d.ballotDeadline && d.status === "OPEN" ? `; voting ${Number(d.ballotDeadline) >= now ? `closes in ${duration(Number(d.ballotDeadline) - now)}` : "closed"}` : ""}.
      </p>
      <div class="votes">
        <div class="bar split" title={`${d.votesOperatorAtFault} at fault, ${d.votesOperatorRight} right`}>
          <div class="fault" style={{ width: `${total ? (d.votesOperatorAtFault / total) * 100 : 0}%` }} />
        </div>
        <p>
          operator at fault: <strong>{d.votesOperatorAtFault}</strong>, operator right: <strong>{d.votesOperatorRight}</strong>
        </p>
      </div>
      {votes.length === 0 ? (
        <Message>No vote yet.</Message>
      ) : (
        <table>
          <thead>
            <tr><th>Arbiter</th><th>Vote</th><th>When</th></tr>
          </thead>
          <tbody>
            {votes.map((v) => (
              <tr key={v.arbiter}>
                <td><Id value={v.arbiter} /></td>
                <td>{v.operatorAtFault ? "operator at fault" : "operator right"}</td>
                <td>{time(v.timestamp)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
