// "Re-run the model": the input from the operator's data endpoint or a file the user drops in (checked against
// the committed input hash), the model file from its registered URI (checked against the registered weights
// root), the runtime run in this browser, and the output hash compared with the committed one.
import { useState } from "preact/hooks";
import { fetchCommitmentData, getModel, getVinferContracts, hexToInt8, type GetModelReturnType } from "@vinfer/sdk";
import { argmax, infer, parseModel, vectorHash, type Int8Model } from "@vinfer/runtime";
import { createPublicClient, http, isHex, type Address, type Hex } from "viem";
import { INDEXER } from "../api.ts";
import { Fields, Id, Message, Section } from "../lib.tsx";
import type { InferenceQuery } from "../generated/graphql.ts";

type Outcome = {
  source: string;
  rootSource: string;
  inputOk: boolean;
  weightsOk: boolean;
  output: Hex;
  outputOk: boolean;
  label: number;
  inputMs: number;
  modelMs: number;
  runMs: number;
  modelUrl: string;
};

/** The model file's URL: relative URIs resolve against the indexer's origin; only http(s) can be fetched here. */
function modelUrl(uri: string): string | undefined {
  try {
    const url = new URL(uri, `${INDEXER}/`);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** `make()` once per key for the page's lifetime; a failure is forgotten, so the next call tries again. */
function remembered<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    cache.set(key, value);
    value.catch(() => cache.delete(key));
  }
  return value;
}

/** Parsed model files by URL: a second re-run does not fetch or parse again. */
const models = new Map<string, Promise<Int8Model>>();

function loadModel(url: string): Promise<Int8Model> {
  return remembered(models, url, async () => {
    const response = await fetch(url).catch((e: unknown) => {
      throw new Error(`the model file ${url} is unreachable (${e instanceof Error ? e.message : String(e)})`);
    });
    if (!response.ok) throw new Error(`the model file ${url} answered ${response.status}`);
    try {
      return parseModel(await response.text());
    } catch (e) {
      throw new Error(`${url} is not a vinfer int8 model: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
}

/** The registry's record of a model as the chain says, by RPC, ledger and model. */
const registered = new Map<string, Promise<GetModelReturnType>>();

function registeredModel(rpc: string, ledger: Address, modelId: Hex): Promise<GetModelReturnType> {
  return remembered(registered, `${rpc}|${ledger}|${modelId}`.toLowerCase(), async () => {
    const client = createPublicClient({ transport: http(rpc, { timeout: 10_000, retryCount: 0 }) });
    return getModel(client, { contracts: await getVinferContracts(client, { ledger }), modelId });
  });
}

/** An input from a dropped file: a JSON array of int8 values, `{ "input": [...] }`, or int8 bytes as 0x hex. */
export function inputFromFile(text: string): Int8Array {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error("the file is not JSON: expected an array of int8 values, { \"input\": [...] } or a 0x hex string");
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value) && "input" in value) value = (value as { input: unknown }).input;
  if (typeof value === "string") {
    if (!isHex(value)) throw new Error("the input string is not 0x hex");
    return hexToInt8(value);
  }
  if (!Array.isArray(value)) throw new Error("expected an array of int8 values, { \"input\": [...] } or a 0x hex string");
  const bad = value.findIndex((v) => !Number.isInteger(v) || (v as number) < -128 || (v as number) > 127);
  if (bad >= 0) throw new Error(`input[${bad}] is ${JSON.stringify(value[bad])}, not an integer in [-128, 127]`);
  return Int8Array.from(value as number[]);
}

/** What the re-run reads of the inference page's row. */
type RerunRow = Pick<InferenceQuery["inferences"]["items"][number], "commitmentId" | "leafIndex" | "requestId" | "inputHash" | "outputHash" | "modelId">;

type RerunProps = {
  row: RerunRow;
  dataUri: string | null;
  modelUri?: string;
  /** The weights root as indexed: used only when the chain cannot be read. */
  weightsRoot?: string;
  /** Where to read the registered weights root from the chain (the receipt's ledger, the page's RPC). */
  chain?: { rpc: string; ledger: Address };
};

export function Rerun({ row, dataUri, modelUri, weightsRoot, chain }: RerunProps) {
  const [busy, setBusy] = useState<string>();
  const [outcome, setOutcome] = useState<Outcome>();
  const [error, setError] = useState<string>();
  const [url, setUrl] = useState(() => (modelUri ? (modelUrl(modelUri) ?? "") : ""));
  const [dropped, setDropped] = useState<{ name: string; input: Int8Array }>();
  const [dragging, setDragging] = useState(false);

  /** The weights root to check the model file against: the registry's on chain, else the indexer's record. */
  const registeredRoot = async (): Promise<{ root: string; source: string }> => {
    if (chain) {
      try {
        return { root: (await registeredModel(chain.rpc, chain.ledger, row.modelId as Hex)).weightsRoot, source: `the registry on chain (${chain.rpc})` };
      } catch (e) {
        const why = e instanceof Error ? ((e as { shortMessage?: string }).shortMessage ?? e.message) : String(e);
        if (weightsRoot) return { root: weightsRoot, source: `the indexer's record: the chain could not be read (${why})` };
        throw new Error(`the registered weights root could not be read from the chain: ${why}`);
      }
    }
    if (!weightsRoot) throw new Error("the model's weights root is not known");
    return { root: weightsRoot, source: "the indexer's record (no receipt names the ledger)" };
  };

  const run = async (file?: { name: string; input: Int8Array }) => {
    setError(undefined);
    setOutcome(undefined);
    try {
      if (!url || !modelUrl(url)) throw new Error(`the model's URI ${JSON.stringify(modelUri)} cannot be fetched from a browser: enter an http(s) URL of the model file`);
      let input: Int8Array;
      let source: string;
      const inputStart = performance.now();
      if (file) {
        input = file.input;
        source = `the file ${file.name}`;
      } else {
        if (!dataUri) throw new Error("the operator published no data URI: drop the input file here instead");
        setBusy("fetching the input from the operator…");
        // The endpoint is another origin: the browser reads it only if it answers with CORS headers.
        const data = await fetchCommitmentData({ dataURI: dataUri, commitmentId: row.commitmentId as Hex });
        const item = data.items[row.leafIndex];
        if (!item || item.requestId.toLowerCase() !== row.requestId.toLowerCase()) throw new Error(`the data endpoint has no leaf ${row.leafIndex} for request ${row.requestId}`);
        input = hexToInt8(item.input);
        source = "the operator's data endpoint";
      }
      const inputMs = performance.now() - inputStart;
      setBusy("fetching the model…");
      const modelStart = performance.now();
      const [model, root] = await Promise.all([loadModel(url), registeredRoot()]);
      const modelMs = performance.now() - modelStart;
      if (input.length !== model.inputWidth) throw new Error(`the input has ${input.length} values, the model takes ${model.inputWidth}`);
      setBusy("running the model…");
      const start = performance.now();
      const output = infer(model, input);
      const runMs = performance.now() - start;
      const hash = vectorHash(output);
      setOutcome({
        source,
        inputOk: vectorHash(input) === row.inputHash.toLowerCase(),
        rootSource: root.source,
        weightsOk: model.weightsRoot.toLowerCase() === root.root.toLowerCase(),
        output: hash,
        outputOk: hash === row.outputHash.toLowerCase(),
        label: argmax(output),
        inputMs,
        modelMs,
        runMs,
        modelUrl: url,
      });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(undefined);
    }
  };

  const take = async (file: File | undefined) => {
    if (!file) return;
    setError(undefined);
    try {
      const picked = { name: file.name, input: inputFromFile(await file.text()) };
      setDropped(picked);
      await run(picked);
    } catch (e) {
      setOutcome(undefined);
      setError(`${file.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  return (
    <Section title="Re-run the model" name="rerun">
      <div
        class={dragging ? "dropzone dragging" : "dropzone"}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void take(e.dataTransfer?.files[0]);
        }}
      >
        <p class="muted">
          Fetches the input from the operator's data endpoint ({dataUri ? <span class="mono break">{dataUri}</span> : "none published"}) or takes a file you
          drop here, fetches the model file (registered URI <span class="mono break">{modelUri ?? "?"}</span>) and checks it against the weights root, runs
          it in this page and compares the output hash with the committed one.
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
          <button type="submit" disabled={busy !== undefined || !dataUri || url.trim() === ""}>
            {busy ?? "Re-run here"}
          </button>
        </form>
        <label class="file">
          or the input from a file (JSON int8 array, <span class="mono">{'{ "input": [...] }'}</span> or 0x hex):{" "}
          <input type="file" accept=".json,application/json,text/plain" onChange={(e) => void take((e.target as HTMLInputElement).files?.[0])} />
          {dropped && <span class="muted"> last: {dropped.name}</span>}
        </label>
      </div>
      {error && <Message kind="error">Could not re-run: {error}</Message>}
      {outcome && (
        <>
          <Fields
            rows={[
              ["input from", outcome.source],
              ["input matches the committed hash", outcome.inputOk ? "yes" : "NO"],
              ["model matches the registered weights root", outcome.weightsOk ? "yes" : "NO"],
              ["registered weights root read from", outcome.rootSource],
              ["output hash here", <Id value={outcome.output} full />],
              ["committed output hash", <Id value={row.outputHash} full />],
              ["argmax of the output", String(outcome.label)],
              ["run time", `${outcome.runMs.toFixed(1)} ms (input ${outcome.inputMs.toFixed(0)} ms, model file ${outcome.modelMs.toFixed(0)} ms)`],
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
