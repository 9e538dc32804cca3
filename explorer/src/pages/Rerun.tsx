// "Re-run the model": the input from the operator's data endpoint (checked against the committed input hash),
// the model file from its URI (checked against the registered weights root), the runtime run in this browser,
// and the output hash compared with the committed one.
import { useState } from "preact/hooks";
import { fetchCommitmentData, hexToInt8 } from "@vinfer/sdk";
import { argmax, infer, parseModel, vectorHash } from "@vinfer/runtime";
import type { Hex } from "viem";
import { INDEXER } from "../api.ts";
import { Fields, Id, Message, Section } from "../lib.tsx";
import type { Inference } from "../types.ts";

type Outcome = { inputOk: boolean; weightsOk: boolean; output: Hex; outputOk: boolean; label: number; ms: number; modelUrl: string };

/** The model file's URL: relative URIs resolve against the indexer's origin; only http(s) can be fetched here. */
function modelUrl(uri: string): string | undefined {
  try {
    const url = new URL(uri, `${INDEXER}/`);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export function Rerun({ row, dataUri, modelUri, weightsRoot }: { row: Inference; dataUri: string | null; modelUri?: string; weightsRoot?: Hex }) {
  const [busy, setBusy] = useState<string>();
  const [outcome, setOutcome] = useState<Outcome>();
  const [error, setError] = useState<string>();
  const [url, setUrl] = useState(() => (modelUri ? (modelUrl(modelUri) ?? "") : ""));
  const run = async () => {
    setError(undefined);
    setOutcome(undefined);
    try {
      if (!dataUri) throw new Error("the operator published no data URI");
      if (!url || !modelUrl(url) || !weightsRoot) throw new Error(`the model's URI ${JSON.stringify(modelUri)} cannot be fetched from a browser: enter an http(s) URL of the model file`);
      setBusy("fetching the input from the operator…");
      // The endpoint is another origin: the browser reads it only if it answers with CORS headers.
      const data = await fetchCommitmentData({ dataURI: dataUri, commitmentId: row.commitmentId });
      const item = data.items[row.leafIndex];
      if (!item || item.requestId.toLowerCase() !== row.requestId.toLowerCase()) throw new Error(`the data endpoint has no leaf ${row.leafIndex} for request ${row.requestId}`);
      const input = hexToInt8(item.input);
      const inputOk = vectorHash(input) === row.inputHash.toLowerCase();
      setBusy("fetching the model…");
      const response = await fetch(url).catch((e: unknown) => {
        throw new Error(`the model file ${url} is unreachable (${e instanceof Error ? e.message : String(e)})`);
      });
      if (!response.ok) throw new Error(`the model file ${url} answered ${response.status}`);
      const model = parseModel(await response.text());
      const weightsOk = model.weightsRoot.toLowerCase() === weightsRoot.toLowerCase();
      setBusy("running the model…");
      const start = performance.now();
      const output = infer(model, input);
      const ms = performance.now() - start;
      const hash = vectorHash(output);
      setOutcome({ inputOk, weightsOk, output: hash, outputOk: hash === row.outputHash.toLowerCase(), label: argmax(output), ms, modelUrl: url });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <Section title="Re-run the model">
      <p class="muted">
        Fetches the input from the operator's data endpoint ({dataUri ? <span class="mono break">{dataUri}</span> : "none published"}), the model file
        (registered URI <span class="mono break">{modelUri ?? "?"}</span>, relative to the indexer) and checks it against the weights root, runs it in this page
        and compares the output hash. The data endpoint must allow cross-origin reads.
      </p>
      <form
        class="rpc"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <label>
          model <input value={url} onInput={(e) => setUrl((e.target as HTMLInputElement).value)} placeholder="http(s) URL of the model file" spellcheck={false} />
        </label>
        <button type="submit" disabled={busy !== undefined || !dataUri || url.trim() === ""}>{busy ?? "Re-run here"}</button>
      </form>
      {error && <Message kind="error">Could not re-run: {error}</Message>}
      {outcome && (
        <>
          <Fields
            rows={[
              ["input matches the committed hash", outcome.inputOk ? "yes" : "NO"],
              ["model matches the registered weights root", outcome.weightsOk ? "yes" : "NO"],
              ["output hash here", <Id value={outcome.output} full />],
              ["committed output hash", <Id value={row.outputHash} full />],
              ["argmax of the output", String(outcome.label)],
              ["run time", `${outcome.ms.toFixed(1)} ms`],
            ]}
          />
          {outcome.inputOk && outcome.weightsOk ? (
            outcome.outputOk ? (
              <Message>✔ Same output: the operator computed what it committed.</Message>
            ) : (
              <Message kind="error">✘ Different output: the committed output is not what the model computes on this input (a dispute would prove it).</Message>
            )
          ) : (
            <Message kind="warn">The input or the model does not match what was committed, so the comparison proves nothing.</Message>
          )}
        </>
      )}
    </Section>
  );
}
