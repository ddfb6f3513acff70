import type { Transaction } from '../primitives/transaction.js';
import type { PoolEntry } from './actor-queue.js';
import type { RemovalReason, TxRemovedEvent } from './types.js';

/** `tx:removed` payload that decodes the transaction only when a listener asks for it. */
export class RemovedEvent implements TxRemovedEvent {
  readonly txid: string;
  readonly reason: RemovalReason;
  readonly bytes: Uint8Array;
  #tx: Transaction | undefined;
  readonly #entry: PoolEntry;
  readonly #decode: (e: PoolEntry) => Transaction;

  constructor(entry: PoolEntry, reason: RemovalReason, tx: Transaction | undefined, decode: (e: PoolEntry) => Transaction) {
    this.txid = entry.id;
    this.reason = reason;
    this.bytes = entry.bytes;
    this.#tx = tx;
    this.#entry = entry;
    this.#decode = decode;
  }

  /** The removed transaction (the block's own object for `mined`, else decoded once from `bytes`). */
  get tx(): Transaction {
    this.#tx ??= this.#decode(this.#entry);
    return this.#tx;
  }
}
