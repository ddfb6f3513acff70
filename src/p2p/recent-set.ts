/** A set that remembers only its most recent `max` entries (insertion order). */
export class RecentSet {
  readonly #max: number;
  readonly #set = new Set<string>();

  constructor(max: number) {
    this.#max = max;
  }

  /** Add a key, forgetting the oldest past the bound. */
  add(key: string): void {
    this.#set.delete(key);
    this.#set.add(key);
    if (this.#set.size > this.#max) this.#set.delete(this.#set.values().next().value!);
  }

  /** True when the key is remembered. */
  has(key: string): boolean {
    return this.#set.has(key);
  }
}
