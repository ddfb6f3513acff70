// Blocks list (paged by height) and the block page (header, proof of work, Merkle root, records, prev/next).
import type { JSX } from 'preact';
import { useCallback, useState } from 'preact/hooks';
import type { BlockJson, BlockSummaryJson } from '../../../src/api/types.js';
import { useApi } from '../api.js';
import { useOnBlock } from '../live.js';
import { difficulty, Fields, Hash, link, num, Show, Time } from '../ui.js';
import { BlockRows } from './blocks-table.js';
import { RecordRows } from './records-table.js';

const PAGE = 25;

/** The blocks list, newest first, from height `from` down. */
export function BlocksPage({ from }: { from?: number }): JSX.Element {
  const f = useApi<{ blocks: BlockSummaryJson[] }>(`blocks?limit=${PAGE}${from === undefined || !Number.isFinite(from) ? '' : `&from=${from}`}`);
  const reload = f.reload;
  useOnBlock(useCallback(() => from === undefined && reload(), [from, reload]));
  return (
    <>
      <h1 id="blocks-title">Blocks</h1>
      <Show f={f} what="blocks">
        {(d) => (
          <>
            <BlockRows blocks={d.blocks} labelledBy="blocks-title" testId="blocks-table" details />
            <nav class="pager" aria-label="Block pages">
              {from !== undefined && <a href={link.blocks()}>Newest</a>}
              {d.blocks.length > 0 && d.blocks[d.blocks.length - 1]!.height > 0 && (
                <a href={link.blocks(d.blocks[d.blocks.length - 1]!.height - 1)}>Older blocks</a>
              )}
            </nav>
          </>
        )}
      </Show>
    </>
  );
}

/** One block by height or hash. */
export function BlockPage({ id }: { id: string }): JSX.Element {
  const f = useApi<BlockJson>(`blocks/${encodeURIComponent(id)}?txs=full`);
  const [tip, setTip] = useState<number>();
  // Confirmations grow with each new block (counted from the event, no request).
  useOnBlock(useCallback((b: { height: number }) => setTip(b.height), []));
  return (
    <>
      <h1>Block {/^[0-9]+$/.test(id) ? id : (f.data?.height ?? '')}</h1>
      <Show f={f} what={`block ${id}`}>
        {(fetched) => {
          const b =
            tip !== undefined && fetched.confirmations > 0 ? { ...fetched, confirmations: Math.max(fetched.confirmations, tip - fetched.height + 1) } : fetched;
          return (
            <>
              <nav class="pager" aria-label="Neighbouring blocks">
                {b.height > 0 && (
                  <a href={link.block(b.height - 1)} rel="prev">
                    ← Previous ({b.height - 1})
                  </a>
                )}
                {b.confirmations > 1 && (
                  <a href={link.block(b.height + 1)} rel="next">
                    Next ({b.height + 1}) →
                  </a>
                )}
              </nav>
              <Fields
                rows={[
                  ['Hash', <Hash value={b.hash} label="block hash" full />],
                  ['Height', String(b.height)],
                  ['Confirmations', <span data-testid="confirmations">{b.confirmations}</span>],
                  ['Time', <Time s={b.time} />],
                  [
                    'Previous',
                    b.height > 0 ? <Hash value={b.prevHash} href={link.block(b.prevHash)} label="previous block hash" /> : <span class="muted">genesis</span>,
                  ],
                  ['Merkle root', <Hash value={b.merkleRoot} label="Merkle root" />],
                  ['Proof of work', `bits ${b.bits}, nonce ${b.nonce}, difficulty ${num(difficulty(b.bits), 3)}`],
                  ['Chain work', <span class="hash">{b.chainWork}</span>],
                  ['Version', String(b.version)],
                  ['Size', `${num(b.size)} bytes`],
                  b.miner !== undefined && ['Miner', b.miner],
                  ['Records', String(b.txCount)],
                ]}
              />
              <h2 id="block-records">Records</h2>
              {(b.txs ?? []).length === 0 ? (
                <p class="muted">This block holds no records.</p>
              ) : (
                <RecordRows labelledBy="block-records" txs={(b.txs ?? []).map((tx) => ({ tx, height: b.height, time: b.time }))} />
              )}
            </>
          );
        }}
      </Show>
    </>
  );
}
