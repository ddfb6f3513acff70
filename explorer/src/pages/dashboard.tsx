// Dashboard: tip, difficulty and hashrate, finality, mempool, records per second, recent blocks and records, live.
import type { JSX } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useState } from 'preact/hooks';
import type { BlockSummaryJson, FinalityStatusJson, StatusJson, TxJson } from '../../../src/api/types.js';
import { apiGet, useApi } from '../api.js';
import { useLive } from '../live.js';
import type { EventJson } from '../../../src/api/types.js';
import { ago, difficulty, ErrorBox, link, Loading, num, rate } from '../ui.js';
import { BlockRows } from './blocks-table.js';
import { RecordRows } from './records-table.js';

const RECENT = 12;

/** Hashrate and records per second over the listed blocks (newest first). */
function estimates(all: BlockSummaryJson[]): { hashrate: number; rps: number } {
  // The genesis time is fixed by the network, not mined: leave it out of the rates.
  const blocks = all.filter((b) => b.height > 0);
  if (blocks.length < 2) return { hashrate: 0, rps: 0 };
  const newest = blocks[0]!;
  const oldest = blocks[blocks.length - 1]!;
  const span = Math.max(1, newest.time - oldest.time);
  const work = Number(BigInt(`0x${newest.chainWork}`) - BigInt(`0x${oldest.chainWork}`));
  const txs = blocks.slice(0, -1).reduce((n, b) => n + b.txCount, 0);
  return { hashrate: work / span, rps: txs / span };
}

/** The finality card: latest final height and its age, witnesses and threshold (SPEC 12). */
function FinalityValue({ f, at, now }: { f: FinalityStatusJson | undefined; at: number | undefined; now: number }): JSX.Element {
  if (f === undefined) return <div class="value muted">off</div>;
  const set = `threshold ${f.threshold} of ${f.witnesses} witness${f.witnesses === 1 ? '' : 'es'}`;
  if (f.final === null) {
    return (
      <div class="value" title={`witnesses: ${set}`}>
        <span class="muted">no final checkpoint yet</span>
        <div class="muted small" data-testid="finality-witnesses">
          {set}
        </div>
      </div>
    );
  }
  return (
    <div class="value" title={`latest final checkpoint: header log size ${f.final.size}, block ${f.final.hash}, ${f.final.signers} signature(s)`}>
      <a href={link.block(f.final.height)} data-testid="final-height">
        {num(f.final.height)}
      </a>{' '}
      <span class="muted small">{ago(now - (at ?? now - f.final.age))}</span>
      <div class="muted small" data-testid="finality-witnesses">
        {set}
      </div>
    </div>
  );
}

/** The dashboard page. */
export function Dashboard(): JSX.Element {
  const [status, setStatus] = useState<StatusJson>();
  // Live blocks once any arrived; until then the fetched list (derived, not copied, so it renders at once).
  const [liveBlocks, setBlocks] = useState<BlockSummaryJson[]>();
  const [records, setRecords] = useState<TxJson[]>([]);
  const [error, setError] = useState<{ code: string; message: string }>();
  const [now, setNow] = useState(() => Date.now() / 1000);
  // When the latest final checkpoint became final, in this browser's seconds (the status gives its age).
  const [finalAt, setFinalAt] = useState<number>();
  const recent = useApi<{ blocks: BlockSummaryJson[] }>(`blocks?limit=${RECENT}`);
  const fetched = recent.data?.blocks;
  const blocks = liveBlocks ?? fetched;

  const refreshStatus = useCallback(() => {
    apiGet<StatusJson>('status').then(
      (s) => {
        setStatus(s);
        if (s.finality?.final != null) setFinalAt(Date.now() / 1000 - s.finality.final.age);
      },
      (e: { code: string; message: string }) => setError(e),
    );
  }, []);
  useLayoutEffect(() => refreshStatus(), [refreshStatus]);
  useEffect(() => {
    const t = setInterval(() => {
      setNow(Date.now() / 1000);
    }, 1000);
    const s = setInterval(refreshStatus, 10_000);
    return () => (clearInterval(t), clearInterval(s));
  }, [refreshStatus]);
  useEffect(() => {
    // Recent records: the newest block's records until live ones arrive.
    const tip = recent.data?.blocks[0];
    if (tip === undefined || tip.txCount === 0) return;
    apiGet<{ txs?: TxJson[] }>(`blocks/${tip.hash}?txs=full`).then(
      (b) => setRecords((r) => (r.length > 0 ? r : (b.txs ?? []).slice(-RECENT).reverse())),
      () => undefined,
    );
  }, [recent.data]);

  const onEvent = useCallback(
    (ev: EventJson) => {
      if (ev.type === 'block') {
        setBlocks((bs) => [ev.block, ...(bs ?? fetched ?? []).filter((b) => b.height < ev.block.height)].slice(0, RECENT));
        // The tip comes with the event; the rest of the status is polled (a tab costs the node no request per block).
        setStatus((s) =>
          s === undefined || ev.block.height <= s.height
            ? s
            : {
                ...s,
                height: ev.block.height,
                tip: { hash: ev.block.hash, time: ev.block.time, age: 0 },
                mempool: { ...s.mempool, count: Math.max(0, s.mempool.count - ev.block.txCount) },
              },
        );
      } else if (ev.type === 'tx') {
        setRecords((rs) => [ev.tx, ...rs.filter((r) => r.txid !== ev.tx.txid)].slice(0, RECENT));
        setStatus((s) => (s === undefined ? s : { ...s, mempool: { ...s.mempool, count: s.mempool.count + 1 } }));
      } else if (ev.type === 'final') {
        const { size, height, hash, signers } = ev.final;
        setStatus((s) =>
          s?.finality === undefined || (s.finality.final !== null && s.finality.final.height >= height)
            ? s
            : { ...s, finality: { ...s.finality, final: { size, height, hash, signers: signers.length, age: 0 } } },
        );
        setFinalAt(Date.now() / 1000);
      } else if (ev.type === 'reorg') {
        setBlocks(undefined);
        recent.reload();
        refreshStatus();
      }
    },
    [refreshStatus, recent.reload, fetched],
  );
  useLive(onEvent);

  useLayoutEffect(() => {
    // Read by `npm run bench -- explorer` (time to first render): layout effects run once the DOM holds the data.
    if (status !== undefined && blocks !== undefined && performance.getEntriesByName('explorer:dashboard').length === 0) performance.mark('explorer:dashboard');
  }, [status, blocks]);
  const est = blocks === undefined ? undefined : estimates(blocks);
  const tip = blocks?.[0];
  return (
    <>
      <h1>Dashboard</h1>
      {error !== undefined && <ErrorBox error={error} what="the node status" />}
      {status === undefined && error === undefined ? (
        <Loading what="the node status" />
      ) : status !== undefined ? (
        <section aria-label="Chain summary" class="cards">
          <div class="card">
            <div class="label">Tip height</div>
            <div class="value" data-testid="tip-height">
              <a href={link.block(status.height)}>{num(status.height)}</a>
            </div>
          </div>
          <div class="card">
            <div class="label">Tip age</div>
            <div class="value">{ago(now - (tip?.time ?? status.tip.time))}</div>
          </div>
          <div class="card">
            <div class="label">Difficulty</div>
            <div class="value">{tip === undefined ? '—' : num(difficulty(tip.bits), 3)}</div>
          </div>
          <div class="card">
            <div class="label">Hashrate (est.)</div>
            <div class="value">{est === undefined ? '—' : rate(est.hashrate)}</div>
          </div>
          <div class="card" data-testid="finality">
            <div class="label">Final height</div>
            <FinalityValue f={status.finality} at={finalAt} now={now} />
          </div>
          <div class="card">
            <div class="label">Mempool</div>
            <div class="value">
              <a href="#/mempool">{`${num(status.mempool.count)} record${status.mempool.count === 1 ? '' : 's'}`}</a>
            </div>
          </div>
          <div class="card">
            <div class="label">Records / s</div>
            <div class="value">{est === undefined ? '—' : num(est.rps, 2)}</div>
          </div>
          <div class="card">
            <div class="label">Network</div>
            <div class="value">
              {status.network} · <a href="#/network">{num(status.peers)} peers</a>
            </div>
          </div>
        </section>
      ) : null}

      <h2 id="recent-blocks">Recent blocks</h2>
      {recent.error !== undefined && <ErrorBox error={recent.error} what="recent blocks" />}
      {blocks === undefined ? (
        recent.error === undefined && <Loading what="recent blocks" />
      ) : (
        <BlockRows blocks={blocks} labelledBy="recent-blocks" testId="recent-blocks" />
      )}
      <p>
        <a href="#/blocks">All blocks</a>
      </p>

      <h2 id="recent-records">Recent records</h2>
      {records.length === 0 ? (
        <p class="muted">No records yet. New ones appear here as they arrive.</p>
      ) : (
        <RecordRows labelledBy="recent-records" testId="recent-records" txs={records.map((tx) => ({ tx }))} />
      )}
    </>
  );
}
