// Record page: status and confirmations (live), signer, kind, subject, payload (decoded or raw), proof
// download and verification in the browser.
import type { JSX } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { StatusJson, TxStatusJson } from '../../../src/api/types.js';
import { apiGet, useApi } from '../api.js';
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

/** The steps of a proof check. */
export function ProofResult({ r }: { r: ProofCheck }): JSX.Element {
  return (
    <div data-testid="proof-result" role="status">
      <p class={r.valid ? 'ok' : 'bad'}>
        <strong>{r.valid ? 'Proof is valid' : `Proof is invalid: ${r.code ?? ''}`}</strong>
        {r.message !== undefined && ` — ${r.message}`}
      </p>
      <ol class="steps">
        {r.steps.map((s) => (
          <li class={s.state === 'ok' ? 'ok' : s.state === 'failed' ? 'bad' : 'muted'}>
            {s.name}: {s.state}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Verify proof text in the page (loads the verifier on first use). */
export async function verifyInPage(text: string): Promise<ProofCheck> {
  const [{ checkProof }, status] = await Promise.all([import('../proof-check.js'), apiGet<StatusJson>('status')]);
  return checkProof(text, status.chainId);
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
  const confirmations = (r: TxStatusJson): number => (r.block !== undefined && tip !== undefined ? Math.max(r.confirmations, tip - r.block.height + 1) : r.confirmations);
  return (
    <>
      <h1>Record</h1>
      <Show f={f} what={`record ${txid}`}>
        {(r) => (
          <>
            <Fields
              rows={[
                ['Record id', <Hash value={r.tx.txid} label="record id" full />],
                ['Status', <strong data-testid="record-status" class={r.status === 'mined' ? 'ok' : 'warn'}>{r.status}</strong>],
                ['Confirmations', <span data-testid="confirmations">{confirmations(r)}</span>],
                r.block !== undefined && ['Block', <a href={link.block(r.block.height)}>{`${num(r.block.height)} (record ${r.block.index})`}</a>],
                r.block !== undefined && ['Block time', <Time s={r.block.time} />],
                ['Signer', <Hash value={r.tx.from} href={link.actor(r.tx.from)} label="actor key" />],
                ['Nonce', String(r.tx.nonce)],
                ['Kind', <a href={link.kind(r.tx.kind)} data-testid="record-kind">{r.tx.kind}</a>],
                ['Subject', r.tx.subject === undefined ? <span class="muted">none</span> : <a href={link.subject(r.tx.subject)} data-testid="record-subject">{r.tx.subject}</a>],
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
            {r.status === 'mined' ? <ProofPanel txid={r.tx.txid} /> : <p class="muted">A proof exists once the record is mined; this page updates when it is.</p>}
          </>
        )}
      </Show>
    </>
  );
}
