// Mempool page: pending records oldest first (position = place in the queue), live.
import type { JSX } from 'preact';
import { useCallback, useState } from 'preact/hooks';
import type { MempoolJson, TxJson } from '../../../src/api/types.js';
import { useApi } from '../api.js';
import { useLive } from '../live.js';
import { CursorPager, Fields, num, Show } from '../ui.js';
import { RecordRows } from './records-table.js';

const PAGE = 100;

/** The mempool page. */
export function MempoolPage(): JSX.Element {
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const stats = useApi<MempoolJson>('mempool');
  const list = useApi<{ txs: TxJson[]; nextCursor?: string }>(
    `mempool/txs?limit=${PAGE}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
  );
  const r1 = stats.reload;
  const r2 = list.reload;
  useLive(useCallback(() => (r1(), r2()), [r1, r2]));
  return (
    <>
      <h1>Mempool</h1>
      <Show f={stats} what="mempool size">
        {(s) => (
          <Fields
            rows={[
              ['Pending records', <span data-testid="mempool-count">{num(s.count)}</span>],
              ['Bytes', num(s.bytes)],
              ['Actors', num(s.actors)],
            ]}
          />
        )}
      </Show>
      <h2 id="mempool-records">Pending records (oldest first: next to be mined on top)</h2>
      <Show f={list} what="pending records">
        {(d) => (
          <>
            {d.txs.length === 0 ? (
              <p class="muted">The mempool is empty.</p>
            ) : (
              <RecordRows
                labelledBy="mempool-records"
                testId="mempool-records"
                txs={d.txs.map((tx, i) => ({ tx, note: `#${cursors.length * PAGE + i + 1}` }))}
                showNonce
              />
            )}
            <CursorPager label="Mempool pages" cursors={cursors} setCursors={setCursors} nextCursor={d.nextCursor} />
          </>
        )}
      </Show>
    </>
  );
}
