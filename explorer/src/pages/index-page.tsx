// Subject and kind pages: the records of a subject (a timeline; numeric payload fields of metric records as
// charts) or of a kind, a page at a time so a subject with tens of thousands of records stays quick.
import type { JSX } from 'preact';
import { useCallback, useLayoutEffect, useMemo, useState } from 'preact/hooks';
import type { ActionJson, ActionPageJson } from '../../../src/api/types.js';
import { seg, useApi } from '../api.js';
import { Chart, type ChartData } from '../chart.js';
import { useOnBlock } from '../live.js';
import { CursorPager, link, Show } from '../ui.js';
import { RecordRows } from './records-table.js';

const PAGE = 100;

/** Numeric payload fields of metric records, as chart series over block time. */
export function metricSeries(items: ActionJson[]): ChartData | undefined {
  const metric = items.filter(
    (a) => /^metric(\.|$)/.test(a.tx.kind) && typeof a.tx.payload === 'object' && a.tx.payload !== null && !Array.isArray(a.tx.payload),
  );
  if (metric.length === 0) return undefined;
  const sorted = [...metric].sort((a, b) => a.tx.time - b.tx.time);
  const names = new Set<string>();
  for (const a of sorted)
    for (const [k, v] of Object.entries(a.tx.payload as Record<string, unknown>)) if (typeof v === 'number' && Number.isFinite(v)) names.add(k);
  if (names.size === 0) return undefined;
  const fields = [...names].slice(0, 6);
  return {
    x: sorted.map((a) => a.tx.time / 1000),
    series: fields.map((name) => ({ name, y: sorted.map((a) => ((a.tx.payload as Record<string, unknown>)[name] as number | undefined) ?? null) })),
  };
}

/** The subject or kind page. */
export function IndexPage({ what, name }: { what: 'subject' | 'kind'; name: string }): JSX.Element {
  const [cursors, setCursors] = useState<string[]>([]);
  const [newestFirst, setNewestFirst] = useState(false);
  const cursor = cursors[cursors.length - 1];
  const path = `${what === 'subject' ? 'subjects' : 'kinds'}/${seg(name)}/actions?limit=${PAGE}${newestFirst ? '&reverse=true' : ''}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
  const f = useApi<ActionPageJson>(path);
  const reload = f.reload;
  useOnBlock(useCallback(() => cursors.length === 0 && reload(), [cursors.length, reload]));
  useLayoutEffect(() => {
    // Read by `npm run bench -- explorer` (time to first render): layout effects run once the DOM holds the data.
    if (f.data !== undefined && performance.getEntriesByName('explorer:index').length === 0) performance.mark('explorer:index');
  }, [f.data]);
  const chart = useMemo(() => (what === 'subject' && f.data !== undefined ? metricSeries(f.data.items) : undefined), [f.data, what]);
  return (
    <>
      <h1>
        {what === 'subject' ? 'Subject' : 'Kind'} <span data-testid="index-name">{name}</span>
      </h1>
      {what === 'subject' && /^[0-9a-f]{64}$/.test(name) && (
        <p>
          This looks like a document hash: <a href={`#/verify/${name}`}>check its certification</a>.
        </p>
      )}
      <div class="row">
        <label>
          <input type="checkbox" checked={newestFirst} onChange={(e) => (setNewestFirst((e.target as HTMLInputElement).checked), setCursors([]))} /> Newest
          first
        </label>
      </div>
      <Show f={f} what={`the ${what}'s records`}>
        {(d) => (
          <>
            {chart !== undefined && <Chart data={chart} label={`Metrics of ${name}`} />}
            <h2 id="index-records">{what === 'subject' ? 'Timeline' : 'Records'}</h2>
            {d.items.length === 0 ? (
              <p role="status">No mined records for this {what}.</p>
            ) : (
              <RecordRows labelledBy="index-records" testId="index-records" txs={d.items.map((a) => ({ tx: a.tx, height: a.height, time: a.time }))} />
            )}
            <CursorPager label="Record pages" cursors={cursors} setCursors={setCursors} nextCursor={d.nextCursor}>
              <span class="muted">
                Page {cursors.length + 1} · {PAGE} per page
              </span>
            </CursorPager>
          </>
        )}
      </Show>
      <p>
        <a href={what === 'subject' ? link.kind('metric') : '#/'}>{what === 'subject' ? 'All metric records' : 'Dashboard'}</a>
      </p>
    </>
  );
}
