import { BoundedMap } from '../util/bounded-map.js';

/**
 * Main-chain next nonces of actors, kept in memory so block connects never read them from disk. Two layers:
 * values written by connects and disconnects whose batches have not landed yet (never dropped, so a value here
 * is always the newest), and a bounded cache of landed values, oldest dropped first. `generation` changes
 * whenever either layer changes, so a disk read that raced a write is not cached.
 */
export class ActorNonceCache {
  readonly #landed: BoundedMap<string, number>;
  readonly #unlanded = new Map<string, { nonce: number; seq: number }>();
  generation = 0;

  constructor(max: number) {
    this.#landed = new BoundedMap(max);
  }

  /** The newest known nonce of an actor (hex), if held. */
  get(hex: string): number | undefined {
    return this.#unlanded.get(hex)?.nonce ?? this.#landed.get(hex);
  }

  /** A write with sequence number `seq` sets the actor's nonce; it counts once that write has landed. */
  queued(hex: string, nonce: number, seq: number): void {
    this.#unlanded.set(hex, { nonce, seq });
    this.generation++;
  }

  /** Every write up to sequence number `seq` has landed: its values join the bounded cache. */
  landed(seq: number): void {
    for (const [hex, e] of this.#unlanded) {
      if (e.seq > seq) continue;
      this.#unlanded.delete(hex);
      this.#remember(hex, e.nonce);
    }
    this.generation++;
  }

  /** Cache a value read from disk (the caller checked that no write raced the read). */
  cacheRead(hex: string, nonce: number): void {
    if (!this.#unlanded.has(hex)) this.#remember(hex, nonce);
  }

  #remember(hex: string, nonce: number): void {
    this.#landed.set(hex, nonce);
  }
}
