import type { TreeNode } from '../../chain/block-tree.js';
import { bytesEqual, toHex } from '../../util/bytes.js';
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
}

/**
 * Items of one index page with only `fields`, from the query rows kept with the tx locations (one read for the page). Blocks are read only
 * for `payload` or `tx`, each body once, through a BlockReader (whose budget may end the page early: `cut` is
 * then the number of refs answered). Items whose position no longer holds the indexed transaction (a reorg
 * between the index read and this one) are left out.
 */
export async function resolveRows(
  ctx: ApiContext,
  refs: readonly ItemRef[],
  fields: readonly RowField[],
  budget?: ReadBudget,
  read?: ReadonlyArray<TxRecord | undefined>,
): Promise<{ items: RowItem[]; cut?: number }> {
  const chain = ctx.chain;
  // `read`: the refs' records read already (after the index page, as here).
  const records = read ?? (await ctx.chain.query.records(refs.map((r) => r.txid)));
  const withBody = fields.includes('payload') || fields.includes('tx');
  const reader = withBody ? new BlockReader(ctx.chain, budget) : undefined;
  const items: RowItem[] = [];
  // Consecutive rows mostly share a block: look its node up once.
  let lastHash: Uint8Array | undefined;
  let lastNode: TreeNode | undefined;
  for (let i = 0; i < refs.length; i++) {
    const rec = records[i];
    if (rec !== undefined && (lastHash === undefined || !bytesEqual(lastHash, rec.blockHash))) {
      lastHash = rec.blockHash;
      lastNode = chain.node(rec.blockHash);
    }
    const node = rec === undefined ? undefined : lastNode;
    // Gone or moved since the index read (a reorg in between): left out.
    if (rec?.row === undefined || node === undefined || chain.nodeAt(node.height) !== node) continue;
    const ref = refs[i]!;
    if (ref.height !== undefined && (ref.height !== node.height || ref.index !== rec.index)) continue;
    let tx: TxJson | undefined;
    if (reader !== undefined) {
      if (i > 0 && reader.exhausted) return { items, cut: i };
      const decoded = await reader.tx(node.hash, rec.index);
      if (decoded === undefined) continue;
      tx = txToJson(decoded);
    }
    items.push(pick(fields, node, ref.txid, rec.index, rec.row, tx));
  }
  return { items };
}

function pick(fields: readonly RowField[], node: TreeNode, txid: Uint8Array, index: number, row: QueryRow, tx: TxJson | undefined): RowItem {
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
