/**
 * A bounded "seen recently" map in two generations: inserts go to the current generation; when it holds half
 * the capacity it becomes the previous one and the old previous generation is dropped. Lookups see both, so an
 * entry survives between capacity/2 and capacity later inserts. O(1) everything, no per-entry timers.
 */
export class RollingFilter<V> {
  readonly #half: number;
  #current = new Map<string, V>();
  #previous = new Map<string, V>();

  /** `capacity` 0 disables the filter (nothing is remembered). */
  constructor(capacity: number) {
    this.#half = Math.ceil(capacity / 2);
  }

  /** The value stored for `key`, if remembered. */
  get(key: string): V | undefined {
    return this.#current.get(key) ?? this.#previous.get(key);
  }

  /** Remembers `key`. */
  add(key: string, value: V): void {
    if (this.#half === 0) return;
    this.#current.set(key, value);
    if (this.#current.size >= this.#half) {
      this.#previous = this.#current;
      this.#current = new Map();
    }
  }

  /** Forgets everything. */
  clear(): void {
    this.#current = new Map();
    this.#previous = new Map();
  }

  /** Entries remembered now. */
  get size(): number {
    return this.#current.size + this.#previous.size;
  }
}
