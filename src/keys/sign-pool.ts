import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { ChainNodeError } from '../errors.js';
import { loadHashSigner, type HashSigner } from '../wallet/tx-signer.js';

/**
 * Smallest round signed on the workers; smaller ones are signed inline (a message round trip costs more, and a
 * round of single requests waits for it: 64, as for verification, keeps 64 concurrent clients' rounds inline).
 */
export const PARALLEL_SIGN_MIN_BATCH = 64;

interface Slot {
  worker: Worker;
  jobs: Map<number, { resolve(sigs: Uint8Array): void; reject(err: Error): void }>;
  queued: number;
}

/**
 * Signs batches of hashes with one key on worker threads (libsecp256k1 from the `secp256k1` package), so a node
 * signing for its clients keeps its event loop for the API, as the verify pool does for checks. Without that
 * binding (or for small batches) it signs inline with {@link loadHashSigner}'s signer. Workers start on first use.
 */
export class SignPool {
  readonly #threads: number;
  // Loaded at the first signature, not at the node's start (the binding's load is start-up time no request needs).
  #signer: HashSigner | undefined;
  readonly #workerUrl = new URL('./sign-worker.mjs', import.meta.url);
  #slots: Slot[] = [];
  #nextId = 0;
  #closed = false;

  constructor(options: { threads?: number } = {}) {
    this.#threads = Math.max(1, Math.floor(options.threads ?? Math.min(4, os.availableParallelism())));
  }

  get #inline(): HashSigner {
    return (this.#signer ??= loadHashSigner());
  }

  /** Which library signs. */
  get signerName(): HashSigner['name'] {
    return this.#inline.name;
  }

  /** Sign every 32-byte hash with `secretKey`; one 64-byte compact signature per hash, in order. */
  async sign(secretKey: Uint8Array, hashes: readonly Uint8Array[]): Promise<Uint8Array[]> {
    if (this.#closed || hashes.length < PARALLEL_SIGN_MIN_BATCH || this.#inline.name !== 'libsecp256k1')
      return hashes.map((h) => this.#inline.sign(h, secretKey));
    this.#spawn();
    const chunks = Math.min(this.#slots.length, Math.ceil(hashes.length / PARALLEL_SIGN_MIN_BATCH));
    const per = Math.ceil(hashes.length / chunks);
    const parts: Promise<Uint8Array>[] = [];
    for (let c = 0; c < chunks; c++) {
      const slice = hashes.slice(c * per, (c + 1) * per);
      const buf = new Uint8Array(slice.length * 32);
      slice.forEach((h, i) => buf.set(h, i * 32));
      parts.push(this.#dispatch(this.#slots[c]!, secretKey, buf));
    }
    const out: Uint8Array[] = [];
    for (const sigs of await Promise.all(parts)) for (let i = 0; i < sigs.length; i += 64) out.push(sigs.subarray(i, i + 64));
    return out;
  }

  /** Stop the workers; later batches are signed inline. */
  async close(): Promise<void> {
    this.#closed = true;
    const slots = this.#slots;
    this.#slots = [];
    for (const s of slots) for (const j of s.jobs.values()) j.reject(new ChainNodeError('KEY_SIGNER_CLOSED', 'the node is stopping'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  #spawn(): void {
    while (this.#slots.length < this.#threads) {
      const worker = new Worker(this.#workerUrl, { execArgv: [] });
      worker.unref();
      const slot: Slot = { worker, jobs: new Map(), queued: 0 };
      worker.on('message', (m: { id: number; sigs?: ArrayBuffer; error?: string }) => {
        const job = slot.jobs.get(m.id);
        if (job === undefined) return;
        slot.jobs.delete(m.id);
        if (--slot.queued === 0) worker.unref();
        if (m.sigs !== undefined) job.resolve(new Uint8Array(m.sigs));
        else job.reject(new ChainNodeError('KEY_SIGNER_FAULT', `signing worker: ${m.error ?? 'failed'}`));
      });
      const fail = (err: Error): void => {
        this.#slots = this.#slots.filter((s) => s !== slot);
        for (const j of slot.jobs.values()) j.reject(new ChainNodeError('KEY_SIGNER_FAULT', `signing worker failed: ${err.message}`));
        slot.jobs.clear();
      };
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (!this.#closed && this.#slots.includes(slot)) fail(new Error(`exited with code ${code}`));
      });
      this.#slots.push(slot);
    }
  }

  #dispatch(slot: Slot, secretKey: Uint8Array, buf: Uint8Array): Promise<Uint8Array> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      slot.jobs.set(id, { resolve, reject });
      if (slot.queued++ === 0) slot.worker.ref();
      const ab = buf.buffer as ArrayBuffer;
      slot.worker.postMessage({ id, key: secretKey, buf: ab }, [ab]);
    });
  }
}
