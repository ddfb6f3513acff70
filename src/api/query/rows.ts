import type { TreeNode } from '../../chain/block-tree.js';
import { bytesEqual, toHex } from '../../util/bytes.js';
import { blockTxBytes, blockTxRanges } from '../../primitives/block-outline.js';
import { txidOf, type Transaction } from '../../primitives/transaction.js';
import { readTxRow, type TxRowFields } from '../../primitives/tx-row.js';
import type { QueryRow, TxRecord } from '../../store/query-index.js';
import { BlockReader, type ReadBudget } from '../block-reader.js';
import type { ApiContext } from '../context.js';
import { txToJson } from '../json.js';
import type { JsonValue, TxJson } from '../types.js';
import type { RowField } from './params.js';

/** An index item reduced to the requested fields. */
export type RowItem = Partial<Record<RowField, JsonValue | TxJson>>;

/** Where an index item lies: height and position from the subject/kind indexes, or only the txid (actor index). */
export interface ItemRef {
  txid: Uint8Array;
  height?: number;
  index?: number;
  /** The query row kept in the index entry itself (subject index): no tx record read for it. */
  row?: QueryRow;
}

/** Fewest refs of one block in a page for an export to read them from the block's body instead of their records. */
export const DENSE_BLOCK_ROWS = 64;

/**
 * Heights of the blocks holding at least DENSE_BLOCK_ROWS of `refs` (refs with a height only): their rows are
 * cheaper from one read of the body than from a tx record each (a random LevelDB read and a buffer per row).
 */
export function denseHeights(refs: readonly ItemRef[]): Set<number> {
  const counts = new Map<number, number>();
  for (const r of refs) if (r.height !== undefined) counts.set(r.height, (counts.get(r.height) ?? 0) + 1);
  const out = new Set<number>();
  for (const [h, n] of counts) if (n >= DENSE_BLOCK_ROWS) out.add(h);
  return out;
}

/**
 * True when a ref's row must come from its tx record: it is not answered from a body (`fromBodies`) and carries no
 * row of its own that is still good (`stable`: no main-chain removal since its index page was read).
 */
export function needsRecord(r: ItemRef, fromBodies: ReadonlySet<number> | undefined, stable: boolean): boolean {
  const inBody = r.height !== undefined && fromBodies?.has(r.height) === true;
  const ownRow = r.row !== undefined && r.height !== undefined && r.index !== undefined;
  return !inBody && !(ownRow && stable);
}

/** How {@link resolveRows} reads a page's rows. */
export interface ResolveOptions {
  /** Ends the page early when spent (`cut` is then the number of refs answered). */
  budget?: ReadBudget;
  /**
   * The chain's `mainRemovals` read before the index page was: while it is unchanged no reorg happened since, so
   * rows kept in index entries and positions in main-chain bodies need no check against the tx records.
   */
  removals?: number;
  /** The refs' tx records read already (aligned with the refs; undefined where not read). */
  records?: ReadonlyArray<TxRecord | undefined>;
  /** Heights whose refs are answered from the main-chain block's body. */
  fromBodies?: ReadonlySet<number>;
}

/**
 * Items of one index page with only `fields`: from the query rows kept in the index entries (subject index), from
 * the rows kept with the tx locations (one read for the page), or for refs at `fromBodies` heights from the
 * main-chain block's body (each body read once). Blocks are read for those and for `payload` or `tx` through a
 * BlockReader. Items whose position no longer holds the indexed transaction (a reorg between the index read and
 * this one: `mainRemovals` changed) are checked against their tx record or txid and left out.
 */
export async function resolveRows(
  ctx: ApiContext,
  refs: readonly ItemRef[],
  fields: readonly RowField[],
  opts: ResolveOptions = {},
): Promise<{ items: RowItem[]; cut?: number }> {
  const chain = ctx.chain;
  const { budget, removals, fromBodies } = opts;
  const stable = (): boolean => removals !== undefined && removals === chain.mainRemovals;
  const inBody = (r: ItemRef): boolean => r.height !== undefined && fromBodies?.has(r.height) === true;
  const ownRow = (r: ItemRef): boolean => r.row !== undefined && r.height !== undefined && r.index !== undefined;
  // Records for the refs that are neither body-read nor carry a row that is still good (unless read already).
  const records: Array<TxRecord | undefined> = opts.records === undefined ? [] : [...opts.records];
  const missing: number[] = [];
  for (let i = 0; i < refs.length; i++) {
    const r = refs[i]!;
    if (records[i] === undefined && needsRecord(r, fromBodies, stable())) missing.push(i);
  }
  if (missing.length > 0) {
    const read = await chain.query.records(missing.map((i) => refs[i]!.txid));
    missing.forEach((i, k) => (records[i] = read[k]));
  }
  const withBody = fields.includes('payload') || fields.includes('tx');
  const reader = withBody || (fromBodies !== undefined && fromBodies.size > 0) ? new BlockReader(ctx.chain, budget) : undefined;
  const items: RowItem[] = [];
  // Consecutive rows mostly share a block: look its node up once.
  let lastHash: Uint8Array | undefined;
  let lastNode: TreeNode | undefined;
  let bodyNode: TreeNode | undefined;
  let body: { bytes: Uint8Array; ranges: Uint32Array } | undefined;
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i]!;
    if (reader !== undefined && ref.height !== undefined && inBody(ref)) {
      if (i > 0 && reader.exhausted) return { items, cut: i };
      const node = chain.nodeAt(ref.height);
      const index = ref.index ?? -1;
      let bytes: Uint8Array | undefined;
      let decoded: Transaction | undefined;
      if (node !== undefined && withBody) bytes = (decoded = await reader.tx(node.hash, index))?.bytes;
      else if (node !== undefined) {
        // Rows of one block follow each other: its body is looked up once, not once per row.
        if (node !== bodyNode) {
          bodyNode = node;
          const b = await reader.body(node.hash);
          body = b === undefined ? undefined : { bytes: b.bytes, ranges: blockTxRanges(b.bytes, b.outline) };
        }
        bytes = body === undefined ? undefined : blockTxBytes(body.bytes, body.ranges, index);
      }
      if (node === undefined || bytes === undefined) continue;
      // After a reorg the main chain's block at that height may hold another transaction there: checked by txid.
      if (!stable() && !bytesEqual(decoded?.txid ?? txidOf(bytes), ref.txid)) continue;
      items.push(pick(fields, node, ref.txid, index, decoded?.fields ?? readTxRow(bytes), decoded === undefined ? undefined : txToJson(decoded)));
      continue;
    }
    let node: TreeNode | undefined;
    let index: number;
    let row: QueryRow | undefined;
    if (ownRow(ref) && records[i] === undefined && stable()) {
      node = chain.nodeAt(ref.height!);
      index = ref.index!;
      row = ref.row;
    } else {
      // A reorg since the page was read (or no row in the entry): the tx record says where the action is now.
      const rec = records[i] ?? (ownRow(ref) ? (await chain.query.records([ref.txid]))[0] : undefined);
      if (rec !== undefined && (lastHash === undefined || !bytesEqual(lastHash, rec.blockHash))) {
        lastHash = rec.blockHash;
        lastNode = chain.node(rec.blockHash);
      }
      node = rec === undefined ? undefined : lastNode;
      index = rec?.index ?? -1;
      row = rec?.row;
      // Gone or moved since the index read: left out.
      if (node !== undefined && chain.nodeAt(node.height) !== node) node = undefined;
      if (node !== undefined && ref.height !== undefined && (ref.height !== node.height || ref.index !== index)) node = undefined;
    }
    if (row === undefined || node === undefined) continue;
    let tx: TxJson | undefined;
    // The reader may exist for the body-read rows alone: these rows need their block only for `payload`/`tx`.
    if (withBody && reader !== undefined) {
      if (i > 0 && reader.exhausted) return { items, cut: i };
      const decoded = await reader.tx(node.hash, index);
      if (decoded === undefined) continue;
      tx = txToJson(decoded);
    }
    items.push(pick(fields, node, ref.txid, index, row, tx));
  }
  return { items };
}

function pick(fields: readonly RowField[], node: TreeNode, txid: Uint8Array, index: number, row: QueryRow | TxRowFields, tx: TxJson | undefined): RowItem {
  const out: RowItem = {};
  for (const f of fields) {
    switch (f) {
      case 'txid':
        out.txid = toHex(txid);
        break;
      case 'height':
        out.height = node.height;
        break;
      case 'index':
        out.index = index;
        break;
      case 'time':
        out.time = node.header.time;
        break;
      case 'blockHash':
        out.blockHash = node.header.hashHex;
        break;
      case 'kind':
        out.kind = row.kind;
        break;
      case 'subject':
        if (row.subject !== undefined) out.subject = row.subject;
        break;
      case 'from':
        out.from = toHex(row.from);
        break;
      case 'nonce':
        out.nonce = row.nonce;
        break;
      case 'txTime':
        out.txTime = row.time;
        break;
      case 'payload':
        if (tx !== undefined) out.payload = tx.payload;
        break;
      case 'tx':
        if (tx !== undefined) out.tx = tx;
        break;
    }
  }
  return out;
}
