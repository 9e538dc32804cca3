// Operator, model and commitment pages.
import { Badge, Fields, Frame, Id, Message, Section, href, isAddressText, isBytes32, time, tokens, useGql } from "../lib.tsx";
import type { CommitmentQuery, CommitmentQueryVariables, ModelQuery, ModelQueryVariables, OperatorQuery, OperatorQueryVariables } from "../generated/graphql.ts";
import { ActivityChart } from "./ActivityChart.tsx";
import { CommitmentTable, InferenceTable } from "./Home.tsx";

const OPERATOR = /* GraphQL */ `query Operator($id: String!) {
  operator(id: $id) {
    id freeStake lockedStake bondReserve pendingWithdrawal credit totalSlashed commitmentCount inferenceCount disputesWon disputesLost dataUri
    commitments(orderBy: "committedBlock", orderDirection: "desc", limit: 50) { items { id modelId operator count status committedAt } }
  }
}`;

export function OperatorPage({ address }: { address: string }) {
  const id = address.toLowerCase();
  if (!isAddressText(id)) return <Message kind="error">"{address}" is not an address: expected 0x and 40 hex digits.</Message>;
  const loaded = useGql<OperatorQuery, OperatorQueryVariables>(OPERATOR, { id });
  return (
    <Frame loaded={loaded} missing={(d) => (d.operator ? undefined : `No operator or account ${id} is indexed.`)}>
      {({ operator: o }) => (
        <>
          <h1>Operator <span class="mono break">{o!.id}</span></h1>
          <Section title="Stake and record">
            <Fields
              rows={[
                ["free stake", tokens(o!.freeStake)],
                ["locked stake", tokens(o!.lockedStake)],
                ["bond reserve", tokens(o!.bondReserve)],
                ["pending withdrawal", tokens(o!.pendingWithdrawal)],
                ["credit", tokens(o!.credit)],
                ["slashed in all", tokens(o!.totalSlashed)],
                ["disputes won / lost", `${o!.disputesWon} / ${o!.disputesLost}`],
                ["commitments / inferences", `${o!.commitmentCount} / ${o!.inferenceCount}`],
                ["data URI", o!.dataUri ? <span class="mono break">{o!.dataUri}</span> : "—"],
              ]}
            />
          </Section>
          <Section title="Inferences over time, by status" name="activity-section">
            <ActivityChart operator={o!.id} />
          </Section>
          <Section title={`Commitments (latest ${Math.min(50, o!.commitmentCount)} of ${o!.commitmentCount})`}>
            <CommitmentTable rows={o!.commitments?.items ?? []} />
          </Section>
        </>
      )}
    </Frame>
  );
}

const MODEL = /* GraphQL */ `query Model($id: String!) {
  model(id: $id) {
    id owner weightsRoot profileHash traceLength resolver resolverKind challengeWindow bondPerInference challengerBond uri deprecated inferenceCount fraudulentCount registeredAt
    inferences(orderBy: "committedBlock", orderDirection: "desc", limit: 50) { items { commitmentId leafIndex requestId operator modelId status committedAt } }
  }
}`;

export function ModelPage({ id: raw }: { id: string }) {
  const id = raw.toLowerCase();
  if (!isBytes32(id)) return <Message kind="error">"{raw}" is not a model id: expected 0x and 64 hex digits.</Message>;
  const loaded = useGql<ModelQuery, ModelQueryVariables>(MODEL, { id });
  return (
    <Frame loaded={loaded} missing={(d) => (d.model ? undefined : `No model ${id} is indexed.`)}>
      {({ model: m }) => (
        <>
          <h1>Model <span class="mono break">{m!.id}</span>{m!.deprecated && <Badge status="deprecated" />}</h1>
          <Section title="Terms">
            <Fields
              rows={[
                ["weights root", <Id value={m!.weightsRoot} full />],
                ["profile hash", <Id value={m!.profileHash} full />],
                ["trace length", m!.traceLength.toLocaleString("en-US")],
                ["resolver", <>{m!.resolverKind.toLowerCase()} <Id value={m!.resolver} full /></>],
                ["challenge window", `${m!.challengeWindow} s`],
                ["bond per inference", tokens(m!.bondPerInference)],
                ["challenger bond", tokens(m!.challengerBond)],
                ["URI", <span class="mono break">{m!.uri}</span>],
                ["owner", <Id value={m!.owner} full />],
                ["inferences / fraudulent", `${m!.inferenceCount} / ${m!.fraudulentCount}`],
                ["registered", time(m!.registeredAt)],
              ]}
            />
          </Section>
          <Section title={`Inferences (latest ${Math.min(50, m!.inferenceCount)} of ${m!.inferenceCount})`}>
            <InferenceTable rows={m!.inferences?.items ?? []} />
          </Section>
        </>
      )}
    </Frame>
  );
}

const COMMITMENT = /* GraphQL */ `query Commitment($id: String!) {
  commitment(id: $id) {
    id modelId operator root count batch bond challengeDeadline status openAccusations fraudulentLeaf slashed committedBlock committedAt committedTx closedAt
    inferences(orderBy: "leafIndex", orderDirection: "asc", limit: 100) { items { commitmentId leafIndex requestId operator modelId status committedAt } }
    disputes(orderBy: "openedBlock", orderDirection: "asc", limit: 50) { items { id leafIndex status resolverKind openedAt } }
  }
}`;

export function CommitmentPage({ id: raw }: { id: string }) {
  const id = raw.toLowerCase();
  if (!isBytes32(id)) return <Message kind="error">"{raw}" is not a commitment id: expected 0x and 64 hex digits.</Message>;
  const loaded = useGql<CommitmentQuery, CommitmentQueryVariables>(COMMITMENT, { id });
  return (
    <Frame loaded={loaded} missing={(d) => (d.commitment ? undefined : `No commitment ${id} is indexed.`)}>
      {({ commitment: c }) => (
        <>
          <h1>Commitment <span class="mono break">{c!.id}</span></h1>
          <Section title="Commitment">
            <Fields
              rows={[
                ["status", <Badge status={c!.status} />],
                ["model", <Id value={c!.modelId} to={href.model(c!.modelId)} full />],
                ["operator", <Id value={c!.operator} to={href.operator(c!.operator)} full />],
                ["root", <Id value={c!.root} full />],
                ["leaves", c!.count],
                ["bond", tokens(c!.bond)],
                ["challenge deadline", time(c!.challengeDeadline)],
                ["open accusations", c!.openAccusations],
                ["fraudulent leaf", c!.fraudulentLeaf ?? "—"],
                ["slashed", tokens(c!.slashed)],
                ["committed", `${time(c!.committedAt)}, block ${c!.committedBlock}`],
                ["closed", time(c!.closedAt)],
              ]}
            />
          </Section>
          {(c!.disputes?.items.length ?? 0) > 0 && (
            <Section title="Disputes">
              <ul>
                {c!.disputes!.items.map((d) => (
                  <li key={d.id}>
                    <a href={href.dispute(d.id)}>#{d.id}</a> on leaf {d.leafIndex}, {d.resolverKind.toLowerCase()}, <Badge status={d.status} />, {time(d.openedAt)}
                  </li>
                ))}
              </ul>
            </Section>
          )}
          <Section title={`Inferences (${Math.min(100, c!.count)} of ${c!.count})`}>
            <InferenceTable rows={c!.inferences?.items ?? []} />
          </Section>
        </>
      )}
    </Frame>
  );
}
