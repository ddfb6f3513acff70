import { isCborMap, type CborValue } from '../primitives/cbor.js';
import type { Transaction } from '../primitives/transaction.js';
import { readU32be, readU64be, type Alloc } from './layout.js';
import { shortUtf8, writeF64BE } from '../util/bytes.js';

/** Options of the query indexes (ordinals and rows in the index values, subject+kind index, numeric fields). */
export interface QueryIndexOptions {
  /** Keep the query indexes (off only to measure their cost: counts, ranges and aggregates need them). */
  enabled: boolean;
  /** Kinds whose numeric top-level payload fields are kept in the subject+kind index for aggregates. */
  aggregateKinds: readonly string[];
  /** Most numeric fields kept per record (the first ones in name order). */
  maxAggregateFields: number;
}

/** Defaults: indexes on, `metric` aggregated, up to 16 fields per record. */
export const QUERY_INDEX_DEFAULTS: QueryIndexOptions = { enabled: true, aggregateKinds: ['metric'], maxAggregateFields: 16 };

/** Longest kept field name (UTF-8 bytes). */
export const MAX_FIELD_BYTES = 64;

/** What a history page shows of a record, kept after its location in the 0x20 value (no block read needed). */
export interface QueryRow {
  from: Uint8Array;
  nonce: number;
  /** The client's time of the record (ms). */
  time: number;
  kind: string;
  subject?: string;
}

/** A decoded 0x20 value. */
export interface TxRecord {
  blockHash: Uint8Array;
  index: number;
  /** Absent in a store kept without query indexes. */
  row?: QueryRow;
}

const enc = new TextEncoder();
const fresh: Alloc = (n) => new Uint8Array(n);

function putU32(out: Uint8Array, o: number, v: number): void {
  out[o] = v >>> 24;
  out[o + 1] = (v >>> 16) & 0xff;
  out[o + 2] = (v >>> 8) & 0xff;
  out[o + 3] = v & 0xff;
}

function putU64(out: Uint8Array, o: number, v: number): void {
  putU32(out, o, Math.floor(v / 0x1_0000_0000));
  putU32(out, o + 4, v >>> 0);
}

// UTF-8 of a short string written in place (ASCII, the usual case, without an allocation); returns the length.
function putString(out: Uint8Array, o: number, s: string, bytes: Uint8Array | undefined): number {
  if (bytes !== undefined) {
    out.set(bytes, o);
    return bytes.byteLength;
  }
  for (let i = 0; i < s.length; i++) out[o + i] = s.charCodeAt(i);
  return s.length;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

// The query row after its offset `o`: from(33) nonce(u64) time(u64) len kind, then (`subject`) len subject.
function rowLength(kindLen: number, subjectLen: number | undefined): number {
  return 33 + 16 + 1 + kindLen + (subjectLen === undefined ? 0 : 1 + subjectLen);
}

function writeRow(
  out: Uint8Array,
  o: number,
  tx: Transaction,
  kind: Uint8Array | undefined,
  subject: { s: string; bytes: Uint8Array | undefined } | undefined,
): void {
  const f = tx.fields;
  out.set(f.from, o);
  putU64(out, o + 33, f.nonce);
  putU64(out, o + 41, f.time);
  const kindLen = kind?.byteLength ?? f.kind.length;
  out[o + 49] = kindLen;
  putString(out, o + 50, f.kind, kind);
  if (subject === undefined) return;
  const at = o + 50 + kindLen;
  out[at] = subject.bytes?.byteLength ?? subject.s.length;
  putString(out, at + 1, subject.s, subject.bytes);
}

function readRow(v: Uint8Array, o: number, subject: boolean): QueryRow {
  const kindLen = v[o + 49]!;
  const row: QueryRow = { from: v.subarray(o, o + 33), nonce: readU64be(v, o + 33), time: readU64be(v, o + 41), kind: shortUtf8(v, o + 50, o + 50 + kindLen) };
  if (!subject) return row;
  const at = o + 50 + kindLen;
  const subjectLen = v[at]!;
  if (subjectLen > 0) row.subject = shortUtf8(v, at + 1, at + 1 + subjectLen);
  return row;
}

/** 0x20 value: block hash(32) position(u32), then the query row: from(33) nonce(u64) time(u64) len kind len subject. */
export function encodeTxRecord(blockHash: Uint8Array, index: number, tx: Transaction, alloc: Alloc = fresh): Uint8Array {
  const f = tx.fields;
  const subject = f.subject ?? '';
  const kindBytes = isAscii(f.kind) ? undefined : enc.encode(f.kind);
  const subjectBytes = isAscii(subject) ? undefined : enc.encode(subject);
  const out = alloc(36 + rowLength(kindBytes?.byteLength ?? f.kind.length, subjectBytes?.byteLength ?? subject.length));
  out.set(blockHash, 0);
  putU32(out, 32, index);
  writeRow(out, 36, tx, kindBytes, { s: subject, bytes: subjectBytes });
  return out;
}

/** Decode a 0x20 value (with or without its query row). */
export function decodeTxRecord(v: Uint8Array): TxRecord {
  const out: TxRecord = { blockHash: v.subarray(0, 32), index: readU32be(v, 32) };
  if (v.byteLength > 36) out.row = readRow(v, 36, true);
  return out;
}

/**
 * 0x32 value with the query indexes: txid(32) ordinal(u64), then the query row without its subject (the key's):
 * a subject's history page is one read of consecutive entries, with no tx record read per row.
 */
export function subjectIndexValue(txid: Uint8Array, ordinal: number, tx: Transaction, alloc: Alloc = fresh): Uint8Array {
  const kindBytes = isAscii(tx.fields.kind) ? undefined : enc.encode(tx.fields.kind);
  const out = alloc(40 + rowLength(kindBytes?.byteLength ?? tx.fields.kind.length, undefined));
  out.set(txid, 0);
  putU64(out, 32, ordinal);
  writeRow(out, 40, tx, kindBytes, undefined);
  return out;
}

/** The query row of a 0x32 value, about `subject` (undefined for a value written without it). */
export function subjectIndexRow(v: Uint8Array, subject: string): QueryRow | undefined {
  if (v.byteLength <= 40) return undefined;
  const row = readRow(v, 40, false);
  row.subject = subject;
  return row;
}

/** Subject+kind (0x35) and kind (0x33) index value: txid(32) ordinal(u64), then (0x35) the numeric fields. */
export function indexValue(txid: Uint8Array, ordinal: number, fields: ReadonlyArray<[Uint8Array, number]> | undefined, alloc: Alloc = fresh): Uint8Array {
  let n = 40;
  if (fields !== undefined) {
    n += 1;
    for (const [name] of fields) n += 1 + name.byteLength + 8;
  }
  const out = alloc(n);
  out.set(txid, 0);
  putU64(out, 32, ordinal);
  if (fields === undefined) return out;
  out[40] = fields.length;
  let o = 41;
  for (const [name, value] of fields) {
    out[o] = name.byteLength;
    out.set(name, o + 1);
    writeF64BE(out, o + 1 + name.byteLength, value);
    o += 1 + name.byteLength + 8;
  }
  return out;
}

/** The ordinal of an index value (undefined for a value written without query indexes). */
export function readOrdinal(v: Uint8Array): number | undefined {
  return v.byteLength >= 40 ? readU64be(v, 32) : undefined;
}

/** The value of the field `name` (UTF-8 bytes) in a 0x35 index value, if kept. */
export function fieldOf(v: Uint8Array, name: Uint8Array): number | undefined {
  if (v.byteLength <= 40) return undefined;
  const count = v[40]!;
  let o = 41;
  for (let i = 0; i < count; i++) {
    const len = v[o]!;
    if (len === name.byteLength) {
      let same = true;
      for (let k = 0; k < len && same; k++) same = v[o + 1 + k] === name[k];
      if (same) return new DataView(v.buffer, v.byteOffset + o + 1 + len, 8).getFloat64(0, false);
    }
    o += 1 + len + 8;
  }
  return undefined;
}

// UTF-8 of payload field names, kept per name (a kind's records repeat the same few): no encoding per record.
const fieldNames = new Map<string, Uint8Array>();
const FIELD_NAMES_MAX = 4096;

function fieldName(name: string): Uint8Array {
  let bytes = fieldNames.get(name);
  if (bytes === undefined) {
    bytes = enc.encode(name);
    if (fieldNames.size >= FIELD_NAMES_MAX) fieldNames.clear();
    fieldNames.set(name, bytes);
  }
  return bytes;
}

// A payload value kept for aggregates: a finite number (safe-range bigints as numbers).
function numericValue(v: CborValue | undefined): number | undefined {
  const n =
    typeof v === 'number' ? v : typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
  return n === undefined || !Number.isFinite(n) ? undefined : n;
}

// UTF-8 length of a field name (ASCII, the usual case, without encoding it).
function nameLength(name: string): number {
  return isAscii(name) ? name.length : fieldName(name).byteLength;
}

/** The finite numeric top-level fields of a payload map (in its canonical key order, names as UTF-8), at most `max`. */
export function numericFields(payload: CborValue, max: number): Array<[Uint8Array, number]> {
  if (!isCborMap(payload)) return [];
  const out: Array<[Uint8Array, number]> = [];
  for (const name in payload) {
    if (out.length >= max) break;
    const n = numericValue(payload[name]);
    if (n === undefined) continue;
    const bytes = fieldName(name);
    if (bytes.byteLength > MAX_FIELD_BYTES || bytes.byteLength === 0) continue;
    out.push([bytes, n]);
  }
  return out;
}

/**
 * `indexValue(txid, ordinal, numericFields(payload, max))` written straight from the payload (two passes over its
 * fields, no arrays per record): the subject+kind value of an aggregated kind, built on every connect.
 */
export function aggregateIndexValue(txid: Uint8Array, ordinal: number, payload: CborValue, max: number, alloc: Alloc = fresh): Uint8Array {
  const map = isCborMap(payload) ? payload : undefined;
  let count = 0;
  let size = 41;
  if (map !== undefined) {
    for (const name in map) {
      if (count >= max) break;
      if (numericValue(map[name]) === undefined) continue;
      const len = nameLength(name);
      if (len > MAX_FIELD_BYTES || len === 0) continue;
      count++;
      size += 1 + len + 8;
    }
  }
  const out = alloc(size);
  out.set(txid, 0);
  putU64(out, 32, ordinal);
  out[40] = count;
  if (map === undefined || count === 0) return out;
  let o = 41;
  let written = 0;
  for (const name in map) {
    if (written >= count) break;
    const n = numericValue(map[name]);
    if (n === undefined) continue;
    const len = nameLength(name);
    if (len > MAX_FIELD_BYTES || len === 0) continue;
    out[o] = len;
    putString(out, o + 1, name, len === name.length && isAscii(name) ? undefined : fieldName(name));
    writeF64BE(out, o + 1 + len, n);
    o += 1 + len + 8;
    written++;
  }
  return out;
}
