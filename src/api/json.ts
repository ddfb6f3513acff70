import { type TreeNode } from '../chain/block-tree.js';
import { type Block } from '../primitives/block.js';
import { toHex } from '../util/bytes.js';
import { blockHashToHex } from '../primitives/header.js';
import { cborToJson } from '../primitives/cbor-json.js';
import { type Transaction } from '../primitives/transaction.js';
import type { IdentityReader } from '../chain/reader.js';
import type { BlockJson, BlockSummaryJson, TxJson } from './types.js';

/** DAG-CBOR value to JSON (moved to primitives so the kind-schema policy below the API can use it). */
export { cborToJson } from '../primitives/cbor-json.js';

/** JSON value to DAG-CBOR (in primitives, beside cborToJson, so signers below the API can use it). */
export { jsonToCbor } from '../primitives/cbor-json.js';

/** Decoded transaction for JSON output. */
export function txToJson(tx: Transaction): TxJson {
  const f = tx.fields;
  const out: TxJson = {
    txid: tx.txidHex,
    v: f.v,
    chain: toHex(f.chain),
    from: toHex(f.from),
    nonce: f.nonce,
    time: f.time,
    kind: f.kind,
    payload: cborToJson(f.payload, 2),
    sig: toHex(f.sig),
    size: tx.size,
  };
  if (f.subject !== undefined) out.subject = f.subject;
  return out;
}

/** Items holding `tx` JSON of `txs` (same order) with the identity index's flags added where there are any. */
export async function withIdentityFlags<T extends { tx: TxJson }>(
  index: Pick<IdentityReader, 'flagsOfMany'>,
  items: T[],
  txs: readonly Transaction[],
): Promise<T[]> {
  const flags = await index.flagsOfMany(txs);
  flags.forEach((f, i) => {
    if (f.length > 0 && items[i] !== undefined) items[i].tx.flags = f;
  });
  return items;
}

/** Block summary with confirmations relative to `tipHeight` (0 when not on the main chain). */
export function blockSummary(block: Block, node: TreeNode, onMain: boolean, tipHeight: number): BlockSummaryJson {
  return summaryOf(node, block.txs.length, block.size, block.meta.miner, onMain, tipHeight);
}

/** Block summary from the tree node and the few body facts it needs (no decoded block). */
export function summaryOf(node: TreeNode, txCount: number, size: number, miner: string | undefined, onMain: boolean, tipHeight: number): BlockSummaryJson {
  const h = node.header;
  const out: BlockSummaryJson = {
    hash: h.hashHex,
    height: node.height,
    prevHash: blockHashToHex(h.prevHash),
    merkleRoot: toHex(h.merkleRoot),
    time: h.time,
    bits: h.bits.toString(16).padStart(8, '0'),
    nonce: h.nonce,
    version: h.version,
    txCount,
    size,
    confirmations: onMain ? tipHeight - node.height + 1 : 0,
    chainWork: node.chainWork.toString(16),
  };
  if (miner !== undefined) out.miner = miner;
  return out;
}

/** Full block JSON: txids, or decoded transactions with `full`. */
export function blockToJson(block: Block, node: TreeNode, onMain: boolean, tipHeight: number, full: boolean): BlockJson {
  const out: BlockJson = blockSummary(block, node, onMain, tipHeight);
  if (full) out.txs = block.txs.map(txToJson);
  else out.txids = block.txs.map((t) => t.txidHex);
  return out;
}
