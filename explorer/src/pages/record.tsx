// Record page: status (pending, mined, final) and confirmations (live), signer, kind, subject, payload (decoded
// or raw), proof download and verification in the browser (anchored to the witnessed checkpoint once final).
import type { JSX } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { StatusJson, TxStatusJson } from '../../../src/api/types.js';
import { apiGet, useApi } from '../api.js';
import { useFinalHeight } from '../finality.js';
import { useOnBlock } from '../live.js';
import type { ProofCheck } from '../proof-check.js';
import { ErrorBox, Fields, Hash, link, num, Show, Time } from '../ui.js';

/** Offer `text` as a file download. */
export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function coreTime(seconds: number): string {
  if (seconds < 1) return `${(seconds * 1000).toPrecision(2)} ms`;
  if (seconds < 86_400) return `${seconds.toPrecision(3)} s`;
  return `${(seconds / 86_400).toPrecision(3)} days`;
}

/** The verdict and steps of a proof check. */
export function ProofResult({ r }: { r: ProofCheck }): JSX.Element {
  return (
    <div data-testid="proof-result" role="status">
      {r.status === 'anchored' ? (
        <>
          <p class="ok">
            <strong>Proof is valid and anchored</strong> — the block is under a final checkpoint of the header log (size {r.checkpointSize}) signed by{' '}
            {r.signers?.length} of the {r.trusted?.length} witness{r.trusted?.length === 1 ? '' : 'es'} this node trusts ({r.signers?.join(', ')}), threshold{' '}
            {r.threshold}.
          </p>
          <p class="muted" data-testid="proof-trust">
            The witness keys and threshold came from this node (GET /log/checkpoint.json), so this check is only as trustworthy as the node. For trust
            independent of it, download the proof and run <code>chain-node proof verify proof.json --witnesses &lt;keys you trust&gt;</code>.
          </p>
        </>
      ) : r.status === 'unanchored' ? (
        <>
          <p class="warn">
            <strong>Proof is unanchored</strong> — the record checks passed, but the header is not yet under a final checkpoint ({r.reason}).
          </p>
          <p class="muted" data-testid="proof-trust">
            Checked: the txid, the Merkle path to the header, the signature, and the header&apos;s proof of work against its own bits
            {r.work !== undefined && ` (forging it costs about 2^${r.work.log2Hashes} hashes, ${coreTime(r.work.coreSeconds)} of one CPU core)`}. Not checked:
            that the header is in the network&apos;s chain; its height and time are only its own claims. Once a witnessed checkpoint covers the block, the node
            serves an anchored (version 2) proof.
          </p>
        </>
      ) : (
        <p class="bad">
          <strong>{`Proof is invalid: ${r.code ?? ''}`}</strong>
          {r.message !== undefined && ` — ${r.message}`}
        </p>
      )}
      <ol class="steps">
        {r.steps.map((s) => (
          <li class={s.state === 'ok' ? 'ok' : s.state === 'failed' ? 'bad' : s.state === 'not anchored' ? 'warn' : 'muted'}>
            {s.name}: {s.state === 'not anchored' ? 'not yet (no final checkpoint in this proof)' : s.state}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** The part of GET /log/checkpoint.json the check needs (the node's witness set and its threshold). */
interface FinalCheckpointJson {
  origin: string;
  witnesses: string[];
  threshold: number;
}

/**
 * Verify proof text in the page (loads the verifier on first use). A version 2 proof is checked against the
 * witness keys and threshold this node reports.
 */
export async function verifyInPage(text: string): Promise<ProofCheck> {
  let version: unknown;
  try {
    version = (JSON.parse(text) as { version?: unknown } | null)?.version;
  } catch {
    // checkProof reports it.
  }
  const [{ checkProof }, status, cp] = await Promise.all([
    import('../proof-check.js'),
    apiGet<StatusJson>('status'),
    version === 2 ? apiGet<FinalCheckpointJson>('log/checkpoint.json') : undefined,
  ]);
  return checkProof(text, status.chainId, cp === undefined ? undefined : { keys: cp.witnesses, threshold: cp.threshold, origin: cp.origin });
}

function ProofPanel({ txid }: { txid: string }): JSX.Element {
  const [text, setText] = useState<string>();
  const [error, setError] = useState<{ code: string; message: string }>();
  const [result, setResult] = useState<ProofCheck>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    apiGet<unknown>(`txs/${txid}/proof`).then((p) => setText(JSON.stringify(p, null, 2)), setError);
  }, [txid]);
  const verify = (): void => {
    if (text === undefined) return;
    setBusy(true);
    verifyInPage(text).then(
      (r) => (setResult(r), setBusy(false)),
      (e: { code?: string; message: string }) => (setError({ code: e.code ?? 'ERROR', message: e.message }), setBusy(false)),
    );
  };
  if (error !== undefined) return <ErrorBox error={error} what="the record proof" />;
  if (text === undefined) return <p role="status">Loading the record proof…</p>;
  return (
    <>
      <div class="row">
        <button type="button" onClick={verify} disabled={busy}>
          {busy ? 'Verifying…' : 'Verify in this browser'}
        </button>
        <button type="button" onClick={() => download(`proof-${txid}.json`, text, 'application/json')}>
          Download proof
        </button>
      </div>
      {result !== undefined && <ProofResult r={result} />}
      <details>
        <summary>Proof document (edit it to see verification fail)</summary>
        <label for="proof-text">Record proof JSON</label>
        <textarea id="proof-text" value={text} onInput={(e) => (setText((e.target as HTMLTextAreaElement).value), setResult(undefined))} spellcheck={false} />
      </details>
    </>
  );
}

/** One record by txid. */
export function RecordPage({ txid }: { txid: string }): JSX.Element {
  const f = useApi<TxStatusJson>(`txs/${encodeURIComponent(txid.toLowerCase())}`);
  const [raw, setRaw] = useState(false);
  const [tip, setTip] = useState<number>();
  const reload = f.reload;
  const pending = f.data?.status === 'pending';
  // A pending record is looked up again on each block; a mined one counts confirmations from the event's height.
  useOnBlock(useCallback((b: { height: number }) => (pending ? reload() : setTip(b.height)), [pending, reload]));
  const finalHeight = useFinalHeight();
  const isFinal = (r: TxStatusJson): boolean => r.block !== undefined && finalHeight !== undefined && r.block.height <= finalHeight;
  const confirmations = (r: TxStatusJson): number =>
    r.block !== undefined && tip !== undefined ? Math.max(r.confirmations, tip - r.block.height + 1) : r.confirmations;
  return (
    <>
      <h1>Record</h1>
      <Show f={f} what={`record ${txid}`}>
        {(r) => (
          <>
            <Fields
              rows={[
                ['Record id', <Hash value={r.tx.txid} label="record id" full />],
                [
                  'Status',
                  isFinal(r) ? (
                    <strong data-testid="record-status" class="ok" title="its block is under a final checkpoint signed by the witnesses">
                      final
                    </strong>
                  ) : (
                    <strong data-testid="record-status" class={r.status === 'mined' ? 'ok' : 'warn'}>
                      {r.status}
                    </strong>
                  ),
                ],
                ['Confirmations', <span data-testid="confirmations">{confirmations(r)}</span>],
                r.block !== undefined && ['Block', <a href={link.block(r.block.height)}>{`${num(r.block.height)} (record ${r.block.index})`}</a>],
                r.block !== undefined && ['Block time', <Time s={r.block.time} />],
                ['Signer', <Hash value={r.tx.from} href={link.actor(r.tx.from)} label="actor key" />],
                ['Nonce', String(r.tx.nonce)],
                [
                  'Kind',
                  <a href={link.kind(r.tx.kind)} data-testid="record-kind">
                    {r.tx.kind}
                  </a>,
                ],
                [
                  'Subject',
                  r.tx.subject === undefined ? (
                    <span class="muted">none</span>
                  ) : (
                    <a href={link.subject(r.tx.subject)} data-testid="record-subject">
                      {r.tx.subject}
                    </a>
                  ),
                ],
                ['Signed at', <Time s={Math.floor(r.tx.time / 1000)} />],
                ['Size', `${num(r.tx.size)} bytes`],
              ]}
            />
            <h2>Payload</h2>
            <div class="row">
              <label>
                <input type="checkbox" checked={raw} onChange={(e) => setRaw((e.target as HTMLInputElement).checked)} /> Raw (signed fields as served)
              </label>
            </div>
            <pre data-testid="payload">{raw ? JSON.stringify(r.tx, null, 2) : JSON.stringify(r.tx.payload, null, 2)}</pre>
            <h2>Proof</h2>
            {r.status === 'mined' ? (
              <ProofPanel key={isFinal(r) ? 'final' : 'mined'} txid={r.tx.txid} />
            ) : (
              <p class="muted">A proof exists once the record is mined; this page updates when it is.</p>
            )}
          </>
        )}
      </Show>
    </>
  );
}
