// The vinfer explorer: hash-routed pages over the indexer's GraphQL and receipts.
import { render } from "preact";
import { INDEXER } from "./api.ts";
import { Message, href, useRoute } from "./lib.tsx";
import { CommitmentPage, ModelPage, OperatorPage } from "./pages/Entities.tsx";
import { DisputePage } from "./pages/Dispute.tsx";
import { Home } from "./pages/Home.tsx";
import { InferencePage } from "./pages/Inference.tsx";
import "./style.css";

function Page() {
  const { parts, query } = useRoute();
  const [page, id] = parts;
  const rpc = query.get("rpc") ?? new URLSearchParams(location.search).get("rpc") ?? undefined;
  if (page === undefined) return <Home />;
  if (id === undefined) return <Message kind="error">Missing the id in "#/{page}/…".</Message>;
  switch (page) {
    case "inference":
      return <InferencePage key={`${id}|${query.get("operator")}`} requestId={id} operator={query.get("operator") ?? undefined} rpc={rpc} />;
    case "commitment":
      return <CommitmentPage key={id} id={id} />;
    case "dispute":
      return <DisputePage key={id} id={id} />;
    case "operator":
      return <OperatorPage key={id} address={id} />;
    case "model":
      return <ModelPage key={id} id={id} />;
    default:
      return <Message kind="error">There is no page "{page}": try an inference, commitment, dispute, operator or model.</Message>;
  }
}

function App() {
  return (
    <>
      <header>
        <a class="brand" href={href.home()}>vinfer explorer</a>
        <span class="muted mono">{INDEXER.replace(/^https?:\/\//, "")}</span>
      </header>
      <main>
        <Page />
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
