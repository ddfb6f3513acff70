import { BoundedMap } from '../util/bounded-map.js';

/** Reads an actor's next nonce from the state the cache stands for. */
export type NextNonceSource = (actor: Uint8Array) => Promise<number>;

interface Pending {
  promise: Promise<number>;
  /** Set when a writer touched the actor while the read was under way: its answer may predate that write. */
  stale: boolean;
}

/**
 * Next nonces of actors (keyed by hex), the one cache of them: bounded (oldest dropped first) and kept exact by
 * whoever changes the state it stands for, so reads that raced a write are never trusted.
 *
 * - The chain store keeps the main chain's nonces: a block's batch sets them with {@link queued} (held, never
 *   dropped, until {@link landed}), and {@link generation} tells a disk read whether a write overtook it.
 * - The mempool keeps the chain nonces of actors it has nothing pooled for, as of its own block hooks (which is
 *   what keeps admission consistent with its queues): {@link set} from the hooks, {@link load} for one shared read
 *   per actor through the source given to the constructor, {@link touch} to void a read a hook overtook.
 */
export class NonceCache {
  readonly #landed: BoundedMap<string, number>;
  readonly #unlanded = new Map<string, { nonce: number; seq: number }>();
  readonly #pending = new Map<string, Pending>();
  readonly #read: NextNonceSource | undefined;
  /** Changes whenever a held value changes (a read that spans a change must not be cached). */
  generation = 0;

  constructor(limit: number, read?: NextNonceSource) {
    this.#landed = new BoundedMap(limit);
    this.#read = read;
  }

  /** Entries held. */
  get size(): number {
    return this.#landed.size + this.#unlanded.size;
  }

  /** The newest held nonce of an actor. */
  peek(key: string): number | undefined {
    return this.#unlanded.get(key)?.nonce ?? this.#landed.get(key);
  }

  /** Stores the exact nonce of `key` (a block hook, or an actor's pool queue emptying); voids reads under way. */
  set(key: string, nonce: number): void {
    this.touch(key);
    this.#landed.set(key, nonce);
    this.generation++;
  }

  /** Forgets `key` (its nonce now lives elsewhere, e.g. in its pool queue). */
  delete(key: string): void {
    this.#landed.delete(key);
    this.generation++;
  }

  /** Marks a read of `key` under way as possibly outdated: a write touching the actor happened. */
  touch(key: string): void {
    const p = this.#pending.get(key);
    if (p !== undefined) p.stale = true;
  }

  /** A write with sequence number `seq` sets the actor's nonce; held until that write has landed. */
  queued(key: string, nonce: number, seq: number): void {
    this.touch(key);
    this.#unlanded.set(key, { nonce, seq });
    this.generation++;
  }

  /** Every write up to sequence number `seq` has landed: its values join the bounded part. */
  landed(seq: number): void {
    for (const [key, e] of this.#unlanded) {
      if (e.seq > seq) continue;
      this.#unlanded.delete(key);
      this.#landed.set(key, e.nonce);
    }
    this.generation++;
  }

  /** Cache a value read from the state (the caller checked with {@link generation} that no write raced it). */
  cacheRead(key: string, nonce: number): void {
    if (!this.#unlanded.has(key)) this.#landed.set(key, nonce);
  }

  /**
   * Resolves the nonce of `key`: the held value, else one read through the source shared by concurrent callers. A
   * read overtaken by a write is thrown away and repeated unless the write left the exact value behind.
   * `known(key)` answers from a holder that takes precedence (the mempool's queue of the actor).
   */
  async load(key: string, actor: Uint8Array, known: (key: string) => number | undefined = () => undefined): Promise<number> {
    const read = this.#read;
    if (read === undefined) throw new TypeError('NonceCache.load needs the read source given to the constructor');
    for (;;) {
      const have = known(key) ?? this.peek(key);
      if (have !== undefined) return have;
      let p = this.#pending.get(key);
      if (p === undefined) {
        const created: Pending = { promise: read(actor), stale: false };
        const done = (): void => {
          if (this.#pending.get(key) === created) this.#pending.delete(key);
        };
        created.promise.then(done, done);
        this.#pending.set(key, created);
        p = created;
      }
      const value = await p.promise;
      if (!p.stale) {
        const now = known(key) ?? this.peek(key);
        if (now !== undefined) return now;
        this.#landed.set(key, value);
        return value;
      }
    }
  }
}
