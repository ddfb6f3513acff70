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
  if (!bytesEqual(dagCbor.encode(value), bytes)) {
    throw new DecodeError(DecodeErrorCode.nonCanonical, `${what}: non-canonical DAG-CBOR encoding`);
  }
  return value;
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
