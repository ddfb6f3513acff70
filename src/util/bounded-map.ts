// The one bounded map and set of the code base (caches, recent-item filters, penalty books): insertion order is
// age, a write makes its key the newest, and the oldest entries go once the bound is passed.

/** A `Map` holding at most `max` entries: `set` makes a key the newest and drops the oldest past the bound; max 0 holds nothing. */
export class BoundedMap<K, V> extends Map<K, V> {
  /** Most entries held. */
  readonly max: number;

  constructor(max: number) {
    super();
    this.max = max;
  }

  /** Store `value` as the newest entry, dropping the oldest past the bound. */
  override set(key: K, value: V): this {
    if (!(this.max > 0)) return this;
    super.delete(key);
    super.set(key, value);
    while (this.size > this.max) super.delete(this.keys().next().value as K);
    return this;
  }
}

/** A `Set` holding at most `max` keys: `add` makes a key the newest and drops the oldest past the bound; max 0 holds nothing. */
export class BoundedSet<K> extends Set<K> {
  /** Most keys held. */
  readonly max: number;

  constructor(max: number) {
    super();
    this.max = max;
  }

  /** Add `key` as the newest, dropping the oldest past the bound. */
  override add(key: K): this {
    if (!(this.max > 0)) return this;
    super.delete(key);
    super.add(key);
    while (this.size > this.max) super.delete(this.values().next().value as K);
    return this;
  }
}
