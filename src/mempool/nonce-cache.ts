import { BoundedMap } from '../util/bounded-map.js';

/** Reads an actor's next nonce on the current chain tip (the chain state). */
export type NextNonceSource = (actor: Uint8Array) => Promise<number>;

interface Pending {
  promise: Promise<number>;
  /** Set when a block hook touched the actor while the read was under way: its answer may predate the block. */
  stale: boolean;
}

/**
 * Chain nonces of actors that have nothing in the pool (actors with pooled transactions keep theirs in their
 * queue). Filled by state reads, which are de-duplicated per actor, and kept exact by the block hooks, which
 * know each touched actor's new nonce; bounded, oldest entries dropped first.
 */
export class NonceCache {
  readonly #read: NextNonceSource;
  readonly #values: BoundedMap<string, number>;
  #pending = new Map<string, Pending>();

  constructor(limit: number, read: NextNonceSource) {
    this.#values = new BoundedMap(limit);
    this.#read = read;
  }

  /** Entries held. */
  get size(): number {
    return this.#values.size;
  }

  /** The cached nonce of `key`. */
  peek(key: string): number | undefined {
    return this.#values.get(key);
  }

  /** Stores the exact nonce of `key` (from a block hook, or when an actor's queue empties). */
  set(key: string, nonce: number): void {
    this.touch(key);
    this.#store(key, nonce);
  }

  #store(key: string, nonce: number): void {
    this.#values.set(key, nonce);
  }

  /** Forgets `key` (its nonce now lives in its queue). */
  delete(key: string): void {
    this.#values.delete(key);
  }

  /** Marks a read of `key` under way as possibly outdated: a block touching the actor was (dis)connected. */
  touch(key: string): void {
    const p = this.#pending.get(key);
    if (p !== undefined) p.stale = true;
  }

  /**
   * Resolves the chain nonce of `key`: the cached value, else one state read shared by concurrent callers. A
   * read overtaken by a block hook is thrown away and repeated unless the hook left the exact value behind.
   * `known(key)` answers whether the pool tracks the actor itself (then its queue has the nonce).
   */
  async load(key: string, actor: Uint8Array, known: (key: string) => number | undefined): Promise<number> {
    for (;;) {
      const have = known(key) ?? this.#values.get(key);
      if (have !== undefined) return have;
      let p = this.#pending.get(key);
      if (p === undefined) {
        const created: Pending = { promise: this.#read(actor), stale: false };
        const done = (): void => {
          if (this.#pending.get(key) === created) this.#pending.delete(key);
        };
        created.promise.then(done, done);
        this.#pending.set(key, created);
        p = created;
      }
      const value = await p.promise;
      if (!p.stale) {
        const now = known(key) ?? this.#values.get(key);
        if (now !== undefined) return now;
        this.#store(key, value);
        return value;
      }
    }
  }
}
