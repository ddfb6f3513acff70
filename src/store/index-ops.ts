import type { Block } from '../primitives/block.js';
import type { BlockEntry } from './entry.js';
import { kindGroupValue } from './kind-pages.js';
import { BatchSlab, encodeTxLocation, Keys, u64be } from './layout.js';
import type { BlockCounters } from './block-counters.js';
import { aggregateIndexValue, encodeTxRecord, indexValue, subjectIndexValue, type QueryIndexOptions } from './query-index.js';
import type { UndoData } from './undo.js';
import type { BatchOp } from './write-queue.js';

/**
 * Appends to `ops` the index writes of connecting `block` at `entry.height`: tx records (with query rows when the
 * query indexes are on), actor, subject, kind and subject+kind index entries (with ordinals from `counts`, the
 * counts before this block, advanced here; subject entries with the query row), and the actors' new states. Keys and values share one off-heap slab.
 */
export function connectIndexOps(
  entry: BlockEntry,
  block: Block,
  nextNonces: Map<string, [Uint8Array, number]>,
  counts: BlockCounters | undefined,
  q: QueryIndexOptions,
  ops: BatchOp[],
): void {
  const aggregated = new Set(q.aggregateKinds);
  // Room for every per-transaction key and value (strings sized for UTF-8's worst case).
  let room = nextNonces.size * 42;
  const perTx = counts === undefined ? 183 + 67 : 183 + 67 + 128 + 50;
  const perChar = counts === undefined ? 6 : 12;
  for (const tx of block.txs) room += perTx + perChar * (tx.fields.kind.length + (tx.fields.subject?.length ?? 0));
  const slab = new BatchSlab(room);
  const { alloc } = slab;
  block.txs.forEach((tx, i) => {
    const f = tx.fields;
    const txid = slab.copy(tx.txid);
    ops.push({
      type: 'put',
      key: Keys.tx(txid, alloc),
      value: counts === undefined ? encodeTxLocation(entry.hash, i, alloc) : encodeTxRecord(entry.hash, i, tx, alloc),
      offHeap: true,
    });
    ops.push({ type: 'put', key: Keys.actorIndex(f.from, f.nonce, alloc), value: txid, offHeap: true });
    if (f.subject !== undefined) {
      const value = counts === undefined ? txid : subjectIndexValue(txid, counts.nextSubject(i), tx, alloc);
      ops.push({ type: 'put', key: Keys.subjectIndex(f.subject, entry.height, i, alloc), value, offHeap: true });
      if (counts !== undefined) {
        const ordinal = counts.nextSubjectKind(i);
        ops.push({
          type: 'put',
          key: Keys.subjectKindIndex(f.subject, f.kind, entry.height, i, alloc),
          value: aggregated.has(f.kind)
            ? aggregateIndexValue(txid, ordinal, f.payload, q.maxAggregateFields, alloc)
            : indexValue(txid, ordinal, undefined, alloc),
          offHeap: true,
        });
      }
    }
    if (counts === undefined) ops.push({ type: 'put', key: Keys.kindIndex(f.kind, entry.height, i, alloc), value: txid, offHeap: true });
  });
  // With the query indexes a kind has one entry per block: its first ordinal, then position and txid of each action
  // (a block's thousands of records of one kind are one key, not thousands).
  if (counts !== undefined) {
    for (const { counter, positions } of counts.kindGroups) {
      const value = kindGroupValue(counter.value, positions, block.txs, alloc);
      counter.value += positions.length;
      ops.push({ type: 'put', key: Keys.kindGroup(counter.kind ?? '', entry.height, alloc), value, offHeap: true });
    }
  }
  for (const [actor, next] of nextNonces.values()) ops.push({ type: 'put', key: Keys.actorState(actor, alloc), value: u64be(next, alloc), offHeap: true });
}

/** Appends to `ops` the index deletions of disconnecting the tip `block` and the actors' states restored from `undo`. */
export function disconnectIndexOps(entry: BlockEntry, block: Block, undo: UndoData, q: QueryIndexOptions, ops: BatchOp[]): void {
  block.txs.forEach((tx, i) => {
    const f = tx.fields;
    ops.push({ type: 'del', key: Keys.tx(tx.txid) });
    ops.push({ type: 'del', key: Keys.actorIndex(f.from, f.nonce) });
    if (f.subject !== undefined) ops.push({ type: 'del', key: Keys.subjectIndex(f.subject, entry.height, i) });
    if (f.subject !== undefined && q.enabled) ops.push({ type: 'del', key: Keys.subjectKindIndex(f.subject, f.kind, entry.height, i) });
    if (!q.enabled) ops.push({ type: 'del', key: Keys.kindIndex(f.kind, entry.height, i) });
  });
  if (q.enabled) for (const kind of new Set(block.txs.map((tx) => tx.fields.kind))) ops.push({ type: 'del', key: Keys.kindGroup(kind, entry.height) });
  for (const [actor, prev] of undo) {
    ops.push(prev === 0 ? { type: 'del', key: Keys.actorState(actor) } : { type: 'put', key: Keys.actorState(actor), value: u64be(prev) });
  }
}
