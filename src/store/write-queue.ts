/** One LevelDB batch operation; `offHeap` marks a put whose key and value are views of a BatchSlab (layout.ts). */
export type BatchOp = { type: 'put'; key: Uint8Array; value: Uint8Array; offHeap?: true } | { type: 'del'; key: Uint8Array };

/** Options of {@link WriteQueue}. */
export interface WriteQueueOptions {
  /** Operations queued or being written past which {@link WriteQueue.write} makes its caller wait. */
  maxBacklogOps?: number;
  /** Called each time a batch has landed, with the sequence number of its last write, before promises resolve. */
  onWritten?: (seq: number) => void;
}

/** Defaults of {@link WriteQueueOptions}. */
export const WRITE_QUEUE_DEFAULTS = { maxBacklogOps: 50_000 } as const;

/**
 * Write-behind for the chain database. Batches are applied strictly in the order they were queued, one at a time;
 * those queued while one is being written are merged into the next (each merged batch is still one atomic LevelDB
 * write, so the database only ever holds whole connects and disconnects). A caller gets control back as soon as its
 * operations are queued, so a block connect never waits for the disk or for a thread-pool round trip; readers
 * call {@link settled} first to see every earlier write. After a failed write every later one fails too: the
 * in-memory chain is then ahead of the disk, and the node must stop (it reopens consistently).
 */
export class WriteQueue {
  readonly #apply: (ops: BatchOp[]) => Promise<void>;
  readonly #maxBacklog: number;
  readonly #onWritten: ((seq: number) => void) | undefined;
  #pending: BatchOp[] = [];
  #queuedSeq = 0;
  #pendingDone: Deferred | undefined;
  #inflightDone: Deferred | undefined;
  #inflightOps = 0;
  #failure: Error | undefined;

  constructor(apply: (ops: BatchOp[]) => Promise<void>, options: WriteQueueOptions = {}) {
    this.#apply = apply;
    this.#maxBacklog = options.maxBacklogOps ?? WRITE_QUEUE_DEFAULTS.maxBacklogOps;
    this.#onWritten = options.onWritten;
  }

  /** The error of the write that failed, if one did. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Sequence number of the latest write (1 for the first): `write` numbers its calls in order. */
  get queuedSeq(): number {
    return this.#queuedSeq;
  }

  /** Operations queued or being written. */
  get backlog(): number {
    return this.#pending.length + this.#inflightOps;
  }

  /**
   * Queue `ops` as one atomic unit. Resolves once queued: at once, or (past the backlog bound) when the batch
   * being written has landed. Rejects with the first write failure.
   */
  async write(ops: readonly BatchOp[]): Promise<void> {
    if (this.#failure !== undefined) throw this.#failure;
    this.#queuedSeq++;
    for (const op of ops) this.#pending.push(op);
    this.#pendingDone ??= deferred();
    if (this.#inflightDone === undefined) this.#start();
    else if (this.backlog > this.#maxBacklog) await this.#inflightDone.promise;
  }

  /** Resolves when everything queued so far is written; rejects with the write failure, if any. */
  async settled(): Promise<void> {
    const d = this.#pendingDone ?? this.#inflightDone;
    if (d !== undefined) await d.promise;
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** True when nothing is queued or being written. */
  get idle(): boolean {
    return this.#inflightDone === undefined;
  }

  #start(): void {
    const ops = this.#pending;
    const done = this.#pendingDone!;
    const lastSeq = this.#queuedSeq;
    this.#pending = [];
    this.#pendingDone = undefined;
    this.#inflightOps = ops.length;
    this.#inflightDone = done;
    this.#apply(ops).then(
      () => {
        this.#inflightDone = undefined;
        this.#inflightOps = 0;
        this.#onWritten?.(lastSeq);
        done.resolve();
        if (this.#pendingDone !== undefined) this.#start();
      },
      (err: unknown) => {
        this.#failure = err instanceof Error ? err : new Error(String(err));
        this.#inflightDone = undefined;
        this.#inflightOps = 0;
        done.reject(this.#failure);
        this.#pendingDone?.reject(this.#failure);
        this.#pendingDone = undefined;
        this.#pending = [];
      },
    );
  }
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(err: Error): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const d: Deferred = { promise: new Promise<void>((res, rej) => ((resolve = res), (reject = rej))), resolve: () => resolve(), reject: (e) => reject(e) };
  // Whoever awaits settled() sees the rejection; nobody has to be waiting for it.
  d.promise.catch(() => undefined);
  return d;
}
