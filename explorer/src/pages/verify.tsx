// Document verification: a dropped file is hashed here with WebCrypto (never uploaded); its SHA-256 is looked
// up as the subject of doc.certify records, and each certification's proof is verified in the page.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ActionJson, ActionPageJson } from '../../../src/api/types.js';
import { apiGet, type ApiCallError } from '../api.js';
import type { ProofCheck } from '../proof-check.js';
import { ErrorBox, Hash, link, Loading, num, Time } from '../ui.js';
import { download, ProofResult, verifyInPage } from './record.js';

const DOC_KIND = 'doc.certify';

function hex(buf: ArrayBuffer): string {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * SHA-256 of the file, in this browser: WebCrypto where the page is a secure context (localhost, https); a node
 * reached over plain http on a LAN address has no crypto.subtle, so @noble/hashes does it there.
 */
async function sha256Hex(buf: ArrayBuffer): Promise<string> {
  if (globalThis.crypto?.subtle !== undefined) return hex(await crypto.subtle.digest('SHA-256', buf));
  const { sha256 } = await import('@noble/hashes/sha2.js');
  return hex(sha256(new Uint8Array(buf)).buffer as ArrayBuffer);
}

interface Found {
  sha256: string;
  name?: string;
  size?: number;
  certs: Array<{ a: ActionJson; confirmations?: number; check?: ProofCheck; proof?: string }>;
}

async function lookUp(sha256: string): Promise<Found['certs']> {
  const page = await apiGet<ActionPageJson>(`subjects/${sha256}/actions?limit=1000`);
  const certs: Found['certs'] = [];
  for (const a of page.items.filter((i) => i.tx.kind === DOC_KIND)) {
    const proof = JSON.stringify(await apiGet<{ confirmations: number }>(`txs/${a.txid}/proof`));
    const check = await verifyInPage(proof);
    certs.push({ a, proof, check, confirmations: (JSON.parse(proof) as { confirmations: number }).confirmations });
  }
  return certs;
}

/** The verdict over every certification's proof: anchored, only checked (not final yet), or failed. */
function Verdict({ certs }: { certs: Found['certs'] }): JSX.Element {
  const times = certs.length === 1 ? 'once' : `${certs.length} times`;
  const failed = certs.filter((c) => c.check?.status !== 'anchored' && c.check?.status !== 'unanchored').length;
  const unanchored = certs.filter((c) => c.check?.status === 'unanchored').length;
  const [cls, text] =
    failed > 0
      ? ['bad', `Certified ${times}, but a proof did not verify.`]
      : unanchored > 0
        ? ['warn', `Certified ${times}; every proof checked in this browser, ${unanchored} not yet under a final checkpoint (unanchored).`]
        : ['ok', `Certified ${times}, every proof verified in this browser and anchored to a final checkpoint.`];
  return (
    <p class={cls} role="status" data-testid="doc-verdict">
      {text}
    </p>
  );
}

/** The document verification page; `hash` looks a known SHA-256 up directly. */
export function VerifyPage({ hash }: { hash?: string }): JSX.Element {
  const [found, setFound] = useState<Found>();
  const [error, setError] = useState<ApiCallError | { code: string; message: string }>();
  const [busy, setBusy] = useState<string>();
  const [over, setOver] = useState(false);

  const run = (sha256: string, name?: string, size?: number): void => {
    setError(undefined);
    setFound(undefined);
    setBusy('Looking the document up…');
    lookUp(sha256).then(
      (certs) => (setFound({ sha256, name, size, certs }), setBusy(undefined)),
      (e: ApiCallError) => (setError(e), setBusy(undefined)),
    );
  };
  useEffect(() => {
    if (hash !== undefined && /^[0-9a-fA-F]{64}$/.test(hash)) run(hash.toLowerCase());
  }, [hash]);

  const onFile = (file: File | undefined): void => {
    if (file === undefined) return;
    setBusy(`Hashing ${file.name} in this browser…`);
    file
      .arrayBuffer()
      .then(sha256Hex)
      .then(
        (d) => run(d, file.name, file.size),
        (e: Error) => (setError({ code: 'DOC_UNREADABLE', message: e.message }), setBusy(undefined)),
      );
  };

  return (
    <>
      <h1>Verify a document</h1>
      <p>Pick or drop a file: it is hashed in this browser (SHA-256, WebCrypto) and never uploaded. Only its hash is looked up.</p>
      <div
        class={over ? 'drop over' : 'drop'}
        data-testid="drop-zone"
        onDragOver={(e) => (e.preventDefault(), setOver(true))}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => (e.preventDefault(), setOver(false), onFile(e.dataTransfer?.files[0]))}
      >
        <label for="doc-file">Document to verify</label> <input id="doc-file" type="file" onChange={(e) => onFile((e.target as HTMLInputElement).files?.[0])} />
        <p class="muted">or drop it here</p>
      </div>
      {busy !== undefined && <Loading what={busy.replace(/…$/, '')} />}
      {error !== undefined && <ErrorBox error={error} />}
      {found !== undefined && (
        <section aria-label="Verification result" data-testid="doc-result">
          <p>
            {found.name !== undefined && (
              <>
                <strong>{found.name}</strong> ({num(found.size ?? 0)} bytes),{' '}
              </>
            )}
            SHA-256 <Hash value={found.sha256} label="document hash" />
          </p>
          {found.certs.length === 0 ? (
            <p class="bad" role="alert" data-testid="doc-verdict">
              Not certified: no certification of this exact content is on this chain. A changed file has another hash.
            </p>
          ) : (
            <>
              <Verdict certs={found.certs} />
              {found.certs.map((c) => (
                <article key={c.a.txid} class="card">
                  <p>
                    By <Hash value={c.a.tx.from} href={link.actor(c.a.tx.from)} label="certifier key" /> at <Time s={c.a.time} /> in block{' '}
                    <a href={link.block(c.a.height)}>{c.a.height}</a>, {c.confirmations ?? '?'} confirmations. Record{' '}
                    <Hash value={c.a.txid} href={link.record(c.a.txid)} label="record id" />
                  </p>
                  {c.check !== undefined && <ProofResult r={c.check} />}
                  {c.proof !== undefined && (
                    <button type="button" onClick={() => download(`proof-${c.a.txid}.json`, JSON.stringify(JSON.parse(c.proof!), null, 2), 'application/json')}>
                      Download proof
                    </button>
                  )}
                </article>
              ))}
            </>
          )}
        </section>
      )}
    </>
  );
}
