import type { ActorQueue } from './actor-queue.js';

interface Claims {
  nonces: Set<number>;
  readyEnd: number;
}

/**
 * The pool as it would look once the earlier transactions of a batch are in: lets the pre-signature checks of
 * `addMany` judge an actor's sequence sent in one batch (nonce 0, 1, 2, ...) before any of it is inserted.
 */
export class BatchView {
  #claims = new Map<string, Claims>();

  /** Next nonce that would extend the actor's ready queue. */
  readyEnd(key: string, queue: ActorQueue | undefined, base: number): number {
    return this.#claims.get(key)?.readyEnd ?? queue?.readyEnd ?? base;
  }

  /** True when an earlier transaction of the batch took `nonce`. */
  has(key: string, nonce: number): boolean {
    return this.#claims.get(key)?.nonces.has(nonce) ?? false;
  }

  /** Transactions of the actor taken earlier in the batch. */
  count(key: string): number {
    return this.#claims.get(key)?.nonces.size ?? 0;
  }

  /** Records that a transaction of the batch takes `nonce`. */
  claim(key: string, queue: ActorQueue | undefined, base: number, nonce: number): void {
    let c = this.#claims.get(key);
    if (c === undefined) {
      c = { nonces: new Set(), readyEnd: queue?.readyEnd ?? base };
      this.#claims.set(key, c);
    }
    c.nonces.add(nonce);
    while (c.nonces.has(c.readyEnd) || queue?.at(c.readyEnd) !== undefined) c.readyEnd++;
  }
}
