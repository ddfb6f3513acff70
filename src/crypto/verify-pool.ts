import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { ChainNodeError, type ErrorCode } from '../errors.js';
import { addonPath } from './addon.js';
import { defaultSignatureVerifier, type VerifierPreference } from './signature.js';
import { hasVerifiableShape, MSG_HASH_BYTES, SIGNATURE_BYTES, type SignatureVerifier } from './verifier.js';
import { addonEcdsa, VERIFY_RECORD_BYTES } from './verify-native.js';

/** One signature to check: the same arguments as {@link SignatureVerifier.verify}. */
export interface VerifyItem {
  /** 64-byte compact `r || s`. */
  sig: Uint8Array;
  /** 32-byte message hash (SPEC 6 signing hash). */
  msgHash: Uint8Array;
  /** 33-byte compressed public key. */
  publicKey: Uint8Array;
}

/** Anything that checks many signatures at once; {@link VerifyPool} is the real one. */
export interface BatchVerifier {
  /** One boolean per item, in order; same acceptance rules as the inline verifiers. */
  verifyBatch(items: readonly VerifyItem[]): Promise<boolean[]>;
}

/** Options of {@link VerifyPool}. */
export interface VerifyPoolOptions {
  /** Worker threads; default `os.availableParallelism()`. */
  threads?: number;
  /** Backend each worker loads: `auto` (default) = native libsecp256k1, else @noble/curves. */
  backend?: VerifierPreference;
  /** Smallest chunk sent to one worker (a batch is split over at most `threads` chunks). Default 32. */
  minChunk?: number;
}

/** Defaults of {@link VerifyPoolOptions}; `threads` is read from the machine when the pool is built. */
export const VERIFY_POOL_DEFAULTS = {
  backend: 'auto',
  minChunk: 32,
} as const satisfies Omit<VerifyPoolOptions, 'threads'>;

/** Dependencies of {@link VerifyPool}. */
export interface VerifyPoolDependencies {
  /** Optional logger; the pool logs worker failures. */
  logger?: Logger;
}

/** Stable error codes of the verification pool. */
export const VerifyPoolErrorCode = {
  /** `verifyBatch` after (or during) `close()`. */
  closed: 'VERIFY_POOL_CLOSED',
  /** A worker crashed or its backend failed to load; its pending batches are rejected. */
  workerFailed: 'VERIFY_POOL_WORKER_FAILED',
} as const satisfies Record<string, ErrorCode>;

/**
 * Smallest batch worth sending to the pool. Measured on a 2-core x64 machine with the `secp256k1` package: ~56 us
 * of CPU per verification either inline or in a worker (the pool adds ~2-4 us), two workers verify 2 x 128
 * signatures in the wall time one needs for 128 (7.3-7.5 ms), and a round trip costs well under 0.3 ms. Break-even
 * is therefore around 10 signatures; 64 keeps small batches off the workers when the cores are busy with other
 * work (where the measured pool gain at 16-64 signatures swung between 0.8x and 1.5x). The addon's ~37 us per
 * verification moves break-even to about 15 signatures, still well below 64.
 */
export const PARALLEL_VERIFY_MIN_BATCH = 64;

type WorkerMessage =
  | { type: 'hello'; backend: 'native' | 'noble'; impl: SignatureVerifier['impl'] }
  | { type: 'done'; id: number; result: ArrayBuffer }
  | { type: 'error'; id: number; message: string };

interface Job {
  count: number;
  resolve(result: Uint8Array): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  jobs: Map<number, Job>;
  queued: number;
  backend?: 'native' | 'noble';
  impl?: SignatureVerifier['impl'];
}

/**
 * A pool of worker threads that verify secp256k1 signatures in parallel. A batch is split into at most one chunk
 * per worker; each chunk travels as one packed, transferred ArrayBuffer (129 bytes a signature) and comes back as
 * one byte per signature. Workers start on first use, keep the process alive only while they have work, and stop
 * in {@link close}. Use {@link verifyMany} to verify small batches inline instead.
 */
export class VerifyPool implements BatchVerifier {
  readonly #threads: number;
  readonly #backend: VerifierPreference;
  readonly #minChunk: number;
  readonly #logger: Logger | undefined;
  readonly #workerUrl = new URL('./verify-worker.mjs', import.meta.url);
  #slots: Slot[] = [];
  #nextId = 0;
  #closed = false;

  constructor(options: VerifyPoolOptions = {}, dependencies: VerifyPoolDependencies = {}) {
    this.#threads = Math.max(1, Math.floor(options.threads ?? os.availableParallelism()));
    this.#backend = options.backend ?? VERIFY_POOL_DEFAULTS.backend;
    this.#minChunk = Math.max(1, Math.floor(options.minChunk ?? VERIFY_POOL_DEFAULTS.minChunk));
    this.#logger = dependencies.logger?.child({ module: 'verify-pool' });
  }

  /** Configured number of worker threads. */
  get threads(): number {
    return this.#threads;
  }

  /** Worker threads currently running (0 before first use and after `close()`). */
  get workerCount(): number {
    return this.#slots.length;
  }

  /** Backend the workers reported (`native` or `noble`), or undefined before they started. */
  get backend(): 'native' | 'noble' | undefined {
    return this.#slots.find((s) => s.backend !== undefined)?.backend;
  }

  /** Implementation the workers reported (`addon`, `secp256k1-package` or `noble`), or undefined before they started. */
  get impl(): SignatureVerifier['impl'] | undefined {
    return this.#slots.find((s) => s.impl !== undefined)?.impl;
  }

  /** Verifies every item; rejects with `VERIFY_POOL_CLOSED` or `VERIFY_POOL_WORKER_FAILED`, never on bad input. */
  async verifyBatch(items: readonly VerifyItem[]): Promise<boolean[]> {
    if (this.#closed) throw closedError();
    const n = items.length;
    const results = new Array<boolean>(n).fill(false);
    if (n === 0) return results;
    this.#spawnMissing();
    const chunks = Math.min(this.#slots.length, Math.ceil(n / this.#minChunk));
    const per = Math.ceil(n / chunks);
    const shapeOk = new Uint8Array(n);
    const pending: Promise<void>[] = [];
    for (let start = 0; start < n; start += per) {
      const end = Math.min(n, start + per);
      const buf = new ArrayBuffer((end - start) * VERIFY_RECORD_BYTES);
      const data = new Uint8Array(buf);
      for (let i = start, o = 0; i < end; i++, o += VERIFY_RECORD_BYTES) {
        const it = items[i]!;
        // Malformed items stay all-zero (a 0x00 key prefix never parses) and are forced false below anyway.
        if (!hasVerifiableShape(it.sig, it.msgHash, it.publicKey)) continue;
        shapeOk[i] = 1;
        data.set(it.sig, o);
        data.set(it.msgHash, o + SIGNATURE_BYTES);
        data.set(it.publicKey, o + SIGNATURE_BYTES + MSG_HASH_BYTES);
      }
      pending.push(
        this.#dispatch(buf, end - start).then((out) => {
          for (let i = start; i < end; i++) results[i] = shapeOk[i] === 1 && out[i - start] === 1;
        }),
      );
    }
    await Promise.all(pending);
    return results;
  }

  /** Terminates the workers; pending and later batches reject with `VERIFY_POOL_CLOSED`. */
  async close(): Promise<void> {
    this.#closed = true;
    const slots = this.#slots;
    this.#slots = [];
    for (const s of slots) this.#failJobs(s, closedError());
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  #spawnMissing(): void {
    // Workers load the same addon file as this thread, when it has the ECDSA functions.
    const addon = this.#backend !== 'noble' && addonEcdsa() !== null ? addonPath() : null;
    while (this.#slots.length < this.#threads) {
      // execArgv: [] keeps test loaders (ts-node) out of the plain-JS worker.
      const worker = new Worker(this.#workerUrl, { execArgv: [], workerData: { prefer: this.#backend, addonPath: addon ?? undefined } });
      worker.unref();
      const slot: Slot = { worker, jobs: new Map(), queued: 0 };
      worker.on('message', (m: WorkerMessage) => this.#onMessage(slot, m));
      worker.on('error', (err) => this.#onFailure(slot, err));
      worker.on('exit', (code) => {
        if (!this.#closed && this.#slots.includes(slot)) this.#onFailure(slot, new Error(`worker exited with code ${code}`));
      });
      this.#slots.push(slot);
    }
  }

  #dispatch(buf: ArrayBuffer, count: number): Promise<Uint8Array> {
    let slot = this.#slots[0]!;
    for (const s of this.#slots) if (s.queued < slot.queued) slot = s;
    const id = this.#nextId++;
    const chosen = slot;
    return new Promise<Uint8Array>((resolve, reject) => {
      chosen.jobs.set(id, { count, resolve, reject });
      if (chosen.queued === 0) chosen.worker.ref();
      chosen.queued += count;
      chosen.worker.postMessage({ id, buf, count }, [buf]);
    });
  }

  #onMessage(slot: Slot, m: WorkerMessage): void {
    if (m.type === 'hello') {
      slot.backend = m.backend;
      slot.impl = m.impl;
      return;
    }
    if (m.type === 'error' && m.id === -1) {
      this.#onFailure(slot, new Error(m.message));
      return;
    }
    const job = slot.jobs.get(m.id);
    if (job === undefined) return;
    this.#settle(slot, m.id, job);
    if (m.type === 'done') job.resolve(new Uint8Array(m.result));
    else job.reject(new ChainNodeError(VerifyPoolErrorCode.workerFailed, `verify worker: ${m.message}`));
  }

  #settle(slot: Slot, id: number, job: Job): void {
    slot.jobs.delete(id);
    slot.queued -= job.count;
    if (slot.queued === 0) slot.worker.unref();
  }

  #onFailure(slot: Slot, err: Error): void {
    const i = this.#slots.indexOf(slot);
    if (i < 0) return;
    this.#slots.splice(i, 1);
    this.#logger?.error({ err }, 'signature verification worker failed');
    this.#failJobs(slot, new ChainNodeError(VerifyPoolErrorCode.workerFailed, `verify worker failed: ${err.message}`, { cause: err }));
    void slot.worker.terminate();
  }

  #failJobs(slot: Slot, err: ChainNodeError): void {
    for (const [id, job] of slot.jobs) {
      this.#settle(slot, id, job);
      job.reject(err);
    }
  }
}

/**
 * Verifies `items`: inline with `verifier` (default: the auto-selected one) when there is no pool or the batch is
 * smaller than {@link PARALLEL_VERIFY_MIN_BATCH}, else through `pool`. When the pool is closed or a worker fails,
 * the batch is verified inline instead, so the answer never depends on the pool's health.
 */
export async function verifyMany(
  items: readonly VerifyItem[],
  pool?: BatchVerifier,
  verifier: SignatureVerifier = defaultSignatureVerifier(),
): Promise<boolean[]> {
  if (pool !== undefined && items.length >= PARALLEL_VERIFY_MIN_BATCH) {
    try {
      return await pool.verifyBatch(items);
    } catch (err) {
      if (!(err instanceof ChainNodeError) || !Object.values<string>(VerifyPoolErrorCode).includes(err.code)) throw err;
    }
  }
  return items.map((it) => verifier.verify(it.sig, it.msgHash, it.publicKey));
}

function closedError(): ChainNodeError {
  return new ChainNodeError(VerifyPoolErrorCode.closed, 'the signature verification pool is closed');
}
