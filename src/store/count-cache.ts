/** One cached count and the write-queue sequence number of the batch that wrote it. */
interface CountEntry {
  value: number;
  seq: number;
}

/**
 * Subject/kind/subject+kind counts of the query indexes, in one map with least recently written first. A count
 * of a write not yet landed is never evicted (eviction stops at the first such entry, the map may then hold more
 * than `max` until the write lands), so a connect never reads a stale count from the database. Cheaper per
 * block than a queued map plus an LRU: a block touches thousands of counts, and landing a write costs nothing
 * per entry.
 */
export class CountCache {
  readonly #map = new Map<string, CountEntry>();
  readonly #max: number;
  #landed = 0;

  constructor(max: number) {
    this.#max = Math.max(0, max);
  }

  /** The cached count of `name`. */
  get(name: string): number | undefined {
    return this.#map.get(name)?.value;
  }

  /** The count of `name` as written by the queued batch `seq`. */
  queued(name: string, value: number, seq: number): void {
    const e = this.#map.get(name);
    if (e === undefined) this.#map.set(name, { value, seq });
    else {
      // Moved to the end: the most recently written are evicted last.
      this.#map.delete(name);
      e.value = value;
      e.seq = seq;
      this.#map.set(name, e);
    }
    this.#evict();
  }

  /** Every batch up to `seq` is on disk. */
  landed(seq: number): void {
    if (seq > this.#landed) this.#landed = seq;
    this.#evict();
  }

  /** Entries kept (for tests). */
  get size(): number {
    return this.#map.size;
  }

  #evict(): void {
    while (this.#map.size > this.#max) {
      const first = this.#map.entries().next().value;
      if (first === undefined || first[1].seq > this.#landed) return;
      this.#map.delete(first[0]);
    }
  }
}
