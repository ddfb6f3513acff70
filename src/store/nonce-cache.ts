/**
 * Bounded map of actor (hex) to main-chain next nonce, kept exact by the store's connects and disconnects.
 * `generation` changes with every one of them, so a disk read that raced one is not cached.
 */
export class ActorNonceCache {
  readonly #max: number;
  readonly #map = new Map<string, number>();
  generation = 0;

  constructor(max: number) {
    this.#max = max;
  }

  /** The cached nonce, if held. */
  get(hex: string): number | undefined {
    return this.#map.get(hex);
  }

  /** Store an exact value (newest last; the oldest is dropped past the bound). */
  set(hex: string, nonce: number): void {
    if (this.#max <= 0) return;
    this.#map.delete(hex);
    this.#map.set(hex, nonce);
    if (this.#map.size > this.#max) this.#map.delete(this.#map.keys().next().value!);
  }

  /** A connect or disconnect is about to change nonces. */
  bump(): void {
    this.generation++;
  }
}
