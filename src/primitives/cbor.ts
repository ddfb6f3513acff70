import { isUtf8 } from 'node:buffer';
import * as dagCbor from '@ipld/dag-cbor';
import { bytesEqual } from '../util/bytes.js';
import { checkCborDepth, checkValueDepth, MAX_CBOR_DEPTH } from './cbor-depth.js';
import { encodeCborFast } from './cbor-encode-fast.js';
import { DecodeError, DecodeErrorCode } from './errors.js';

export { checkCborDepth, checkValueDepth, MAX_CBOR_DEPTH } from './cbor-depth.js';

/** A value DAG-CBOR can carry (CIDs aside, which JSON payloads never produce). */
export type CborValue = null | boolean | number | bigint | string | Uint8Array | CborValue[] | { [key: string]: CborValue };

/** A decoded DAG-CBOR map. */
export type CborMap = { [key: string]: CborValue };

/**
 * Deterministic DAG-CBOR encoding (canonical key order, shortest integers). A value nested deeper than
 * {@link MAX_CBOR_DEPTH} is refused with `DECODE_TOO_DEEP` before the (recursive) encoder sees it, so nothing this
 * node builds or signs could be refused by a decoder.
 */
export function encodeCbor(value: unknown): Uint8Array {
  // The fast encoder bounds the depth itself: the breadth-first check walks only what goes to the library.
  const fast = encodeCborFast(value);
  if (fast !== undefined) return fast;
  checkValueDepth(value, 'value');
  try {
    return dagCbor.encode(value);
  } catch (err) {
    throw new DecodeError(DecodeErrorCode.badValue, `value cannot be encoded as DAG-CBOR: ${(err as Error).message}`, err);
  }
}

/**
 * Strict DAG-CBOR decode: rejects nesting deeper than {@link MAX_CBOR_DEPTH} (`DECODE_TOO_DEEP`, checked first and
 * without recursion, so the recursive steps below never go deeper than that), malformed input, trailing bytes,
 * indefinite lengths, over-long integers, duplicate keys, and (by re-encoding and comparing) unsorted map keys, so
 * one object has one encoding. Transactions, blocks, metas and gossip messages all decode through here.
 */
export function decodeCbor(bytes: Uint8Array, what: string): CborValue {
  checkCborDepth(bytes, what);
  const fast = decodeCanonicalFast(bytes);
  if (fast !== undefined) return fast.value;
  let value: CborValue;
  try {
    value = dagCbor.decode(bytes) as CborValue;
  } catch (err) {
    throw new DecodeError(DecodeErrorCode.malformed, `${what}: malformed DAG-CBOR: ${(err as Error).message}`, err);
  }
  const verdict = canonicalForm(bytes);
  if (verdict === 'bad' || (verdict === 'unknown' && !bytesEqual(dagCbor.encode(value), bytes))) {
    throw new DecodeError(DecodeErrorCode.nonCanonical, `${what}: non-canonical DAG-CBOR encoding`);
  }
  return value;
}

// Callers check the depth first; the bound keeps this recursive decoder safe on its own.
const FAST_MAX_DEPTH = MAX_CBOR_DEPTH;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// Map keys and short values (kinds, field names) repeat in every transaction: a small table of recent strings,
// indexed by a hash of their bytes, hands back the same string instead of building a new one each time.
const INTERN_SLOTS = 1024;
const internTable: Array<string | undefined> = new Array<string | undefined>(INTERN_SLOTS).fill(undefined);

function shortAscii(bytes: Uint8Array, start: number, n: number): string {
  let h = n;
  for (let i = start; i < start + n; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  const slot = (h >>> 0) & (INTERN_SLOTS - 1);
  const hit = internTable[slot];
  if (hit !== undefined && hit.length === n) {
    let same = true;
    for (let i = 0; i < n; i++) {
      if (hit.charCodeAt(i) !== bytes[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return hit;
  }
  // Building a short string here beats a Buffer round trip.
  let str = '';
  for (let i = start; i < start + n; i++) str += String.fromCharCode(bytes[i]!);
  if (n <= 24) internTable[slot] = str;
  return str;
}

/** Thrown inside the fast decoder when the input is not plainly canonical; never escapes it. */
class NotFast {}
const NOT_FAST = new NotFast();

/**
 * Decodes bytes only when they are plainly canonical DAG-CBOR without tags (what every transaction and block
 * is), giving the value the strict decoder would, with byte strings as views into `bytes` instead of copies.
 * Returns undefined for anything else (malformed, non-canonical, tags, big integers, ...); the caller then runs
 * the strict decoder, which accepts or rejects with its usual errors. Exported for tests.
 */
export function decodeCanonicalFast(bytes: Uint8Array): { value: CborValue } | undefined {
  const end = bytes.byteLength;
  let pos = 0;
  const need = (n: number): void => {
    if (n > end - pos) throw NOT_FAST;
  };
  // Argument of a head with minimal-length check; lengths and integers above 2^53 are not fast.
  const arg = (info: number): number => {
    if (info < 24) return info;
    if (info === 24) {
      need(1);
      const v = bytes[pos++]!;
      if (v < 24) throw NOT_FAST;
      return v;
    }
    if (info === 25) {
      need(2);
      const v = (bytes[pos]! << 8) | bytes[pos + 1]!;
      pos += 2;
      if (v < 0x100) throw NOT_FAST;
      return v;
    }
    if (info === 26) {
      need(4);
      const v = ((bytes[pos]! << 24) >>> 0) + ((bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!);
      pos += 4;
      if (v < 0x10000) throw NOT_FAST;
      return v;
    }
    if (info === 27) {
      need(8);
      const hi = ((bytes[pos]! << 24) >>> 0) + ((bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!);
      const lo = ((bytes[pos + 4]! << 24) >>> 0) + ((bytes[pos + 5]! << 16) | (bytes[pos + 6]! << 8) | bytes[pos + 7]!);
      pos += 8;
      if (hi === 0 || hi > 0x1fffff) throw NOT_FAST;
      return hi * 0x1_0000_0000 + lo;
    }
    throw NOT_FAST;
  };
  const text = (n: number): string => {
    need(n);
    const start = pos;
    pos += n;
    let ascii = true;
    for (let i = start; i < pos; i++) {
      if (bytes[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      if (n > 32) return Buffer.from(bytes.buffer, bytes.byteOffset + start, n).toString('latin1');
      return shortAscii(bytes, start, n);
    }
    // Decoders differ on a leading byte order mark (kept or dropped): leave it to the strict one.
    if (bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) throw NOT_FAST;
    try {
      return utf8.decode(bytes.subarray(start, pos));
    } catch {
      throw NOT_FAST;
    }
  };
  const item = (depth: number): CborValue => {
    if (depth > FAST_MAX_DEPTH) throw NOT_FAST;
    need(1);
    const head = bytes[pos++]!;
    const major = head >> 5;
    const info = head & 31;
    switch (major) {
      case 0:
        return arg(info);
      case 1: {
        const n = arg(info);
        if (n >= Number.MAX_SAFE_INTEGER) throw NOT_FAST;
        return -1 - n;
      }
      case 2: {
        const n = arg(info);
        need(n);
        pos += n;
        // A plain Uint8Array view even when the input is a Buffer (whose slice() would not copy, unlike Uint8Array's).
        return new Uint8Array(bytes.buffer, bytes.byteOffset + pos - n, n);
      }
      case 3:
        return text(arg(info));
      case 4: {
        const n = arg(info);
        // Each element takes at least one byte: a length beyond the input is not allocated.
        need(n);
        const out = new Array<CborValue>(n);
        for (let i = 0; i < n; i++) out[i] = item(depth + 1);
        return out;
      }
      case 5: {
        const n = arg(info);
        const out: CborMap = {};
        let prevStart = -1;
        let prevEnd = -1;
        for (let i = 0; i < n; i++) {
          const start = pos;
          need(1);
          if (bytes[pos]! >> 5 !== 3) throw NOT_FAST;
          pos++;
          const key = text(arg(bytes[start]! & 31));
          if (prevStart >= 0 && compareKeys(bytes, prevStart, prevEnd, start, pos) >= 0) throw NOT_FAST;
          if (key === '__proto__') throw NOT_FAST;
          prevStart = start;
          prevEnd = pos;
          out[key] = item(depth + 1);
        }
        return out;
      }
      case 7:
        if (head === 0xf4) return false;
        if (head === 0xf5) return true;
        if (head === 0xf6) return null;
        if (head === 0xfb) {
          need(8);
          const v = new DataView(bytes.buffer, bytes.byteOffset + pos, 8).getFloat64(0);
          pos += 8;
          // The encoder writes safe integers (and -0) as integers; NaN and infinities are not DAG-CBOR.
          if (!Number.isFinite(v) || Number.isSafeInteger(v)) throw NOT_FAST;
          return v;
        }
        throw NOT_FAST;
      default:
        throw NOT_FAST;
    }
  };
  try {
    const value = item(0);
    return pos === end ? { value } : undefined;
  } catch (err) {
    if (err === NOT_FAST) return undefined;
    throw err;
  }
}

/**
 * Checks what the strict decoder leaves open, without re-encoding: map keys in length-first then bytewise order,
 * floats only as float64 and only where the encoder would not write an integer, valid UTF-8 text. Call only on
 * bytes the strict decoder accepted (minimal lengths, no indefinite items, no trailing bytes). Returns 'unknown'
 * for tags and non-text keys, which the caller settles by re-encoding.
 */
export function canonicalForm(bytes: Uint8Array): 'ok' | 'bad' | 'unknown' {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  let verdict: 'ok' | 'bad' | 'unknown' = 'ok';
  const arg = (info: number): number => {
    if (info < 24) return info;
    const size = 1 << (info - 24);
    const at = pos;
    pos += size;
    if (size === 1) return bytes[at]!;
    if (size === 2) return view.getUint16(at);
    if (size === 4) return view.getUint32(at);
    return Number(view.getBigUint64(at));
  };
  let level = 0;
  const item = (): void => {
    const head = bytes[pos++]!;
    const major = head >> 5;
    const info = head & 31;
    switch (major) {
      case 0:
      case 1:
        arg(info);
        return;
      case 2: {
        const n = arg(info);
        pos += n;
        return;
      }
      case 3: {
        const n = arg(info);
        if (!isUtf8(bytes.subarray(pos, pos + n))) verdict = 'bad';
        pos += n;
        return;
      }
      case 4: {
        const n = arg(info);
        if (++level > MAX_CBOR_DEPTH) throw new DecodeError(DecodeErrorCode.tooDeep, `nested deeper than ${MAX_CBOR_DEPTH} levels`);
        for (let i = 0; i < n && verdict === 'ok'; i++) item();
        level--;
        return;
      }
      case 5: {
        const n = arg(info);
        if (++level > MAX_CBOR_DEPTH) throw new DecodeError(DecodeErrorCode.tooDeep, `nested deeper than ${MAX_CBOR_DEPTH} levels`);
        let prevStart = -1;
        let prevEnd = -1;
        for (let i = 0; i < n && verdict === 'ok'; i++) {
          const start = pos;
          if (bytes[pos]! >> 5 !== 3) {
            verdict = 'unknown';
            return;
          }
          item();
          const end = pos;
          if (prevStart >= 0 && compareKeys(bytes, prevStart, prevEnd, start, end) >= 0) verdict = 'bad';
          prevStart = start;
          prevEnd = end;
          item();
        }
        level--;
        return;
      }
      case 6:
        verdict = 'unknown';
        return;
      default:
        if (info === 27) {
          const v = view.getFloat64(pos);
          pos += 8;
          // The encoder writes safe integers (and -0) as integers, everything else as float64.
          if (Number.isSafeInteger(v)) verdict = 'bad';
        } else if (info === 25 || info === 26) {
          verdict = 'bad';
        } else if (info >= 24) {
          verdict = 'unknown';
        }
    }
  };
  item();
  return verdict;
}

function compareKeys(b: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const la = aEnd - aStart;
  const lb = bEnd - bStart;
  if (la !== lb) return la - lb;
  for (let i = 0; i < la; i++) {
    const d = b[aStart + i]! - b[bStart + i]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** True for a plain decoded map (not an array, bytes or null). */
export function isCborMap(v: unknown): v is CborMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && Object.getPrototypeOf(v) === Object.prototype;
}

/** Checks that `map` has exactly the `required` keys plus any of the `optional` ones. */
export function checkKeys(map: CborMap, required: readonly string[], optional: readonly string[], what: string): void {
  for (const k of required) {
    if (!(k in map)) throw new DecodeError(DecodeErrorCode.missingField, `${what}: missing field '${k}'`);
  }
  for (const k of Object.keys(map)) {
    if (!required.includes(k) && !optional.includes(k)) throw new DecodeError(DecodeErrorCode.unknownField, `${what}: unknown field '${k}'`);
  }
}

/** Field readers that throw typed decode errors. */
export const read = {
  uint(map: CborMap, key: string, what: string, max = Number.MAX_SAFE_INTEGER): number {
    const v = map[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      throw new DecodeError(DecodeErrorCode.wrongType, `${what}: '${key}' must be an unsigned integer`);
    if (v > max) throw new DecodeError(DecodeErrorCode.badValue, `${what}: '${key}' exceeds ${max}`);
    return v;
  },
  bytes(map: CborMap, key: string, what: string, length: { exact?: number; max?: number }): Uint8Array {
    const v = map[key];
    if (!(v instanceof Uint8Array)) throw new DecodeError(DecodeErrorCode.wrongType, `${what}: '${key}' must be bytes`);
    if (length.exact !== undefined && v.byteLength !== length.exact)
      throw new DecodeError(DecodeErrorCode.badValue, `${what}: '${key}' must be ${length.exact} bytes`);
    if (length.max !== undefined && v.byteLength > length.max)
      throw new DecodeError(DecodeErrorCode.oversized, `${what}: '${key}' exceeds ${length.max} bytes`);
    return v;
  },
  string(map: CborMap, key: string, what: string, minBytes: number, maxBytes: number): string {
    const v = map[key];
    if (typeof v !== 'string') throw new DecodeError(DecodeErrorCode.wrongType, `${what}: '${key}' must be a string`);
    const n = Buffer.byteLength(v, 'utf8');
    if (n < minBytes) throw new DecodeError(DecodeErrorCode.badValue, `${what}: '${key}' must be at least ${minBytes} bytes`);
    if (n > maxBytes) throw new DecodeError(DecodeErrorCode.oversized, `${what}: '${key}' exceeds ${maxBytes} bytes`);
    return v;
  },
};

/** Bytes of the shortest CBOR head (what DAG-CBOR requires) for argument `v`. */
export function cborHeadSize(v: number): number {
  return v < 24 ? 1 : v < 0x100 ? 2 : v < 0x1_0000 ? 3 : v < 0x1_0000_0000 ? 5 : 9;
}

/** Write the shortest CBOR head of major type `major` (0-7) and argument `v` at `o`; returns the next offset. */
export function writeCborHead(out: Uint8Array, o: number, major: number, v: number): number {
  const m = major << 5;
  if (v < 24) {
    out[o] = m | v;
    return o + 1;
  }
  if (v < 0x100) {
    out[o] = m | 24;
    out[o + 1] = v;
    return o + 2;
  }
  if (v < 0x1_0000) {
    out[o] = m | 25;
    out[o + 1] = v >>> 8;
    out[o + 2] = v & 0xff;
    return o + 3;
  }
  if (v < 0x1_0000_0000) {
    out[o] = m | 26;
    new DataView(out.buffer, out.byteOffset + o + 1, 4).setUint32(0, v, false);
    return o + 5;
  }
  out[o] = m | 27;
  new DataView(out.buffer, out.byteOffset + o + 1, 8).setBigUint64(0, BigInt(v), false);
  return o + 9;
}
