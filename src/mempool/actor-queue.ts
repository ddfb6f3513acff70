/**
 * One pooled transaction, stored once and compactly: its canonical encoding plus what the indexes need. Every
 * index refers to this object. (A decoded `Transaction` costs ~1.6 KB of heap; the encoding ~0.3 KB.)
 */
export interface PoolEntry {
  /** Canonical encoding (a private copy when the caller's bytes were a view into a larger buffer). */
  readonly bytes: Uint8Array;
  /** Lowercase hex txid. */
  readonly id: string;
  readonly nonce: number;
  /** `now()` when it entered the pool (expiry clock). */
  readonly addedAt: number;
  /** Insertion sequence number: pool order, list cursors. */
  readonly seq: number;
  readonly actor: ActorQueue;
  /** Where it came from (an API client address, a peer's address), for fair eviction. */
  readonly source: string;
  /** True while gapped (not minable yet). */
  future: boolean;
}

/**
 * The pooled transactions of one actor, keyed by nonce. `ready` holds the consecutive run starting at `base`
 * (the actor's next nonce on the chain), so `ready[i].nonce === base + i`; `future` holds gapped nonces above it,
 * promoted as soon as the gap fills. Every entry in `future` is also in the shared `futures` set.
 */
export class ActorQueue {
  /** Hex of the actor's public key. */
  readonly key: string;
  /** The actor's public key (a reference to the first transaction's `from`, not a copy). */
  readonly from: Uint8Array;
  /** The actor's next nonce on the current chain tip. */
  base: number;
  /** Consecutive entries from `base`. */
  ready: PoolEntry[] = [];
  #future: Map<number, PoolEntry> | undefined;
  readonly #futures: Set<PoolEntry>;

  constructor(key: string, from: Uint8Array, base: number, futures: Set<PoolEntry>) {
    this.key = key;
    this.from = from;
    this.base = base;
    this.#futures = futures;
  }

  /** Transactions held (ready and future). */
  get count(): number {
    return this.ready.length + (this.#future?.size ?? 0);
  }

  /** Gapped transactions held. */
  get futureCount(): number {
    return this.#future?.size ?? 0;
  }

  /** The nonce that would extend the ready queue. */
  get readyEnd(): number {
    return this.base + this.ready.length;
  }

  /** The entry holding `nonce`, if any. */
  at(nonce: number): PoolEntry | undefined {
    const i = nonce - this.base;
    if (i >= 0 && i < this.ready.length) return this.ready[i];
    return this.#future?.get(nonce);
  }

  /** Adds an entry whose nonce is free and at least `base`; a ready one promotes the future run behind it. */
  insert(entry: PoolEntry): void {
    if (entry.nonce === this.readyEnd) {
      this.#pushReady(entry);
      this.#promote();
    } else {
      this.#addFuture(entry);
    }
  }

  /** Removes `entry`; ready entries behind it lose their predecessor and become future. */
  remove(entry: PoolEntry): void {
    if (entry.future) {
      this.#future?.delete(entry.nonce);
      this.#futures.delete(entry);
      return;
    }
    const i = entry.nonce - this.base;
    if (i === this.ready.length - 1) {
      this.ready.pop();
      return;
    }
    const behind = this.ready.splice(i);
    for (let k = 1; k < behind.length; k++) this.#addFuture(behind[k]!);
  }

  /** The entry with the highest nonce: the only one that can go without leaving a gap. */
  tail(): PoolEntry | undefined {
    return this.highestFuture() ?? this.ready[this.ready.length - 1];
  }

  /** The future entry with the highest nonce. */
  highestFuture(): PoolEntry | undefined {
    let best: PoolEntry | undefined;
    if (this.#future !== undefined) for (const e of this.#future.values()) if (best === undefined || e.nonce > best.nonce) best = e;
    return best;
  }

  /**
   * Moves `base` to `newBase` (a block connected or disconnected) and rebuilds ready/future. Returns the
   * entries below the new base, which the caller must drop from the pool's indexes.
   */
  rebase(newBase: number): PoolEntry[] {
    const all = this.entries();
    this.ready = [];
    if (this.#future !== undefined) for (const e of this.#future.values()) this.#futures.delete(e);
    this.#future = undefined;
    this.base = newBase;
    const dropped: PoolEntry[] = [];
    for (const e of all) {
      if (e.nonce < newBase) dropped.push(e);
      else this.insert(e);
    }
    return dropped;
  }

  /** All entries in nonce order. */
  entries(): PoolEntry[] {
    const out = this.ready.slice();
    if (this.#future !== undefined) out.push(...[...this.#future.values()].sort((a, b) => a.nonce - b.nonce));
    return out;
  }

  #pushReady(entry: PoolEntry): void {
    entry.future = false;
    this.ready.push(entry);
  }

  #addFuture(entry: PoolEntry): void {
    entry.future = true;
    (this.#future ??= new Map()).set(entry.nonce, entry);
    this.#futures.add(entry);
  }

  #promote(): void {
    const future = this.#future;
    if (future === undefined) return;
    for (let next = future.get(this.readyEnd); next !== undefined; next = future.get(this.readyEnd)) {
      future.delete(next.nonce);
      this.#futures.delete(next);
      this.#pushReady(next);
    }
    if (future.size === 0) this.#future = undefined;
  }
}

/** Actors bucketed by how many transactions they hold, to find the largest one in O(1) for eviction. */
export class ActorRanking {
  #buckets: (Set<ActorQueue> | undefined)[] = [];
  #max = 0;

  /** Records that `actor` went from `from` to `to` transactions. */
  update(actor: ActorQueue, from: number, to: number): void {
    if (from === to) return;
    if (from > 0) this.#buckets[from]?.delete(actor);
    if (to > 0) (this.#buckets[to] ??= new Set()).add(actor);
    if (to > this.#max) this.#max = to;
    while (this.#max > 0 && (this.#buckets[this.#max]?.size ?? 0) === 0) this.#max--;
  }

  /** The actor holding the most transactions, `except` left out. */
  largest(except?: ActorQueue): ActorQueue | undefined {
    for (let c = this.#max; c > 0; c--) {
      const bucket = this.#buckets[c];
      if (bucket === undefined) continue;
      for (const q of bucket) if (q !== except) return q;
    }
    return undefined;
  }
}
