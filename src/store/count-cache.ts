import type { Counter } from './block-counters.js';

// A subject's cached counts: its total and per kind (its first kind beside the total, the usual single one).
interface SubjectCounts {
  total: number | undefined;
  kind: string | undefined;
  kindCount: number;
  others?: Map<string, number>;
}

interface Generation {
  readonly subjects: Map<string, SubjectCounts>;
  readonly kinds: Map<string, number>;
  /** Write-queue sequence number of the newest batch that wrote here. */
  seq: number;
}

const generation = (): Generation => ({ subjects: new Map(), kinds: new Map(), seq: 0 });

/**
 * Subject, kind and subject+kind counts of the query indexes, in two generations: writes go to the current one,
 * reads look there and then in the previous one. When both hold more than the bound and every write of the previous
 * one has landed, the previous one is dropped and the current one takes its place; a count of a write not
 * yet landed is thus never dropped (the cache may then hold more than the bound until the write lands), so a
 * connect never reads a stale count from the database. Per write one map update in place: no reordering and no
 * entry object per count (a block touches thousands of counts).
 */
export class CountCache {
  readonly #max: number;
  #current = generation();
  #previous = generation();
  #landed = 0;

  constructor(max: number) {
    this.#max = Math.max(0, max);
  }

  /** The cached count of `c`'s prefix. */
  get(c: Pick<Counter, 'subject' | 'kind'>): number | undefined {
    if (c.subject === undefined) return this.#current.kinds.get(c.kind ?? '') ?? this.#previous.kinds.get(c.kind ?? '');
    const s = this.#current.subjects.get(c.subject) ?? this.#previous.subjects.get(c.subject);
    if (s === undefined) return undefined;
    if (c.kind === undefined) return s.total;
    return c.kind === s.kind ? s.kindCount : s.others?.get(c.kind);
  }

  /** The count of `c`'s prefix as written by the queued batch `seq`. */
  queued(c: Pick<Counter, 'subject' | 'kind'>, value: number, seq: number): void {
    const cur = this.#current;
    cur.seq = seq;
    if (c.subject === undefined) cur.kinds.set(c.kind ?? '', value);
    else {
      let s = cur.subjects.get(c.subject);
      if (s === undefined) {
        // Moved over from the previous generation (the same object: nothing is split between the two).
        s = this.#previous.subjects.get(c.subject) ?? { total: undefined, kind: undefined, kindCount: 0 };
        cur.subjects.set(c.subject, s);
      }
      if (c.kind === undefined) s.total = value;
      else if (s.kind === undefined || s.kind === c.kind) {
        s.kind = c.kind;
        s.kindCount = value;
      } else (s.others ??= new Map()).set(c.kind, value);
    }
    this.#rotate();
  }

  /** Every batch up to `seq` is on disk. */
  landed(seq: number): void {
    if (seq > this.#landed) this.#landed = seq;
    this.#rotate();
  }

  /** Subjects and kinds kept (a subject's counts, total and per kind, are one). */
  get size(): number {
    const sizeOf = (g: Generation): number => g.subjects.size + g.kinds.size;
    return sizeOf(this.#current) + sizeOf(this.#previous);
  }

  #rotate(): void {
    // Past the bound and the previous generation all on disk: drop it (what was written since is in the current one).
    while (this.size > this.#max && this.#previous.seq <= this.#landed) {
      this.#previous = this.#current;
      this.#current = generation();
    }
  }
}
