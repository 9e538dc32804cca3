// "Verify on chain": the SDK's verifyReceipt, run in this browser against the chain's RPC, trusting nothing the
// indexer said: the leaf recomputed from the inference, the root from the Merkle proof, the commitment id from
// (model, operator, root), then the ledger's getCommitment and inferenceStatus.
import { useState } from "preact/hooks";
import { verifyReceipt, type IndexedReceipt, type VerifyReceiptReturnType } from "@vinfer/sdk";
import { createPublicClient, http } from "viem";
import { Badge, Fields, Id, Message } from "../lib.tsx";

export const DEFAULT_RPC = "http://127.0.0.1:8545";

/** The levels the proof climbs: at each, the node's position, whether a sibling is hashed in (and on which side) or the node is promoted. */
function pathOf(index: number, count: number, proof: readonly string[]) {
  const levels: { level: number; position: number; sibling?: string; side?: "left" | "right" }[] = [];
  let position = index;
  let width = count;
  let used = 0;
  for (let level = 0; width > 1; level++) {
    const promoted = position === width - 1 && position % 2 === 0;
    if (promoted) levels.push({ level, position });
    else levels.push({ level, position, sibling: proof[used++], side: position % 2 === 0 ? "right" : "left" });
    position >>= 1;
    width = Math.ceil(width / 2);
  }
  return levels;
}

export function Verify({ receipt, rpc: initialRpc }: { receipt: IndexedReceipt; rpc?: string }) {
  const [rpc, setRpc] = useState(initialRpc ?? DEFAULT_RPC);
  const [result, setResult] = useState<VerifyReceiptReturnType>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      const client = createPublicClient({ transport: http(rpc, { timeout: 10_000, retryCount: 0 }) });
      const chainId = await client.getChainId();
      if (chainId !== receipt.chainId) throw new Error(`the RPC serves chain ${chainId}, the receipt is for chain ${receipt.chainId}`);
      setResult(await verifyReceipt(client, { contracts: { ledger: receipt.ledger }, receipt }));
    } catch (e) {
      setError(e instanceof Error ? (e as { shortMessage?: string }).shortMessage ?? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const path = pathOf(receipt.leafIndex, receipt.count, receipt.proof);
  return (
    <div class="verify">
      <h3>Verify on chain</h3>
      <form
        class="rpc"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <label>
          RPC <input value={rpc} onInput={(e) => setRpc((e.target as HTMLInputElement).value)} spellcheck={false} />
        </label>
        <button type="submit" disabled={busy}>{busy ? "Checking…" : "Verify on chain"}</button>
      </form>
      <p class="muted">
        Ledger <Id value={receipt.ledger} full /> on chain {receipt.chainId}. The check recomputes the leaf from the inference, the root from
        the proof, the commitment id from model, operator and root, and reads the ledger; it trusts nothing the indexer said.
      </p>
      <h4>Merkle path (leaf {receipt.leafIndex} of {receipt.count})</h4>
      <ol class="path">
        <li><span>leaf</span> <Id value={result?.leaf ?? receipt.leaf} full /></li>
        {path.map((p) => (
          <li key={p.level}>
            <span>level {p.level}, position {p.position}</span>{" "}
            {p.sibling ? (
              <>hash with the {p.side} sibling <Id value={p.sibling} full /></>
            ) : (
              <>promoted (last node of an odd level)</>
            )}
          </li>
        ))}
        <li><span>root</span> <Id value={result ? (result.root ?? "does not fit") : receipt.root} full /></li>
        <li><span>commitment id</span> <Id value={result ? (result.computedCommitmentId ?? "—") : receipt.commitmentId} full /></li>
      </ol>
      {error && <Message kind="error">Could not verify: {error}</Message>}
      {result &&
        (result.included ? (
          <Message kind="info">
            ✔ Included: the proof leads to a root that hashes with the model and operator to commitment {receipt.commitmentId.slice(0, 10)}…, which the chain holds. Status on chain:{" "}
            <Badge status={result.status} />{result.final ? " (final)" : " (can still change)"}.
          </Message>
        ) : (
          <Message kind="error">✘ Not included: {result.reason}</Message>
        ))}
      {result && (
        <Fields
          rows={[
            ["leaf recomputed", <Id value={result.leaf} full />],
            ["root recomputed", <Id value={result.root} full />],
            ["commitment id recomputed", <Id value={result.computedCommitmentId} full />],
            ["matches the receipt's", result.computedCommitmentId === receipt.commitmentId.toLowerCase() ? "yes" : "no"],
          ]}
        />
      )}
    </div>
  );
}
