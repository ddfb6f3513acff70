import type { Block } from '../primitives/block.js';
import { isCborMap, type CborValue } from '../primitives/cbor.js';
import type { Transaction } from '../primitives/transaction.js';
import { Keys, readU32be, readU64be, u64be, type Alloc } from './layout.js';
import type { BatchOp } from './write-queue.js';

/** Options of the query indexes (counts, subject+kind index, rows, numeric payload fields). */
export interface QueryIndexOptions {
  /** Keep the query indexes (off only to measure their cost: queries need them). */
  enabled: boolean;
  /** Kinds whose numeric top-level payload fields are indexed for aggregates. */
  aggregateKinds: readonly string[];
  /** Most numeric fields indexed per transaction (the first ones in key order). */
  maxAggregateFields: number;
}

/** Defaults: indexes on, `metric` aggregated, up to 16 fields per record. */
export const QUERY_INDEX_DEFAULTS: QueryIndexOptions = { enabled: true, aggregateKinds: ['metric'], maxAggregateFields: 16 };

/** Longest indexed field name (UTF-8 bytes): a key part carries a one-byte length. */
export const MAX_FIELD_BYTES = 64;

/** What a query row (0x36) holds: everything a history page shows except the payload. */
export interface QueryRow {
  txid: Uint8Array;
  from: Uint8Array;
  nonce: number;
  /** The client's time of the record (ms). */
  time: number;
  kind: string;
  subject?: string;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Encode a query row: txid(32) from(33) nonce(u64) time(u64) len kind len subject. */
export function encodeRow(tx: Transaction, alloc: Alloc = (n) => new Uint8Array(n)): Uint8Array {
  const f = tx.fields;
  const kind = enc.encode(f.kind);
  const subject = f.subject === undefined ? new Uint8Array(0) : enc.encode(f.subject);
  const out = alloc(32 + 33 + 16 + 2 + kind.byteLength + subject.byteLength);
  out.set(tx.txid, 0);
  out.set(f.from, 32);
  out.set(u64be(f.nonce), 65);
  out.set(u64be(f.time), 73);
  out[81] = kind.byteLength;
  out.set(kind, 82);
  out[82 + kind.byteLength] = subject.byteLength;
  out.set(subject, 83 + kind.byteLength);
  return out;
}

/** Decode a query row. */
export function decodeRow(v: Uint8Array): QueryRow {
  const kindLen = v[81]!;
  const subjectLen = v[82 + kindLen]!;
  const row: QueryRow = {
    txid: v.subarray(0, 32),
    from: v.subarray(32, 65),
    nonce: readU64be(v, 65),
    time: readU64be(v, 73),
    kind: dec.decode(v.subarray(82, 82 + kindLen)),
  };
  if (subjectLen > 0) row.subject = dec.decode(v.subarray(83 + kindLen, 83 + kindLen + subjectLen));
  return row;
}

/** The finite numeric top-level fields of a payload map (sorted by name), at most `max`. */
export function numericFields(payload: CborValue, max: number): Array<[string, number]> {
  if (!isCborMap(payload)) return [];
  const out: Array<[string, number]> = [];
  for (const name of Object.keys(payload).sort()) {
    if (out.length >= max) break;
    const v = payload[name];
    const n = typeof v === 'number' ? v : typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
    if (n === undefined || !Number.isFinite(n) || enc.encode(name).byteLength > MAX_FIELD_BYTES || name.length === 0) continue;
    out.push([name, n]);
  }
  return out;
}

/** An f64 value (big-endian). */
export function f64be(v: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setFloat64(0, v, false);
  return out;
}

/** Read a big-endian f64. */
export function readF64be(b: Uint8Array): number {
  return new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, false);
}

/** Count keys touched by a block: a cache name and the key bytes, with how many of the block's txs each counts. */
export function countDeltas(block: Block): Map<string, { key: Uint8Array; n: number }> {
  const out = new Map<string, { key: Uint8Array; n: number }>();
  const add = (name: string, key: () => Uint8Array): void => {
    const e = out.get(name);
    if (e === undefined) out.set(name, { key: key(), n: 1 });
    else e.n++;
  };
  for (const tx of block.txs) {
    const { kind, subject } = tx.fields;
    add(`k${kind}`, () => Keys.countKind(kind));
    if (subject !== undefined) {
      add(`s${subject}`, () => Keys.countSubject(subject));
      add(`b${subject.length}:${subject}${kind}`, () => Keys.countSubjectKind(subject, kind));
    }
  }
  return out;
}

/**
 * Per-transaction query index writes of a block at `height` (subject+kind index, rows, numeric fields of aggregated
 * kinds): puts on connect, deletes of the same keys on disconnect. Counts are separate (they read current values).
 */
export function queryIndexOps(block: Block, height: number, options: QueryIndexOptions, connect: boolean, alloc?: Alloc): BatchOp[] {
  const ops: BatchOp[] = [];
  const aggregated = new Set(options.aggregateKinds);
  block.txs.forEach((tx, i) => {
    const { kind, subject } = tx.fields;
    const row = Keys.row(height, i, connect ? alloc : undefined);
    ops.push(connect ? { type: 'put', key: row, value: encodeRow(tx, alloc), ...(alloc === undefined ? {} : { offHeap: true as const }) } : { type: 'del', key: row });
    if (subject === undefined) return;
    const sk = Keys.subjectKindIndex(subject, kind, height, i);
    ops.push(connect ? { type: 'put', key: sk, value: tx.txid } : { type: 'del', key: sk });
    if (!aggregated.has(kind)) return;
    for (const [name, v] of numericFields(tx.fields.payload, options.maxAggregateFields)) {
      const key = Keys.metric(subject, kind, name, height, i);
      ops.push(connect ? { type: 'put', key, value: f64be(v) } : { type: 'del', key });
    }
  });
  return ops;
}

/** height and position of a subject/kind/metric index key suffix (its last 8 bytes). */
export function suffixPosition(key: Uint8Array): { height: number; index: number } {
  return { height: readU32be(key, key.byteLength - 8), index: readU32be(key, key.byteLength - 4) };
}
