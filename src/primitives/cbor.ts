import { isUtf8 } from 'node:buffer';
import * as dagCbor from '@ipld/dag-cbor';
import { bytesEqual } from './bytes.js';
import { DecodeError, DecodeErrorCode } from './errors.js';

/** A value DAG-CBOR can carry (CIDs aside, which JSON payloads never produce). */
export type CborValue = null | boolean | number | bigint | string | Uint8Array | CborValue[] | { [key: string]: CborValue };

/** A decoded DAG-CBOR map. */
export type CborMap = { [key: string]: CborValue };

/** Deterministic DAG-CBOR encoding (canonical key order, shortest integers). */
export function encodeCbor(value: unknown): Uint8Array {
  try {
    return dagCbor.encode(value);
  } catch (err) {
    throw new DecodeError(DecodeErrorCode.badValue, `value cannot be encoded as DAG-CBOR: ${(err as Error).message}`, err);
  }
}

/**
 * Strict DAG-CBOR decode: rejects malformed input, trailing bytes, indefinite lengths, over-long integers,
 * duplicate keys, and (by re-encoding and comparing) unsorted map keys, so one object has one encoding.
 */
export function decodeCbor(bytes: Uint8Array, what: string): CborValue {
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
        for (let i = 0; i < n && verdict === 'ok'; i++) item();
        return;
      }
      case 5: {
        const n = arg(info);
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
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new DecodeError(DecodeErrorCode.wrongType, `${what}: '${key}' must be an unsigned integer`);
    if (v > max) throw new DecodeError(DecodeErrorCode.badValue, `${what}: '${key}' exceeds ${max}`);
    return v;
  },
  bytes(map: CborMap, key: string, what: string, length: { exact?: number; max?: number }): Uint8Array {
    const v = map[key];
    if (!(v instanceof Uint8Array)) throw new DecodeError(DecodeErrorCode.wrongType, `${what}: '${key}' must be bytes`);
    if (length.exact !== undefined && v.byteLength !== length.exact) throw new DecodeError(DecodeErrorCode.badValue, `${what}: '${key}' must be ${length.exact} bytes`);
    if (length.max !== undefined && v.byteLength > length.max) throw new DecodeError(DecodeErrorCode.oversized, `${what}: '${key}' exceeds ${length.max} bytes`);
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
