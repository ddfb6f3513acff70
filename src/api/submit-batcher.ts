import type { AddResult, TxSources } from '../mempool/types.js';
import type { Transaction } from '../primitives/transaction.js';

/** The mempool side of submission. */
export interface BatchSink {
  addMany(txs: readonly Transaction[], sources?: TxSources): Promise<AddResult[]>;
}

/**
 * Groups single-transaction submissions that arrive close together into one `addMany` call, so their signatures
 * are checked in the worker pool as a batch instead of one by one on the event loop. A batch is flushed on the next
 * turn of the event loop, or when the previous one finishes: under load, batches grow by themselves.
 */
export class SubmissionBatcher {
  readonly #sink: BatchSink;
  readonly #maxBatch: number;
  #queue: { tx: Transaction; source: string | undefined; resolve: (r: AddResult) => void; reject: (e: unknown) => void }[] = [];
  #scheduled = false;
  #running = false;

  constructor(sink: BatchSink, options: { maxBatch?: number } = {}) {
    this.#sink = sink;
    this.#maxBatch = options.maxBatch ?? 1024;
  }

  /** Submit one transaction (from `source`, for fair eviction); resolves with its result once its batch was processed. */
  submit(tx: Transaction, source?: string): Promise<AddResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ tx, source, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#running) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#queue.splice(0, this.#maxBatch);
    if (batch.length === 0) return;
    this.#running = true;
    try {
      const results = await this.#sink.addMany(
        batch.map((b) => b.tx),
        batch.map((b) => b.source),
      );
      batch.forEach((b, i) => b.resolve(results[i]!));
    } catch (err) {
      for (const b of batch) b.reject(err);
    } finally {
      this.#running = false;
      if (this.#queue.length > 0) this.#schedule();
    }
  }
}
