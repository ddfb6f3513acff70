import type { ClassicLevel } from 'classic-level';
import { Keys, heightPos, prefixEnd, readU32be, readU64be, u64be } from './layout.js';
import { readPage, type Page, type PageRequest } from './pages.js';
import { decodeRow, readF64be, type QueryRow } from './query-index.js';

type Db = ClassicLevel<Uint8Array, Uint8Array>;

/** A chain-order index position: block height and the transaction's position in it. */
export interface IndexPosition {
  height: number;
  index: number;
  txid: Uint8Array;
}

/** Inclusive main-chain height bounds of a range query (absent: open). */
export interface HeightRange {
  fromHeight?: number;
  toHeight?: number;
}

/** One indexed numeric value of an aggregated kind. */
export interface MetricPoint {
  height: number;
  index: number;
  value: number;
}

/** Which count: per subject, per kind, or per kind within a subject. */
export type CountOf = { subject: string; kind?: undefined } | { kind: string; subject?: undefined } | { subject: string; kind: string };

const positionOf = (suffix: Uint8Array, v: Uint8Array): IndexPosition => ({ height: readU32be(suffix), index: readU32be(suffix, 4), txid: v });

/** Suffix bounds of a height range over a height(u32) position(u32) keyed index. */
export function heightBounds(range: HeightRange): { gte?: Uint8Array; lt?: Uint8Array } {
  const out: { gte?: Uint8Array; lt?: Uint8Array } = {};
  if (range.fromHeight !== undefined) out.gte = heightPos(range.fromHeight, 0);
  if (range.toHeight !== undefined && range.toHeight < 0xffff_ffff) out.lt = heightPos(range.toHeight + 1, 0);
  return out;
}

/**
 * Reads of the query indexes (layout.ts 0x34-0x37): exact counts in one read, chain-order pages bounded by
 * height that seek to their first key, query rows by position, and the numeric values of aggregated kinds.
 * Every read first waits for queued writes (`settled`).
 */
export class QueryReader {
  readonly #db: Db;
  readonly #settled: () => Promise<void>;

  constructor(db: Db, settled: () => Promise<void>) {
    this.#db = db;
    this.#settled = settled;
  }

  /** Exact main-chain count of a subject, a kind or a kind within a subject (one read). */
  async count(of: CountOf): Promise<number> {
    await this.#settled();
    const key = of.subject === undefined ? Keys.countKind(of.kind) : of.kind === undefined ? Keys.countSubject(of.subject) : Keys.countSubjectKind(of.subject, of.kind);
    const v = await this.#db.get(key);
    return v === undefined ? 0 : readU64be(v);
  }

  /** A page of a subject's actions (of one kind when given) within a height range, in chain order. */
  async subject(subject: string, kind: string | undefined, range: HeightRange, page: PageRequest): Promise<Page<IndexPosition>> {
    const prefix = kind === undefined ? Keys.subjectIndexPrefix(subject) : Keys.subjectKindIndexPrefix(subject, kind);
    await this.#settled();
    return readPage(this.#db, prefix, page, positionOf, heightBounds(range));
  }

  /** A page of an actor's actions with nonces in [fromNonce, toNonce), in nonce (= chain) order. */
  async actor(actor: Uint8Array, fromNonce: number, toNonce: number, page: PageRequest): Promise<Page<{ nonce: number; txid: Uint8Array }>> {
    await this.#settled();
    return readPage(this.#db, Keys.actorIndexPrefix(actor), page, (suffix, v) => ({ nonce: readU64be(suffix), txid: v }), { gte: u64be(fromNonce), lt: u64be(toNonce) });
  }

  /** A page of a kind's actions within a height range, in chain order. */
  async kind(kind: string, range: HeightRange, page: PageRequest): Promise<Page<IndexPosition>> {
    await this.#settled();
    return readPage(this.#db, Keys.kindIndexPrefix(kind), page, positionOf, heightBounds(range));
  }

  /** Query rows at the given positions, in one read (undefined where none, e.g. after a reorg). */
  async rows(positions: readonly { height: number; index: number }[]): Promise<Array<QueryRow | undefined>> {
    if (positions.length === 0) return [];
    await this.#settled();
    const values = await this.#db.getMany(positions.map((p) => Keys.row(p.height, p.index)));
    return values.map((v) => (v === undefined ? undefined : decodeRow(v)));
  }

  /** Block hash and position of main-chain transactions, in one read (undefined where not mined). */
  async locate(txids: readonly Uint8Array[]): Promise<Array<{ blockHash: Uint8Array; index: number } | undefined>> {
    if (txids.length === 0) return [];
    await this.#settled();
    const values = await this.#db.getMany(txids.map((t) => Keys.tx(t)));
    return values.map((v) => (v === undefined ? undefined : { blockHash: v.subarray(0, 32), index: readU32be(v, 32) }));
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
    const prefix = Keys.metricPrefix(subject, kind, field);
    const b = heightBounds(range);
    await this.#settled();
    const gte = b.gte === undefined ? prefix : concat(prefix, b.gte);
    const lt = b.lt === undefined ? prefixEnd(prefix) : concat(prefix, b.lt);
    for await (const [k, v] of this.#db.iterator({ gte, lt })) {
      yield { height: readU32be(k, k.byteLength - 8), index: readU32be(k, k.byteLength - 4), value: readF64be(v) };
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}
