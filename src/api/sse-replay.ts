import type { ChainReader } from '../chain/reader.js';
import type { TreeNode } from '../chain/block-tree.js';
import type { Block } from '../primitives/block.js';
import { blockRecords, eventId, recordJson, recordMatches, reorgRecords, type BlockRecords, type EventCursor, type RecordFilter } from './event-ids.js';
import { blockSummary } from './json.js';
import type { EventJson } from './types.js';

/** One SSE frame with an optional id line. */
export function sseFrame(ev: EventJson, id?: string): Buffer {
  return Buffer.from(`${id === undefined ? '' : `id: ${id}\n`}event: ${ev.type}\ndata: ${JSON.stringify(ev)}\n\n`);
}

/** What a resuming stream asked for. */
export interface ReplayRequest {
  types: ReadonlySet<string>;
  filter: RecordFilter;
  /** Most blocks behind the tip a stream may resume from. */
  historyBlocks: number;
}

/** Where replayed frames go; resolves false when the stream is gone (the replay stops). Waits while it is full. */
export type ReplaySink = (frame: Buffer, id?: string) => Promise<boolean>;

// The block hash (bytes) of a display-order hex hash, as event ids carry them.
function hashOfDisplay(displayHash: string): Uint8Array {
  return Uint8Array.from(Buffer.from(displayHash, 'hex')).reverse();
}

async function blockOf(chain: ChainReader, node: TreeNode): Promise<Block> {
  const b = await chain.getBlock(node.hex);
  if (b === undefined) throw new Error(`block ${node.header.hashHex} has no stored body`);
  return b;
}

/**
 * Send a resuming stream everything after `from` from the store: when the client's last block left the main
 * chain, first a `reorg` event listing its records that left (or re-entered elsewhere), then every block and
 * record event of the main chain after the fork (or after `from`) up to the tip. Past `historyBlocks`, or for a
 * block this node does not know, one `resync` event instead (the client must reload). Returns the ids sent.
 */
export async function replay(chain: ChainReader, from: EventCursor, req: ReplayRequest, sink: ReplaySink): Promise<Set<string>> {
  const sent = new Set<string>();
  const node = chain.node(hashOfDisplay(from.hash));
  const resync = (code: 'SSE_HISTORY_EXCEEDED' | 'SSE_EVENT_UNKNOWN', message: string): Set<string> => {
    void sink(sseFrame({ type: 'resync', code, message, height: chain.height }));
    return sent;
  };
  if (node === undefined || node.height !== from.height)
    return resync('SSE_EVENT_UNKNOWN', `block ${from.hash} of Last-Event-ID is not known here: reload and follow from now`);
  if (chain.height - from.height > req.historyBlocks) {
    return resync(
      'SSE_HISTORY_EXCEEDED',
      `Last-Event-ID is ${chain.height - from.height} blocks behind the tip, more than the ${req.historyBlocks} kept for resuming (api.sseHistoryBlocks): reload and follow from now`,
    );
  }
  let height = from.height;
  let pos = from.pos + 1;
  if (!chain.isMain(node)) {
    // The client's branch: from its last block down to the fork with the main chain.
    const gone: BlockRecords[] = [];
    let n: TreeNode | undefined = node;
    while (n !== undefined && !chain.isMain(n)) {
      const block = await blockOf(chain, n);
      // Only what the client saw of its last block.
      gone.unshift({ txs: n === node ? block.txs.slice(0, Math.max(0, from.pos)) : block.txs, hash: block.header.hashHex, height: n.height });
      n = n.parent;
    }
    if (n === undefined) return resync('SSE_EVENT_UNKNOWN', `block ${from.hash} does not join the main chain`);
    const connected: BlockRecords[] = [];
    for (let h = n.height + 1; h <= Math.min(chain.height, n.height + gone.length); h++) {
      const m = chain.nodeAt(h);
      if (m !== undefined) connected.push(blockRecords(await blockOf(chain, m), h));
    }
    if (req.types.has('reorg')) {
      const { left, reentered } = reorgRecords(req.filter, gone, connected);
      // Records that re-entered higher up than the blocks looked at here are listed as left; they come back as records.
      await sink(
        sseFrame({
          type: 'reorg',
          fork: { hash: n.header.hashHex, height: n.height },
          disconnected: gone.map((g) => g.hash).reverse(),
          connected: connected.map((c) => c.hash),
          left,
          reentered,
        }),
      );
    }
    height = n.height + 1;
    pos = 0;
  }
  for (; height <= chain.height; height++, pos = 0) {
    const m = chain.nodeAt(height);
    if (m === undefined) break;
    const block = await blockOf(chain, m);
    const hash = block.header.hashHex;
    const unfiltered = req.filter.actor === undefined && req.filter.kind === undefined && req.filter.subject === undefined;
    if (pos === 0 && req.types.has('block') && (unfiltered || block.txs.some((tx) => recordMatches(req.filter, tx)))) {
      const id = eventId(height, 0, hash);
      sent.add(id);
      if (!(await sink(sseFrame({ type: 'block', block: blockSummary(block, m, true, chain.height) }, id), id))) return sent;
    }
    if (!req.types.has('record')) continue;
    for (let i = Math.max(0, pos - 1); i < block.txs.length; i++) {
      const tx = block.txs[i]!;
      if (!recordMatches(req.filter, tx)) continue;
      const ev = recordJson(tx, block, height, i);
      sent.add(ev.id);
      if (!(await sink(sseFrame(ev, ev.id), ev.id))) return sent;
    }
  }
  return sent;
}
