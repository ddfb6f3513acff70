import { ActorQueue, ActorRanking, type PoolEntry } from './actor-queue.js';
import { LOCAL_SOURCE } from './sources.js';
import type { RemovalReason } from './types.js';

// Entries of one source in arrival order; removed entries are skipped lazily and compacted away now and then.
interface SourceEntries {
  count: number;
  stack: PoolEntry[];
}

/** Limits the store enforces. */
export interface PoolStoreLimits {
  maxCount: number;
  maxBytes: number;
  /** 0 disables expiry. */
  expiryMs: number;
}

/** Callbacks of the store into its owner. */
export interface PoolStoreHooks {
  /** `entry` left the pool. */
  removed(entry: PoolEntry, reason: RemovalReason): void;
  /** The actor's queue emptied and was dropped; its chain nonce is `queue.base`. */
  actorDropped(queue: ActorQueue): void;
}

/**
 * The pool's data and its invariants: entries by txid (in arrival order, which is also expiry order), actor
 * queues (in first-arrival order), the set of gapped entries, the actor ranking, byte totals, and the eviction
 * policy (see {@link Mempool}). Knows nothing of signatures or chain state.
 */
export class PoolStore {
  readonly #limits: PoolStoreLimits;
  readonly #now: () => number;
  readonly #hooks: PoolStoreHooks;
  readonly #entries = new Map<string, PoolEntry>();
  readonly #actors = new Map<string, ActorQueue>();
  readonly #futures = new Set<PoolEntry>();
  readonly #ranking = new ActorRanking();
  readonly #sources = new Map<string, SourceEntries>();
  #bytes = 0;
  #seq = 0;

  constructor(limits: PoolStoreLimits, now: () => number, hooks: PoolStoreHooks) {
    this.#limits = limits;
    this.#now = now;
    this.#hooks = hooks;
  }

  /** Entries by hex txid, oldest first. */
  get entries(): ReadonlyMap<string, PoolEntry> {
    return this.#entries;
  }

  /** Actor queues by hex public key, in the order the actors arrived. */
  get actors(): ReadonlyMap<string, ActorQueue> {
    return this.#actors;
  }

  /** Encoded bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Gapped entries held. */
  get futureCount(): number {
    return this.#futures.size;
  }

  /** Inserts a transaction whose nonce is free and at least the actor's base (`base` seeds a new queue). */
  insert(bytes: Uint8Array, id: string, nonce: number, key: string, from: Uint8Array, base: number, source: string = LOCAL_SOURCE): PoolEntry {
    let q = this.#actors.get(key);
    if (q === undefined) {
      // A private copy: the decoded key may be a view into the caller's buffers.
      q = new ActorQueue(key, new Uint8Array(from), base, this.#futures);
      this.#actors.set(key, q);
    }
    // A view into a larger buffer (a whole gossip message or block) would keep all of it alive.
    const own = bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength ? bytes : new Uint8Array(bytes);
    const entry: PoolEntry = { bytes: own, id, nonce, addedAt: this.#now(), seq: ++this.#seq, actor: q, source, future: false };
    const before = q.count;
    q.insert(entry);
    this.#ranking.update(q, before, q.count);
    this.#entries.set(id, entry);
    this.#bytes += own.byteLength;
    let src = this.#sources.get(source);
    if (src === undefined) this.#sources.set(source, (src = { count: 0, stack: [] }));
    src.count++;
    src.stack.push(entry);
    return entry;
  }

  /** Removes one entry; ready entries of the actor behind it become future. */
  remove(entry: PoolEntry, reason: RemovalReason): void {
    const q = entry.actor;
    const before = q.count;
    q.remove(entry);
    this.#ranking.update(q, before, q.count);
    this.#forget(entry, reason);
    if (q.count === 0) this.#dropActor(q);
  }

  /** Moves the actor's chain nonce to `base`; entries below it leave with the reason `reasonOf` gives. */
  rebase(q: ActorQueue, base: number, reasonOf: (entry: PoolEntry) => RemovalReason): void {
    const before = q.count;
    const dropped = q.rebase(base);
    this.#ranking.update(q, before, q.count);
    for (const e of dropped) this.#forget(e, reasonOf(e));
    if (q.count === 0) this.#dropActor(q);
  }

  /** The oldest entry when it is due to expire. */
  oldestExpired(): PoolEntry | undefined {
    if (this.#limits.expiryMs === 0) return undefined;
    const first = this.#entries.values().next();
    if (first.done === true) return undefined;
    return this.#now() - first.value.addedAt >= this.#limits.expiryMs ? first.value : undefined;
  }

  /** Removes every expired entry; returns how many. */
  expire(): number {
    let n = 0;
    for (let e = this.oldestExpired(); e !== undefined; e = this.oldestExpired()) {
      this.remove(e, 'expired');
      n++;
    }
    return n;
  }

  /** True when `size` more bytes and one more entry fit without eviction. */
  fits(size: number): boolean {
    return this.#entries.size < this.#limits.maxCount && this.#bytes + size <= this.#limits.maxBytes;
  }

  /** Transactions held per source. */
  sourceCount(source: string): number {
    return this.#sources.get(source)?.count ?? 0;
  }

  /** Cheap pre-check (nothing removed) that {@link makeRoom} has something to evict for this newcomer. */
  roomPossible(size: number, q: ActorQueue | undefined, ready: boolean, source: string = LOCAL_SOURCE): boolean {
    if (this.fits(size) || this.oldestExpired() !== undefined) return true;
    if (!ready) return false;
    return this.#futures.size > 0 || this.#readyVictim(q) !== undefined || this.#largestSource(source) !== undefined;
  }

  /**
   * Evicts until a newcomer of `size` bytes for queue `q` from `source` fits: expired entries first; then, for a
   * ready newcomer only, gapped entries (the actor of the oldest one loses its highest gapped nonce), then the
   * highest nonce of the actor holding the most entries, if it holds more than `q` would, then (sources) the
   * newest arrival of the source holding the most entries, if it holds more than `source` would (its actor's
   * highest nonce goes, so no ready queue is left with a gap). False when that is not enough.
   */
  makeRoom(size: number, q: ActorQueue | undefined, ready: boolean, source: string = LOCAL_SOURCE): boolean {
    while (!this.fits(size)) {
      const expired = this.oldestExpired();
      if (expired !== undefined) {
        this.remove(expired, 'expired');
        continue;
      }
      if (!ready) return false;
      const victim = this.#futureVictim() ?? this.#readyVictim(q) ?? this.#sourceVictim(source, q);
      if (victim === undefined) return false;
      this.remove(victim, 'evicted');
    }
    return true;
  }

  /** Evicts, in the same order, until the pool is within its limits again (after a reorg refilled it). */
  trim(): void {
    while (this.#entries.size > this.#limits.maxCount || this.#bytes > this.#limits.maxBytes) {
      const expired = this.oldestExpired();
      if (expired !== undefined) {
        this.remove(expired, 'expired');
        continue;
      }
      const victim = this.#futureVictim() ?? this.#ranking.largest()?.tail();
      if (victim === undefined) return;
      this.remove(victim, 'evicted');
    }
  }

  #futureVictim(): PoolEntry | undefined {
    const oldest = this.#futures.values().next();
    return oldest.done === true ? undefined : oldest.value.actor.highestFuture();
  }

  #readyVictim(q: ActorQueue | undefined): PoolEntry | undefined {
    const largest = this.#ranking.largest(q);
    return largest !== undefined && largest.count > (q?.count ?? 0) + 1 ? largest.tail() : undefined;
  }

  // The source holding the most entries, when it holds more than `source` would with one more.
  #largestSource(source: string): SourceEntries | undefined {
    const own = this.sourceCount(source);
    let best: SourceEntries | undefined;
    for (const [key, src] of this.#sources) if (key !== source && src.count > own + 1 && (best === undefined || src.count > best.count)) best = src;
    return best;
  }

  // The highest nonce of the actor of the newest live entry of the largest source (never the newcomer's own
  // actor: taking its tail would leave the newcomer behind a gap).
  #sourceVictim(source: string, q: ActorQueue | undefined): PoolEntry | undefined {
    const src = this.#largestSource(source);
    if (src === undefined) return undefined;
    for (let i = src.stack.length - 1; i >= 0; i--) {
      const e = src.stack[i]!;
      if (this.#entries.get(e.id) !== e) {
        if (i === src.stack.length - 1) src.stack.pop();
        continue;
      }
      if (e.actor !== q) return e.actor.tail();
    }
    return undefined;
  }

  // Takes `e` out of the pool-wide indexes (its queue already dropped it).
  #forget(e: PoolEntry, reason: RemovalReason): void {
    this.#entries.delete(e.id);
    this.#bytes -= e.bytes.byteLength;
    const src = this.#sources.get(e.source);
    if (src !== undefined && --src.count === 0) this.#sources.delete(e.source);
    else if (src !== undefined && src.stack.length > 2 * src.count + 64) src.stack = src.stack.filter((x) => this.#entries.get(x.id) === x);
    this.#hooks.removed(e, reason);
  }

  #dropActor(q: ActorQueue): void {
    this.#actors.delete(q.key);
    this.#hooks.actorDropped(q);
  }
}
