import { type TreeNode } from '../chain/block-tree.js';
import { type Block } from '../primitives/block.js';
import { toHex } from '../util/bytes.js';
import { MAX_CBOR_DEPTH, type CborValue } from '../primitives/cbor.js';
import { DecodeError, DecodeErrorCode } from '../primitives/errors.js';
import { blockHashToHex } from '../primitives/header.js';
import { type Transaction } from '../primitives/transaction.js';
import type { BlockJson, BlockSummaryJson, JsonValue, TxJson } from './types.js';

function tooDeep(what: string): DecodeError {
  return new DecodeError(DecodeErrorCode.tooDeep, `${what}: nested deeper than ${MAX_CBOR_DEPTH} levels`);
}

/**
 * DAG-CBOR value to JSON: byte strings become `{"/": {"bytes": base64}}`, bigints become numbers or strings.
 * Levels are counted as `MAX_CBOR_DEPTH` says, from `level` for `v` (a payload sits at level 2 of its
 * transaction); recursion stops with `DECODE_TOO_DEEP` past the limit, so no input can exhaust the stack
 * (decoded values never get there: their decoder checked the same limit).
 */
export function cborToJson(v: CborValue, level = 1): JsonValue {
  if (v instanceof Uint8Array) return { '/': { bytes: Buffer.from(v).toString('base64') } };
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v === null || typeof v !== 'object') return v;
  if (level > MAX_CBOR_DEPTH) throw tooDeep('value');
  if (Array.isArray(v)) return v.map((x) => cborToJson(x, level + 1));
  const out: Record<string, JsonValue> = {};
  for (const [k, x] of Object.entries(v)) out[k] = cborToJson(x, level + 1);
  return out;
}

/**
 * JSON value to a DAG-CBOR value, reading `{"/": {"bytes": base64}}` back as bytes. Levels of the result are
 * counted as `MAX_CBOR_DEPTH` says, from `level` for `v` (2 for a transaction payload); past the limit it throws
 * `DECODE_TOO_DEEP`, the code every decoder gives such a transaction, with bounded recursion.
 */
export function jsonToCbor(v: unknown, level = 1): CborValue {
  if (v === null || typeof v !== 'object') return v as CborValue;
  if (!Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const slash = o['/'];
    if (Object.keys(o).length === 1 && slash !== null && typeof slash === 'object' && typeof (slash as Record<string, unknown>).bytes === 'string') {
      return new Uint8Array(Buffer.from((slash as { bytes: string }).bytes, 'base64'));
    }
  }
  if (level > MAX_CBOR_DEPTH) throw tooDeep('payload');
  if (Array.isArray(v)) return v.map((x) => jsonToCbor(x, level + 1));
  const out: Record<string, CborValue> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = jsonToCbor(x, level + 1);
  return out;
}

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
