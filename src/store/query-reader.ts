import type { ClassicLevel } from 'classic-level';
import { Keys, heightPos, prefixEnd, readU32be, readU64be, u64be } from './layout.js';
import { readPage, type Page, type PageRequest } from './pages.js';
import type { HeightRange, IndexPosition } from './query-types.js';
import { groupBounds, groupLastOrdinal, groupOrdinal, readKindPage } from './kind-pages.js';
import { decodeTxRecord, fieldOf, readOrdinal, subjectIndexRow, type TxRecord } from './query-index.js';

type Db = ClassicLevel<Uint8Array, Uint8Array>;

export type { HeightRange, IndexPosition } from './query-types.js';

/** One kept numeric value of an aggregated kind. */
export interface MetricPoint {
  height: number;
  index: number;
  value: number;
}

/** Which count: per subject, per kind, or per kind within a subject. */
export type CountOf = { subject: string; kind?: string } | { subject?: undefined; kind: string };

const positionOf = (suffix: Uint8Array, v: Uint8Array): IndexPosition => ({ height: readU32be(suffix), index: readU32be(suffix, 4), txid: v.subarray(0, 32) });
const enc = new TextEncoder();

/** Suffix bounds of a height range over a height(u32) position(u32) keyed index. */
export function heightBounds(range: HeightRange): { gte?: Uint8Array; lt?: Uint8Array } {
  const out: { gte?: Uint8Array; lt?: Uint8Array } = {};
  if (range.fromHeight !== undefined) out.gte = heightPos(range.fromHeight, 0);
  if (range.toHeight !== undefined && range.toHeight < 0xffff_ffff) out.lt = heightPos(range.toHeight + 1, 0);
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}

function prefixOf(of: CountOf): Uint8Array {
  if (of.subject === undefined) return Keys.kindIndexPrefix(of.kind);
  return of.kind === undefined ? Keys.subjectIndexPrefix(of.subject) : Keys.subjectKindIndexPrefix(of.subject, of.kind);
}

/**
 * Reads of the query indexes (layout.ts): exact counts from the ordinals of index entries (one or two seeks),
 * chain-order pages bounded by height that seek to their first key, query rows kept with the tx locations, and
 * the numeric fields of aggregated kinds. Every read first waits for queued writes (`settled`).
 */
export class QueryReader {
  readonly #db: Db;
  readonly #settled: () => Promise<void>;

  constructor(db: Db, settled: () => Promise<void>) {
    this.#db = db;
    this.#settled = settled;
  }

  /**
   * Ordinal of the last action under a subject, kind or subject+kind prefix (undefined when none); `settle` false:
   * the store's own connects.
   */
  async lastOrdinal(of: CountOf, settle = true): Promise<number | undefined> {
    if (settle) await this.#settled();
    const prefix = prefixOf(of);
    const [v] = await this.#db.values({ gte: prefix, lt: prefixEnd(prefix), reverse: true, limit: 1 }).all();
    if (v === undefined) return undefined;
    return of.subject === undefined ? groupLastOrdinal(v) : readOrdinal(v);
  }

  /**
   * Exact main-chain count of a subject, a kind or a kind within a subject, within a height range when given:
   * the ordinals of the first and last entries in range (two seeks, one without a range).
   */
  async count(of: CountOf, range: HeightRange = {}): Promise<number> {
    await this.#settled();
    const prefix = prefixOf(of);
    if (of.subject === undefined) {
      // The kind index: one entry per block, so a height range is whole entries.
      const kb = groupBounds(prefix, range);
      const [lastGroup] = await this.#db.values({ ...kb, reverse: true, limit: 1 }).all();
      if (lastGroup === undefined) return 0;
      const lo = range.fromHeight === undefined ? 0 : groupOrdinal((await this.#db.values({ ...kb, limit: 1 }).all())[0]!);
      return groupLastOrdinal(lastGroup) - lo + 1;
    }
    const b = heightBounds(range);
    const gte = b.gte === undefined ? prefix : concat(prefix, b.gte);
    const lt = b.lt === undefined ? prefixEnd(prefix) : concat(prefix, b.lt);
    const [last] = await this.#db.values({ gte, lt, reverse: true, limit: 1 }).all();
    if (last === undefined) return 0;
    const hi = readOrdinal(last);
    // Without a lower bound the range starts at the index's first entry, ordinal 0.
    const first = b.gte === undefined ? undefined : (await this.#db.values({ gte, lt, limit: 1 }).all())[0];
    const lo = b.gte === undefined ? 0 : first === undefined ? undefined : readOrdinal(first);
    return lo === undefined || hi === undefined ? 0 : hi - lo + 1;
  }

  /** A page of a subject's actions (of one kind when given) within a height range, in chain order. */
  async subject(subject: string, kind: string | undefined, range: HeightRange, page: PageRequest): Promise<Page<IndexPosition>> {
    const prefix = kind === undefined ? Keys.subjectIndexPrefix(subject) : Keys.subjectKindIndexPrefix(subject, kind);
    await this.#settled();
    // Only the subject index (0x32) keeps rows; the subject+kind index keeps numeric fields after the ordinal.
    if (kind !== undefined) return readPage(this.#db, prefix, page, positionOf, heightBounds(range));
    return readPage(
      this.#db,
      prefix,
      page,
      (suffix, v): IndexPosition => {
        const p = positionOf(suffix, v);
        const row = subjectIndexRow(v, subject);
        if (row !== undefined) p.row = row;
        return p;
      },
      heightBounds(range),
    );
  }

  /** A page of an actor's actions with nonces in [fromNonce, toNonce), in nonce (= chain) order. */
  async actor(actor: Uint8Array, fromNonce: number, toNonce: number, page: PageRequest): Promise<Page<{ nonce: number; txid: Uint8Array }>> {
    await this.#settled();
    return readPage(this.#db, Keys.actorIndexPrefix(actor), page, (suffix, v) => ({ nonce: readU64be(suffix), txid: v }), {
      gte: u64be(fromNonce),
      lt: u64be(toNonce),
    });
  }

  /** A page of a kind's actions within a height range, in chain order. */
  async kind(kind: string, range: HeightRange, page: PageRequest): Promise<Page<IndexPosition>> {
    await this.#settled();
    return readKindPage(this.#db, Keys.kindIndexPrefix(kind), page, range);
  }

  /** Locations and query rows of main-chain transactions, in one read (undefined where not mined). */
  async records(txids: readonly Uint8Array[]): Promise<Array<TxRecord | undefined>> {
    if (txids.length === 0) return [];
    await this.#settled();
    const values = await this.#db.getMany(txids.map((t) => Keys.tx(t)));
    return values.map((v) => (v === undefined ? undefined : decodeTxRecord(v)));
  }

  /**
   * Smallest nonce below `total` whose action lies at or above `height` (`total` when none does): an actor's
   * actions are in chain order by nonce, so a height bound on the actor index is a binary search.
   */
  async actorNonceAt(actor: Uint8Array, total: number, height: number, heightOf: (blockHash: Uint8Array) => number | undefined): Promise<number> {
    await this.#settled();
    let lo = 0;
    let hi = total;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const txid = await this.#db.get(Keys.actorIndex(actor, mid));
      const loc = txid === undefined ? undefined : await this.#db.get(Keys.tx(txid));
      const h = loc === undefined ? undefined : heightOf(loc.subarray(0, 32));
      if (h === undefined || h >= height) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** The latest action about a subject (of one kind when given). */
  async latest(subject: string, kind?: string): Promise<IndexPosition | undefined> {
    return (await this.subject(subject, kind, {}, { limit: 1, reverse: true })).items[0];
  }

  /** Values of a numeric field of `kind` records about `subject` within a height range, in chain order. */
  async *metric(subject: string, kind: string, field: string, range: HeightRange): AsyncGenerator<MetricPoint> {
    const prefix = Keys.subjectKindIndexPrefix(subject, kind);
    const name = enc.encode(field);
    const b = heightBounds(range);
    await this.#settled();
    const gte = b.gte === undefined ? prefix : concat(prefix, b.gte);
    const lt = b.lt === undefined ? prefixEnd(prefix) : concat(prefix, b.lt);
    for await (const [k, v] of this.#db.iterator({ gte, lt })) {
      const value = fieldOf(v, name);
      if (value !== undefined) yield { height: readU32be(k, k.byteLength - 8), index: readU32be(k, k.byteLength - 4), value };
    }
  }
}
