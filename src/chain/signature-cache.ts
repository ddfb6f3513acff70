import { type BatchVerifier, verifyMany } from '../crypto/verify-pool.js';
import { type Transaction } from '../primitives/transaction.js';
import { BoundedSet } from '../util/bounded-map.js';

/**
 * A bounded set of txids whose signatures are known to be valid (a tx's id commits to its signature), plus
 * verifications started ahead of time so block connects can overlap with the checks of blocks queued behind them.
 */
export class SignatureCache {
  readonly #set: BoundedSet<string>;
  readonly #pending = new Map<string, Promise<void>>();

  constructor(max = 200_000) {
    this.#set = new BoundedSet(max);
  }

  /** True when the signature of `txidHex` was verified before. */
  has(txidHex: string): boolean {
    return this.#set.has(txidHex);
  }

  /** Remember a verified txid, dropping the oldest past the bound. */
  add(txidHex: string): void {
    this.#set.add(txidHex);
  }

  /** Start verifying `txs` in the background; valid ones enter the cache when done, invalid ones are left out. */
  verifyAhead(txs: readonly Transaction[], pool: BatchVerifier | undefined): void {
    const todo = txs.filter((tx) => !this.#set.has(tx.txidHex) && !this.#pending.has(tx.txidHex));
    if (todo.length === 0) return;
    const run = verifyMany(
      todo.map((tx) => ({ sig: tx.fields.sig, msgHash: tx.sigHash, publicKey: tx.fields.from })),
      pool,
    ).then(
      (ok) => {
        todo.forEach((tx, i) => {
          if (ok[i]) this.add(tx.txidHex);
          this.#pending.delete(tx.txidHex);
        });
      },
      () => {
        for (const tx of todo) this.#pending.delete(tx.txidHex);
      },
    );
    for (const tx of todo) this.#pending.set(tx.txidHex, run);
  }

  /** Wait for background verifications that cover any of `txs`. */
  async settle(txs: readonly Transaction[]): Promise<void> {
    const waits = new Set<Promise<void>>();
    for (const tx of txs) {
      const p = this.#pending.get(tx.txidHex);
      if (p !== undefined) waits.add(p);
    }
    await Promise.all(waits);
  }
}
