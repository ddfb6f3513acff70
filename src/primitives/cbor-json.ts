import { MAX_CBOR_DEPTH, type CborValue } from './cbor.js';
import { DecodeError, DecodeErrorCode } from './errors.js';

/** A JSON value (what {@link cborToJson} returns). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

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
  if (level > MAX_CBOR_DEPTH) throw new DecodeError(DecodeErrorCode.tooDeep, `payload: nested deeper than ${MAX_CBOR_DEPTH} levels`);
  if (Array.isArray(v)) return v.map((x) => jsonToCbor(x, level + 1));
  const out: Record<string, CborValue> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = jsonToCbor(x, level + 1);
  return out;
}
