// Actor page: an actor's history in nonce order, gap detection, counts and exports.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { AccountJson, ActionJson, ActionPageJson } from '../../../src/api/types.js';
import { apiGet, useApi, type ApiCallError } from '../api.js';
import { nonceGaps, toCsv, toJsonl } from '../export.js';
import { ErrorBox, Fields, Hash, Loading, num, Show } from '../ui.js';
import { RecordRows } from './records-table.js';
import { download } from './record.js';

const PAGE = 100;
const EXPORT_MAX = 100_000;

/** Every action of an actor (for exports), page by page. */
async function allActions(actor: string): Promise<ActionJson[]> {
  const out: ActionJson[] = [];
  let cursor: string | undefined;
  do {
    const p = await apiGet<ActionPageJson>(`accounts/${actor}/actions?limit=1000${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
    out.push(...p.items);
    cursor = p.nextCursor;
  } while (cursor !== undefined && out.length < EXPORT_MAX);
  return out;
}

/** The actor page. */
export function ActorPage({ actor }: { actor: string }): JSX.Element {
  const key = actor.toLowerCase();
  const account = useApi<AccountJson>(`accounts/${key}`);
  const [items, setItems] = useState<ActionJson[]>();
  const [cursor, setCursor] = useState<string>();
  const [error, setError] = useState<ApiCallError>();
  const [busy, setBusy] = useState<string>();
  const load = (c?: string): void => {
    apiGet<ActionPageJson>(`accounts/${key}/actions?limit=${PAGE}${c === undefined ? '' : `&cursor=${encodeURIComponent(c)}`}`).then(
      (p) => (setItems((old) => [...(c === undefined ? [] : (old ?? [])), ...p.items]), setCursor(p.nextCursor)),
      setError,
    );
  };
  useEffect(() => load(), [key]);
  const exportAs = (fmt: 'csv' | 'jsonl'): void => {
    setBusy(fmt);
    allActions(key).then(
      (all) => {
        download(`actor-${key.slice(0, 16)}.${fmt}`, fmt === 'csv' ? toCsv(all) : toJsonl(all), fmt === 'csv' ? 'text/csv' : 'application/jsonl');
        setBusy(undefined);
      },
      (e: ApiCallError) => (setError(e), setBusy(undefined)),
    );
  };
  const gaps = items === undefined ? [] : nonceGaps(items.map((a) => a.tx.nonce));
  return (
    <>
      <h1>Actor</h1>
      <Show f={account} what="the account">
        {(a) => (
          <Fields
            rows={[
              ['Public key', <Hash value={a.actor} label="actor key" full />],
              ['Mined actions', <span data-testid="mined-count">{num(a.nextNonce)}</span>],
              ['Pending', String(a.pending)],
              ['Next nonce', `${a.nextNonce} on chain, ${a.pendingNonce} counting the mempool`],
            ]}
          />
        )}
      </Show>
      <h2 id="actor-history">History (nonce order)</h2>
      <div class="row">
        <button type="button" onClick={() => exportAs('csv')} disabled={busy !== undefined}>
          {busy === 'csv' ? 'Exporting…' : 'Export CSV'}
        </button>
        <button type="button" onClick={() => exportAs('jsonl')} disabled={busy !== undefined}>
          {busy === 'jsonl' ? 'Exporting…' : 'Export JSON lines'}
        </button>
      </div>
      {error !== undefined && <ErrorBox error={error} what="the history" />}
      {items === undefined ? (
        error === undefined && <Loading what="the history" />
      ) : (
        <>
          <p data-testid="gaps" role="status" class={gaps.length > 0 ? 'warn' : 'ok'}>
            {gaps.length === 0
              ? `No nonce gaps in the ${num(items.length)} actions shown.`
              : `Nonce gaps: ${gaps.map(([a, b]) => (a === b ? String(a) : `${a}–${b}`)).join(', ')} missing from the chain.`}
          </p>
          {items.length === 0 ? (
            <p class="muted">No mined actions.</p>
          ) : (
            <RecordRows labelledBy="actor-history" showNonce txs={items.map((a) => ({ tx: a.tx, height: a.height, time: a.time }))} />
          )}
          {cursor !== undefined && (
            <div class="pager">
              <button type="button" onClick={() => load(cursor)}>
                Load more
              </button>
            </div>
          )}
        </>
      )}
    </>
  );
}
