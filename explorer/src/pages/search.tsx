// Search: one box for height, block hash, txid, actor key, subject, kind and document hash; jumps straight to
// the result, or says that nothing matches.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ActionPageJson } from '../../../src/api/types.js';
import { apiGet, ApiCallError, seg } from '../api.js';
import { ErrorBox, link, Loading } from '../ui.js';

async function exists(path: string): Promise<boolean> {
  try {
    await apiGet(path);
    return true;
  } catch (e) {
    if (e instanceof ApiCallError && (e.status === 404 || e.status === 400)) return false;
    throw e;
  }
}

async function hasActions(path: string): Promise<boolean> {
  try {
    return (await apiGet<ActionPageJson>(`${path}?limit=1`)).items.length > 0;
  } catch (e) {
    if (e instanceof ApiCallError && (e.status === 404 || e.status === 400)) return false;
    throw e;
  }
}

/** Where `q` leads, or undefined when nothing matches. */
export async function resolveSearch(q: string): Promise<string | undefined> {
  const v = q.trim();
  if (/^[0-9]{1,10}$/.test(v)) return (await exists(`blocks/${v}`)) ? link.block(Number(v)) : undefined;
  if (/^0[23][0-9a-fA-F]{64}$/.test(v)) return link.actor(v.toLowerCase());
  if (/^[0-9a-fA-F]{64}$/.test(v)) {
    const h = v.toLowerCase();
    if (await exists(`txs/${h}`)) return link.record(h);
    if (await exists(`blocks/${h}`)) return link.block(h);
    if (await hasActions(`subjects/${h}/actions`)) {
      const page = await apiGet<ActionPageJson>(`subjects/${h}/actions?limit=1`);
      return page.items[0]?.tx.kind === 'doc.certify' ? `#/verify/${h}` : link.subject(h);
    }
  }
  if (v.length <= 64 && (await hasActions(`kinds/${seg(v)}/actions`))) return link.kind(v);
  if (v.length <= 128 && (await hasActions(`subjects/${seg(v)}/actions`))) return link.subject(v);
  return undefined;
}

/** The search page: resolves and jumps (replacing the history entry), or reports no match. */
export function SearchPage({ q }: { q: string }): JSX.Element {
  const [state, setState] = useState<'busy' | 'none' | { code: string; message: string }>('busy');
  useEffect(() => {
    setState('busy');
    resolveSearch(q).then(
      (to) => {
        if (to === undefined) setState('none');
        // Replace the search entry, so Back returns to where the search started.
        else location.replace(to);
      },
      (e: ApiCallError) => setState(e),
    );
  }, [q]);
  return (
    <>
      <h1>Search</h1>
      {state === 'busy' ? (
        <Loading what={`results for “${q}”`} />
      ) : state === 'none' ? (
        <p role="alert" data-testid="no-match">
          Nothing matches “{q}”. Try a block height or hash, a record id (txid), an actor key (66 hex digits starting 02 or 03), a subject, a kind or a
          document’s SHA-256.
        </p>
      ) : (
        <ErrorBox error={state} what="search results" />
      )}
    </>
  );
}
