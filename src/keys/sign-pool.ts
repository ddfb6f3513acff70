import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { addonExports, addonPath } from '../crypto/addon.js';
import { ChainNodeError } from '../errors.js';
import { toHex } from '../util/bytes.js';
import { loadHashSigner, SIGNER_PROBE, type HashSigner } from '../wallet/tx-signer.js';

/**
 * Smallest round signed on the workers; smaller ones are signed inline (a message round trip costs more, and a
 * round of single requests waits for it: 64, as for verification, keeps 64 concurrent clients' rounds inline).
 */
export const PARALLEL_SIGN_MIN_BATCH = 64;

/**
 * Which library signs: `addon` is the node's own addon (the vendored libsecp256k1 v0.5.0, ~28 us a signature here
 * against ~48 us for the `secp256k1` package's older copy), then {@link loadHashSigner}'s signers.
 */
export type SignerName = 'addon' | HashSigner['name'];

/** Signs a whole round in one call. */
interface BatchSigner {
  readonly name: SignerName;
  signMany(secretKey: Uint8Array, hashes: readonly Uint8Array[]): Uint8Array[];
}

type AddonSign = (secretKey: Uint8Array, hashes: Uint8Array, count: number, out: Uint8Array) => boolean;

/** Signatures of `hashes` packed in one buffer of 64 bytes each, from `sign` over the packed hashes. */
function packedSign(sign: AddonSign, secretKey: Uint8Array, hashes: readonly Uint8Array[]): Uint8Array[] {
  const buf = new Uint8Array(hashes.length * 32);
  hashes.forEach((h, i) => buf.set(h, i * 32));
  const out = new Uint8Array(hashes.length * 64);
  if (!sign(secretKey, buf, hashes.length, out)) throw new ChainNodeError('KEY_SIGNER_FAULT', 'the node key is not a valid secp256k1 secret key');
  return hashes.map((_, i) => out.subarray(i * 64, i * 64 + 64));
}

/**
 * The addon's signer when the addon has it (one built from older sources may not) and it signs the probe exactly
 * as @noble/curves does; else the fastest of {@link loadHashSigner}'s.
 */
function loadBatchSigner(): BatchSigner {
  const sign = addonExports()?.ecdsaSignBatch;
  if (typeof sign === 'function') {
    const addonSign = sign as AddonSign;
    try {
      const [probe] = packedSign(addonSign, SIGNER_PROBE.secretKey, [SIGNER_PROBE.msgHash]);
      if (toHex(probe!) === SIGNER_PROBE.sigHex) return { name: 'addon', signMany: (k, hashes) => packedSign(addonSign, k, hashes) };
    } catch {
      // a broken build: the package's signer below
    }
  }
  const one = loadHashSigner();
  return { name: one.name, signMany: (k, hashes) => hashes.map((h) => one.sign(h, k)) };
}

interface Slot {
  worker: Worker;
  jobs: Map<number, { resolve(sigs: Uint8Array): void; reject(err: Error): void }>;
  queued: number;
}

/**
 * Signs batches of hashes with one key on worker threads (libsecp256k1: the node's addon, else the `secp256k1`
 * package), so a node signing for its clients keeps its event loop for the API, as the verify pool does for checks.
 * Small batches are signed inline, and every batch where only @noble/curves loads. Workers start on first use.
 */
export class SignPool {
  readonly #threads: number;
  // Loaded at the first signature, not at the node's start (the binding's load is start-up time no request needs).
  #signer: BatchSigner | undefined;
  readonly #workerUrl = new URL('./sign-worker.mjs', import.meta.url);
  #slots: Slot[] = [];
  #nextId = 0;
  #closed = false;

  constructor(options: { threads?: number } = {}) {
    this.#threads = Math.max(1, Math.floor(options.threads ?? Math.min(4, os.availableParallelism())));
  }

  get #inline(): BatchSigner {
    return (this.#signer ??= loadBatchSigner());
  }

  /** Which library signs. */
  get signerName(): SignerName {
    return this.#inline.name;
  }

  /** Sign every 32-byte hash with `secretKey`; one 64-byte compact signature per hash, in order. */
  async sign(secretKey: Uint8Array, hashes: readonly Uint8Array[]): Promise<Uint8Array[]> {
    if (this.#closed || hashes.length < PARALLEL_SIGN_MIN_BATCH || this.#inline.name === 'noble') return this.#inline.signMany(secretKey, hashes);
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
      // The workers sign with the library the probe passed here: the addon (same file) or the package's binding.
      const worker = new Worker(this.#workerUrl, { execArgv: [], workerData: { addonPath: this.#inline.name === 'addon' ? addonPath() : null } });
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
