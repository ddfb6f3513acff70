import { ClassicLevel } from 'classic-level';
import type { Delivery, DeliveryLogEntry, Hook } from './types.js';

type Db = ClassicLevel<Uint8Array, Uint8Array>;
type Op = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array };

/**
 * Key layout of the webhook database (`<datadir>/webhooks`, prefixes 0x60-0x67 of the reserved table in
 * src/store/layout.ts). Hook ids are fixed-length ASCII; integers are big-endian so byte order is numeric order.
 *
 * | prefix | key                              | value                                  |
 * |--------|----------------------------------|----------------------------------------|
 * | 0x60   | 0x60 hookId                      | hook JSON (filter, secret, cursor)     |
 * | 0x61   | 0x61 nextAt(u64) hookId seq(u64) | pending delivery JSON, by due time     |
 * | 0x62   | 0x62 hookId seq(u64)             | dead-lettered delivery JSON            |
 * | 0x63   | 0x63 hookId slot(u32)            | delivery log entry JSON (ring of logSize slots) |
 * | 0x64   | 0x64 hookId key                  | seq of the delivery made for that key  |
 * | 0x65   | 0x65 'seq'                       | u64 last delivery sequence number      |
 */
export const HookPrefix = { hook: 0x60, pending: 0x61, dead: 0x62, log: 0x63, seen: 0x64, meta: 0x65 } as const;

/** Length of a hook id (`wh_` + 24 hex). */
export const HOOK_ID_LENGTH = 27;

const enc = new TextEncoder();
const dec = new TextDecoder();

function u64(v: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), false);
  return b;
}

function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, false);
  return b;
}

function readU64(b: Uint8Array, o: number): number {
  return Number(new DataView(b.buffer, b.byteOffset + o, 8).getBigUint64(0, false));
}

function key(prefix: number, ...parts: Array<Uint8Array | string>): Uint8Array {
  const bytes = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : p));
  const out = new Uint8Array(1 + bytes.reduce((n, b) => n + b.byteLength, 0));
  out[0] = prefix;
  let o = 1;
  for (const b of bytes) {
    out.set(b, o);
    o += b.byteLength;
  }
  return out;
}

const json = (v: unknown): Uint8Array => enc.encode(JSON.stringify(v));
const parse = <T>(v: Uint8Array): T => JSON.parse(dec.decode(v)) as T;
const range = (prefix: Uint8Array): { gte: Uint8Array; lt: Uint8Array } => {
  const lt = Uint8Array.from(prefix);
  lt[lt.length - 1]!++;
  return { gte: prefix, lt };
};

const pendingKey = (d: Delivery): Uint8Array => key(HookPrefix.pending, u64(d.nextAt), d.hook, u64(d.seq));

/**
 * Hooks, their pending deliveries (ordered by due time), dead letters, delivery logs and the keys already turned
 * into deliveries, in one LevelDB. Every change is one atomic batch: a hook's cursor moves together with the
 * deliveries it created, and a delivery leaves the pending rows together with its log entry, so a kill -9 at any
 * point loses nothing (a delivery in flight is sent again: at-least-once, same idempotency key).
 */
export class HookStore {
  readonly #db: Db;
  #seq = 0;
  // No pending row is due before this (rows before it are gone): scans start here, not at the tombstones of
  // deliveries settled since the last compaction.
  #floor = 0;
  // Next log slot per hook (the ring position after the newest entry).
  readonly #logNext = new Map<string, number>();

  private constructor(db: Db) {
    this.#db = db;
  }

  /** Open (creating) the database at `path`. */
  static async open(path: string): Promise<HookStore> {
    const db: Db = new ClassicLevel<Uint8Array, Uint8Array>(path, { keyEncoding: 'view', valueEncoding: 'view' });
    await db.open();
    const s = new HookStore(db);
    const v = await db.get(key(HookPrefix.meta, 'seq'));
    s.#seq = v === undefined ? 0 : readU64(v, 0);
    for await (const k of db.keys({ ...range(Uint8Array.of(HookPrefix.pending)), limit: 1 })) s.#floor = readU64(k, 1);
    return s;
  }

  /** Close the database. */
  async close(): Promise<void> {
    await this.#db.close();
  }

  /** Every hook. */
  async hooks(): Promise<Hook[]> {
    const out: Hook[] = [];
    for await (const v of this.#db.values(range(Uint8Array.of(HookPrefix.hook)))) out.push(parse<Hook>(v));
    return out;
  }

  /** One hook. */
  async hook(id: string): Promise<Hook | undefined> {
    const v = await this.#db.get(key(HookPrefix.hook, id));
    return v === undefined ? undefined : parse<Hook>(v);
  }

  /** Store a new hook. */
  async putHook(h: Hook): Promise<void> {
    await this.#db.put(key(HookPrefix.hook, h.id), json(h));
  }

  /** Delete a hook with its pending deliveries, dead letters, log and seen keys (one batch). */
  async deleteHook(id: string): Promise<void> {
    this.#logNext.delete(id);
    const ops: Op[] = [{ type: 'del', key: key(HookPrefix.hook, id) }];
    for await (const [k, v] of this.#db.iterator(range(Uint8Array.of(HookPrefix.pending))))
      if (parse<Delivery>(v).hook === id) ops.push({ type: 'del', key: k });
    for (const p of [HookPrefix.dead, HookPrefix.log, HookPrefix.seen]) {
      for await (const k of this.#db.keys(range(key(p, id)))) ops.push({ type: 'del', key: k });
    }
    await this.#db.batch(ops);
  }

  /**
   * Move `hook`'s cursor and add a pending delivery for each new record (keys already seen are skipped: a record
   * that re-enters after a reorg is not delivered twice). Returns how many deliveries were added.
   */
  async advance(hook: Hook, records: ReadonlyArray<{ key: string; body: (key: string) => string }>, now: number): Promise<number> {
    const seen = records.length === 0 ? [] : await this.#db.getMany(records.map((r) => key(HookPrefix.seen, hook.id, r.key)));
    const ops: Op[] = [];
    let added = 0;
    const batchKeys = new Set<string>();
    records.forEach((r, i) => {
      if (seen[i] !== undefined || batchKeys.has(r.key)) return;
      batchKeys.add(r.key);
      const seq = ++this.#seq;
      const d: Delivery = { key: r.key, hook: hook.id, seq, body: r.body(r.key), attempts: 0, createdAt: new Date(now).toISOString(), nextAt: now };
      this.#floor = Math.min(this.#floor, now);
      ops.push({ type: 'put', key: pendingKey(d), value: json(d) });
      ops.push({ type: 'put', key: key(HookPrefix.seen, hook.id, r.key), value: u64(seq) });
      added++;
    });
    ops.push({ type: 'put', key: key(HookPrefix.hook, hook.id), value: json(hook) });
    if (added > 0) ops.push({ type: 'put', key: key(HookPrefix.meta, 'seq'), value: u64(this.#seq) });
    await this.#db.batch(ops);
    return added;
  }

  /** Up to `limit` pending deliveries due at `now`, earliest first, skipping those `skip` holds (in flight). */
  async due(now: number, limit: number, skip: ReadonlySet<number>): Promise<Delivery[]> {
    const out: Delivery[] = [];
    if (limit <= 0) return out;
    let first = true;
    for await (const [k, v] of this.#db.iterator({ gte: key(HookPrefix.pending, u64(this.#floor)), lt: key(HookPrefix.pending, u64(now + 1)) })) {
      if (first) this.#floor = readU64(k, 1);
      first = false;
      // The key ends with the seq: in-flight rows are skipped without decoding them.
      if (skip.has(readU64(k, k.byteLength - 8))) continue;
      out.push(parse<Delivery>(v));
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Due time of the earliest pending delivery, if any. */
  async nextDue(): Promise<number | undefined> {
    for await (const k of this.#db.keys({ gte: key(HookPrefix.pending, u64(this.#floor)), lt: Uint8Array.of(HookPrefix.pending + 1), limit: 1 })) {
      this.#floor = readU64(k, 1);
      return this.#floor;
    }
    return undefined;
  }

  /**
   * Record an attempt in one batch: the log entry (and the oldest entries past `logSize` dropped), and the
   * delivery removed (delivered), rescheduled (`next`) or moved to the dead-letter list.
   */
  async settle(d: Delivery, entry: DeliveryLogEntry, next: Delivery | undefined, logSize: number): Promise<void> {
    const ops: Op[] = [{ type: 'del', key: pendingKey(d) }];
    if (entry.outcome === 'retry' && next !== undefined) {
      ops.push({ type: 'put', key: pendingKey(next), value: json(next) });
      this.#floor = Math.min(this.#floor, next.nextAt);
    }
    if (entry.outcome === 'dead') ops.push({ type: 'put', key: key(HookPrefix.dead, d.hook, u64(d.seq)), value: json(next ?? d) });
    if (await this.#db.has(key(HookPrefix.hook, d.hook))) {
      // A ring of logSize slots per hook: each entry overwrites the oldest, nothing to delete or scan.
      const slot = await this.#nextLogSlot(d.hook, logSize);
      ops.push({ type: 'put', key: key(HookPrefix.log, d.hook, u32(slot)), value: json({ ...entry, n: this.#logNext.get(d.hook)! - 1 }) });
      await this.#db.batch(ops);
    } else {
      // Deleted while in flight: leave nothing behind.
      await this.#db.batch(ops.filter((o) => o.type === 'del'));
    }
  }

  async #nextLogSlot(hook: string, logSize: number): Promise<number> {
    let next = this.#logNext.get(hook);
    if (next === undefined) {
      next = 0;
      for await (const v of this.#db.values(range(key(HookPrefix.log, hook)))) next = Math.max(next, parse<{ n: number }>(v).n + 1);
    }
    this.#logNext.set(hook, next + 1);
    return next % Math.max(1, logSize);
  }

  /** A hook's delivery log, newest first. */
  async log(hook: string, limit: number): Promise<DeliveryLogEntry[]> {
    const all: Array<DeliveryLogEntry & { n: number }> = [];
    for await (const v of this.#db.values(range(key(HookPrefix.log, hook)))) all.push(parse<DeliveryLogEntry & { n: number }>(v));
    return all
      .sort((a, b) => b.n - a.n)
      .slice(0, limit)
      .map(({ n: _n, ...e }) => e);
  }

  /** A hook's dead letters, oldest first. */
  async deadLetters(hook: string, limit: number): Promise<Delivery[]> {
    const out: Delivery[] = [];
    for await (const v of this.#db.values({ ...range(key(HookPrefix.dead, hook)), limit })) out.push(parse<Delivery>(v));
    return out;
  }

  /** Put a dead letter back in the pending list (attempts reset), due at `now`. */
  async redrive(hook: string, seq: number, now: number): Promise<Delivery | undefined> {
    const k = key(HookPrefix.dead, hook, u64(seq));
    const v = await this.#db.get(k);
    if (v === undefined) return undefined;
    const d: Delivery = { ...parse<Delivery>(v), attempts: 0, nextAt: now };
    await this.#db.batch([
      { type: 'del', key: k },
      { type: 'put', key: pendingKey(d), value: json(d) },
    ]);
    return d;
  }

  /** Pending deliveries of a hook (a scan: for the hook's status). */
  async pendingCount(hook: string): Promise<number> {
    let n = 0;
    for await (const v of this.#db.values(range(Uint8Array.of(HookPrefix.pending)))) if (parse<Delivery>(v).hook === hook) n++;
    return n;
  }
}
