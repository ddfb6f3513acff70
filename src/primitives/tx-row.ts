import { DecodeError, DecodeErrorCode } from './errors.js';
import { shortUtf8 } from '../util/bytes.js';

/** The fields of a stored transaction a query row shows (the same as the row kept in its 0x20 record). */
export interface TxRowFields {
  from: Uint8Array;
  nonce: number;
  /** The client's time of the record (ms). */
  time: number;
  kind: string;
  subject?: string;
}

function malformed(why: string): never {
  throw new DecodeError(DecodeErrorCode.malformed, `tx row: ${why}`);
}

// The argument of the head read last (module state instead of an object per head: this runs for every exported
// row); callers take the major type from the head's first byte (`b[o] >> 5`) before reading it.
let arg = 0;

// One CBOR head at `o`: sets `arg`, returns the offset after it.
function head(b: Uint8Array, o: number): number {
  if (o >= b.length) malformed('truncated');
  const info = b[o]! & 0x1f;
  if (info < 24) {
    arg = info;
    return o + 1;
  }
  const n = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : malformed('indefinite or reserved length');
  if (o + 1 + n > b.length) malformed('truncated');
  let a = 0;
  for (let i = 0; i < n; i++) a = a * 256 + b[o + 1 + i]!;
  // Major type 7 carries float bits here, not a count: only skipped.
  if (!Number.isSafeInteger(a) && b[o]! >> 5 !== 7) malformed('argument too large');
  arg = a;
  return o + 1 + n;
}

// Offset past the CBOR item at `o` (iterative).
function skip(b: Uint8Array, o: number): number {
  let pending = 1;
  while (pending > 0) {
    const major = b[o]! >> 5;
    o = head(b, o);
    pending--;
    if (major === 2 || major === 3) o += arg;
    else if (major === 4) pending += arg;
    else if (major === 5) pending += 2 * arg;
    else if (major === 6) pending += 1;
    if (o > b.length) malformed('truncated');
  }
  return o;
}

// Key bytes of the fields read (DAG-CBOR text keys), compared in place.
const K_FROM = [0x66, 0x72, 0x6f, 0x6d];
const K_KIND = [0x6b, 0x69, 0x6e, 0x64];
const K_TIME = [0x74, 0x69, 0x6d, 0x65];
const K_NONCE = [0x6e, 0x6f, 0x6e, 0x63, 0x65];
const K_SUBJECT = [0x73, 0x75, 0x62, 0x6a, 0x65, 0x63, 0x74];

function keyIs(b: Uint8Array, o: number, len: number, key: readonly number[]): boolean {
  if (len !== key.length) return false;
  for (let i = 0; i < len; i++) if (b[o + i] !== key[i]) return false;
  return true;
}

/**
 * The row fields of an encoded transaction read from its CBOR heads, without decoding its payload or signature
 * (any key order). Meant for stored transactions, which were validated on the way in: beyond the shape of the
 * fields read, nothing is checked; malformed input gets DECODE_MALFORMED.
 */
export function readTxRow(b: Uint8Array): TxRowFields {
  if (b.length === 0 || b[0]! >> 5 !== 5) malformed('not a map');
  let o = head(b, 0);
  const entries = arg;
  let from: Uint8Array | undefined;
  let nonce = -1;
  let time = -1;
  let kind: string | undefined;
  let subject: string | undefined;
  for (let i = 0; i < entries; i++) {
    if (b[o]! >> 5 !== 3) malformed('key is not text');
    o = head(b, o);
    const k = o;
    const kLen = arg;
    o += kLen;
    if (keyIs(b, k, kLen, K_FROM)) {
      const major = b[o]! >> 5;
      o = head(b, o);
      if (major !== 2 || o + arg > b.length) malformed("bad 'from'");
      from = b.subarray(o, o + arg);
      o += arg;
    } else if (keyIs(b, k, kLen, K_KIND) || keyIs(b, k, kLen, K_SUBJECT)) {
      const major = b[o]! >> 5;
      o = head(b, o);
      if (major !== 3 || o + arg > b.length) malformed('bad text field');
      const s = shortUtf8(b, o, o + arg);
      if (kLen === 4) kind = s;
      else subject = s;
      o += arg;
    } else if (keyIs(b, k, kLen, K_TIME) || keyIs(b, k, kLen, K_NONCE)) {
      const major = b[o]! >> 5;
      o = head(b, o);
      if (major !== 0) malformed('bad integer field');
      if (kLen === 4) time = arg;
      else nonce = arg;
    } else o = skip(b, o);
  }
  if (from === undefined || kind === undefined || nonce < 0 || time < 0) malformed('missing field');
  const row: TxRowFields = { from, nonce, time, kind };
  if (subject !== undefined) row.subject = subject;
  return row;
}
