import { leafHash, merkleRootFromLeafHashes } from '../crypto/merkle.js';
import { Block } from '../primitives/block.js';
import { bytesEqual, toHex } from '../util/bytes.js';
import { checkKeys, decodeCbor, encodeCbor, isCborMap, read } from '../primitives/cbor.js';
import { DecodeError, DecodeErrorCode } from '../primitives/errors.js';
import { BlockHeader } from '../primitives/header.js';
import { encodeMeta, metaFromCbor, metaToCbor, type BlockMeta } from '../primitives/meta.js';
import type { Transaction } from '../primitives/transaction.js';

/** Smallest plausible encoded transaction: bounds the txid count of a compact block. */
export const MIN_TX_BYTES = 100;

/** A block as relayed on the block topic: header, meta and txids; receivers rebuild the body (SPEC 9). */
export interface CompactBlock {
  header: BlockHeader;
  meta: BlockMeta;
  txids: Uint8Array[];
}

/** Limits for decoding an untrusted compact block. */
export interface CompactLimits {
  /** Largest encoded message. */
  maxBytes: number;
  /** Most txids (maxBlockBytes / MIN_TX_BYTES). */
  maxTxids: number;
}

/** Limits derived from the network's maxBlockBytes. */
export function compactLimits(maxBlockBytes: number): CompactLimits {
  return { maxBytes: maxBlockBytes + 64 * 1024, maxTxids: Math.floor(maxBlockBytes / MIN_TX_BYTES) };
}

/** The compact form of a block. */
export function toCompact(block: Block): CompactBlock {
  return { header: block.header, meta: block.meta, txids: block.txs.map((t) => t.txid) };
}

/** Encode a compact block as a DAG-CBOR map `{header, meta, txids}`. */
export function encodeCompact(c: CompactBlock): Uint8Array {
  return encodeCbor({ header: c.header.bytes, meta: metaToCbor(c.meta), txids: c.txids });
}

/** Strictly decode a compact block; throws DecodeError (malformed, oversized, too many txids). */
export function decodeCompact(bytes: Uint8Array, limits: CompactLimits): CompactBlock {
  if (bytes.byteLength > limits.maxBytes)
    throw new DecodeError(DecodeErrorCode.oversized, `compact block: ${bytes.byteLength} bytes exceeds ${limits.maxBytes}`);
  const v = decodeCbor(bytes, 'compact block');
  if (!isCborMap(v)) throw new DecodeError(DecodeErrorCode.wrongType, 'compact block must be a map');
  checkKeys(v, ['header', 'meta', 'txids'], [], 'compact block');
  const header = BlockHeader.decode(read.bytes(v, 'header', 'compact block', { exact: 80 }));
  const meta = metaFromCbor(v.meta);
  const raw = v.txids;
  if (!Array.isArray(raw)) throw new DecodeError(DecodeErrorCode.wrongType, "compact block: 'txids' must be an array");
  if (raw.length > limits.maxTxids) throw new DecodeError(DecodeErrorCode.oversized, `compact block: ${raw.length} txids exceeds ${limits.maxTxids}`);
  const txids = raw.map((t, i) => {
    if (!(t instanceof Uint8Array) || t.byteLength !== 32) throw new DecodeError(DecodeErrorCode.badValue, `compact block: txids[${i}] must be 32 bytes`);
    return t;
  });
  return { header, meta, txids };
}

/** True when the header's Merkle root commits to [meta, ...txids] (a txid is its leaf hash, SPEC 5). */
export function compactRootMatches(c: CompactBlock): boolean {
  return bytesEqual(merkleRootFromLeafHashes([leafHash(encodeMeta(c.meta)), ...c.txids]), c.header.merkleRoot);
}

/** Outcome of filling a compact block from local transactions. */
export interface Rebuild {
  /** Transactions by position; undefined where missing. */
  txs: Array<Transaction | undefined>;
  /** Positions still missing. */
  missing: number[];
}

/** Fill a compact block's transactions from `lookup` (the mempool); reports what is missing. */
export function rebuildFrom(c: CompactBlock, lookup: (txidHex: string) => Transaction | undefined): Rebuild {
  const txs = new Array<Transaction | undefined>(c.txids.length);
  const missing: number[] = [];
  for (let i = 0; i < c.txids.length; i++) {
    const tx = lookup(toHex(c.txids[i]!));
    txs[i] = tx;
    if (tx === undefined) missing.push(i);
  }
  return { txs, missing };
}

/**
 * Put fetched transactions in their places; each must hash to the txid it fills. Returns false (nothing filled)
 * when the count or any txid does not match: the sender sent something other than what was asked.
 */
export function fillMissing(c: CompactBlock, r: Rebuild, fetched: readonly Transaction[]): boolean {
  if (fetched.length !== r.missing.length) return false;
  for (let k = 0; k < fetched.length; k++) if (!bytesEqual(fetched[k]!.txid, c.txids[r.missing[k]!]!)) return false;
  for (let k = 0; k < fetched.length; k++) r.txs[r.missing[k]!] = fetched[k];
  r.missing = [];
  return true;
}

/** The full block once every transaction is present; its Merkle root is checked (throws when it differs). */
export function completeBlock(c: CompactBlock, r: Rebuild): Block {
  if (r.missing.length > 0) throw new Error('compact block still has missing transactions');
  const block = new Block(c.header, c.meta, r.txs as Transaction[]);
  if (!bytesEqual(block.computeMerkleRoot(), c.header.merkleRoot))
    throw new DecodeError(DecodeErrorCode.badValue, 'rebuilt block does not match its merkle root');
  return block;
}
