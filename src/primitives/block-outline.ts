import { decodeCbor } from './cbor.js';
import { DecodeError, DecodeErrorCode } from './errors.js';
import { metaFromCbor, type BlockMeta } from './meta.js';

/**
 * Where the parts of an encoded block lie, found by reading CBOR heads only: no value is built, no transaction
 * decoded, nothing hashed. Meant for stored blocks (already validated); malformed input gets DECODE_MALFORMED.
 */
export interface BlockOutline {
  /** Encoded size of the block. */
  size: number;
  txCount: number;
  /** Offset of the `txs` array's first item. */
  txsStart: number;
  /** Byte range of the encoded meta map. */
  metaStart: number;
  metaEnd: number;
}

function malformed(why: string): never {
  throw new DecodeError(DecodeErrorCode.malformed, `block outline: ${why}`);
}

// One CBOR head at `o`: major type, argument, offset after the head. 64-bit arguments must be safe integers.
function head(b: Uint8Array, o: number): { major: number; arg: number; next: number } {
  if (o >= b.length) malformed('truncated');
  const ib = b[o]!;
  const major = ib >> 5;
  const info = ib & 0x1f;
  if (info < 24) return { major, arg: info, next: o + 1 };
  const n = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : malformed('indefinite or reserved length');
  if (o + 1 + n > b.length) malformed('truncated');
  let arg = 0;
  for (let i = 0; i < n; i++) arg = arg * 256 + b[o + 1 + i]!;
  if (!Number.isSafeInteger(arg)) malformed('argument too large');
  return { major, arg, next: o + 1 + n };
}

/** Offset just past the one CBOR item at `o` (iterative: nesting depth costs nothing). */
export function skipCborItem(b: Uint8Array, o: number): number {
  let pending = 1;
  while (pending > 0) {
    const h = head(b, o);
    pending--;
    o = h.next;
    switch (h.major) {
      case 2:
      case 3:
        o += h.arg;
        if (o > b.length) malformed('truncated');
        break;
      case 4:
        pending += h.arg;
        break;
      case 5:
        pending += 2 * h.arg;
        break;
      case 6:
        pending += 1;
        break;
      default:
        break;
    }
  }
  return o;
}

/** Outline of an encoded block `{header, meta, txs}` (any key order). */
export function outlineBlock(b: Uint8Array): BlockOutline {
  const m = head(b, 0);
  if (m.major !== 5) malformed('not a map');
  let o = m.next;
  let txCount = -1;
  let txsStart = 0;
  let metaStart = -1;
  let metaEnd = -1;
  for (let i = 0; i < m.arg; i++) {
    const k = head(b, o);
    if (k.major !== 3) malformed('key is not text');
    const key = Buffer.from(b.buffer, b.byteOffset + k.next, k.arg).toString('latin1');
    o = k.next + k.arg;
    const valueStart = o;
    if (key === 'txs') {
      const a = head(b, o);
      if (a.major !== 4) malformed("'txs' is not an array");
      txCount = a.arg;
      txsStart = a.next;
    }
    o = skipCborItem(b, o);
    if (key === 'meta') {
      metaStart = valueStart;
      metaEnd = o;
    }
  }
  if (txCount < 0 || metaStart < 0) malformed('missing txs or meta');
  return { size: b.byteLength, txCount, txsStart, metaStart, metaEnd };
}

/**
 * Content ranges of every encoded transaction: `[start0, end0, start1, end1, ...]` (one walk over the heads,
 * for callers that look up several positions of one block).
 */
export function blockTxRanges(b: Uint8Array, outline: BlockOutline): Uint32Array {
  const out = new Uint32Array(2 * outline.txCount);
  let o = outline.txsStart;
  for (let i = 0; i < outline.txCount; i++) {
    const h = head(b, o);
    if (h.major !== 2) malformed('tx is not a byte string');
    o = h.next + h.arg;
    if (o > b.length) malformed('truncated');
    out[2 * i] = h.next;
    out[2 * i + 1] = o;
  }
  return out;
}

/** The encoded transaction at `index` (a view into `b`), or undefined past the end. */
export function blockTxBytes(b: Uint8Array, ranges: Uint32Array, index: number): Uint8Array | undefined {
  if (!Number.isInteger(index) || index < 0 || 2 * index >= ranges.length) return undefined;
  return b.subarray(ranges[2 * index]!, ranges[2 * index + 1]!);
}

/** The block's meta, decoding only its bytes. */
export function blockMetaOf(b: Uint8Array, outline: BlockOutline): BlockMeta {
  return metaFromCbor(decodeCbor(b.subarray(outline.metaStart, outline.metaEnd), 'meta'));
}
