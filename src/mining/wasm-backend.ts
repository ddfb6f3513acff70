import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ChainNodeError } from '../errors.js';
import { MiningErrorCode, type MiningBackend, type SearchOptions, type SearchResult } from './backend.js';
import { resolveThreads } from './native-cpu-backend.js';
import { packageRoot } from '../package-root.js';
import { checkSearchArgs, type SearchArgs } from './search-args.js';

/** Which WASM build to run: SIMD (4 nonces per v128) when the engine validates it (`auto`), or forced. */
export type WasmFlavor = 'auto' | 'simd' | 'scalar';

/** Options of the WASM backend. */
export interface WasmBackendOptions {
  /** Worker threads; default one per core. */
  threads?: number;
  flavor?: WasmFlavor;
}

/** Dependencies of the WASM backend (injectable for tests). */
export interface WasmBackendDependencies {
  /** Bytes of the compiled module; default: native/wasm/build/miner-<flavor>.wasm. */
  readModule?: (flavor: 'simd' | 'scalar') => Promise<Uint8Array>;
  /** The worker script; default: native/wasm/worker.mjs. */
  workerUrl?: URL;
}

// Layout of the shared control block (see native/wasm/worker.mjs).
const ABORT = 0;
const FOUND = 2;
const NO_CHUNK = 0x7fffffff;
// Nonces per claimed chunk: ~10-20 ms of hashing, the bound on abort latency and on wasted work past a hit.
const CHUNK = { simd: 1 << 16, scalar: 1 << 15 } as const;

interface WorkerDone {
  type: 'done';
  id: number;
  nonce: number | null;
  hashes: number;
  aborted: boolean;
}
type WorkerMessage = { type: 'ready' } | WorkerDone | { type: 'error'; id?: number; message: string };

// The project compiles without the DOM lib, which is where TypeScript declares WebAssembly; this is the part used.
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<CompiledModule>;
}
/** A compiled WebAssembly.Module (opaque here; handed to the workers). */
export type CompiledModule = object;
const wasmApi = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

interface Pending {
  id: number;
  resolve: (m: WorkerDone) => void;
  reject: (e: Error) => void;
}

/** Compiles the miner module, SIMD when the engine supports it unless a flavor is forced. */
export async function compileMinerModule(
  flavor: WasmFlavor,
  read: (flavor: 'simd' | 'scalar') => Promise<Uint8Array>,
): Promise<{ module: CompiledModule; flavor: 'simd' | 'scalar' }> {
  const tries: ('simd' | 'scalar')[] = flavor === 'auto' ? ['simd', 'scalar'] : [flavor];
  const reasons: string[] = [];
  for (const f of tries) {
    let bytes: Uint8Array;
    try {
      bytes = await read(f);
    } catch (err) {
      reasons.push(`${f}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    if (!wasmApi.validate(bytes)) {
      reasons.push(`${f}: module does not validate on this engine`);
      continue;
    }
    return { module: await wasmApi.compile(bytes), flavor: f };
  }
  throw new ChainNodeError(MiningErrorCode.unavailable, `wasm: no usable miner module (${reasons.join('; ')})`);
}

function defaultReadModule(flavor: 'simd' | 'scalar'): Promise<Uint8Array> {
  return readFile(join(packageRoot(), 'native', 'wasm', 'build', `miner-${flavor}.wasm`));
}

/**
 * Mining in WebAssembly (AssemblyScript, native/wasm/) on worker threads: the portable fallback. Workers claim
 * nonce chunks in ascending order from a shared counter so the first hit wins; an abort is seen between chunks.
 */
export class WasmBackend implements MiningBackend {
  readonly name = 'wasm' as const;
  /** Worker threads per search. */
  readonly threads: number;
  private readonly flavor: WasmFlavor;
  private readonly readModule: (flavor: 'simd' | 'scalar') => Promise<Uint8Array>;
  private readonly workerUrl: URL;
  private workers: Worker[] = [];
  private pending = new Map<Worker, Pending>();
  private loadedFlavor: 'simd' | 'scalar' | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private failure: Error | undefined;

  constructor(options: WasmBackendOptions = {}, dependencies: WasmBackendDependencies = {}) {
    this.threads = resolveThreads(options.threads);
    this.flavor = options.flavor ?? 'auto';
    this.readModule = dependencies.readModule ?? defaultReadModule;
    this.workerUrl = dependencies.workerUrl ?? pathToFileURL(join(packageRoot(), 'native', 'wasm', 'worker.mjs'));
  }

  /** The module in use once loaded. */
  get implementation(): 'simd' | 'scalar' | undefined {
    return this.loadedFlavor;
  }

  async load(): Promise<void> {
    if (this.workers.length > 0) return;
    const { module, flavor } = await compileMinerModule(this.flavor, this.readModule);
    const workers: Worker[] = [];
    try {
      await Promise.all(
        Array.from({ length: this.threads }, () => {
          // execArgv: [] keeps test loaders (ts-node) out of the plain-JS workers.
          const w = new Worker(this.workerUrl, { execArgv: [] });
          workers.push(w);
          return new Promise<void>((resolve, reject) => {
            w.once('message', (m: WorkerMessage) => (m.type === 'ready' ? resolve() : reject(new Error(`worker: ${JSON.stringify(m)}`))));
            w.once('error', reject);
            w.postMessage({ type: 'init', module });
          });
        }),
      );
    } catch (err) {
      await Promise.all(workers.map((w) => w.terminate()));
      const why = err instanceof Error ? err.message : String(err);
      throw new ChainNodeError(MiningErrorCode.unavailable, `wasm: workers failed to start (${why})`, { cause: err });
    }
    for (const w of workers) this.attach(w);
    this.workers = workers;
    this.loadedFlavor = flavor;
    this.failure = undefined;
  }

  search(header: Uint8Array, target: bigint, startNonce: number, count: number, opts?: SearchOptions): Promise<SearchResult> {
    if (this.workers.length === 0) {
      return Promise.reject(new ChainNodeError(MiningErrorCode.notLoaded, 'wasm: search before load'));
    }
    let args: SearchArgs;
    try {
      args = checkSearchArgs(header, target, startNonce, count);
    } catch (err) {
      return Promise.reject(err);
    }
    // One search at a time: each uses every worker.
    const run = this.queue.then(() => this.run(args, opts?.signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    this.loadedFlavor = undefined;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private attach(w: Worker): void {
    // Idle workers must not keep the process alive; run() refs them while searching.
    w.unref();
    w.on('message', (m: WorkerMessage) => {
      const p = this.pending.get(w);
      // A reply to an earlier search that failed elsewhere carries an old id: drop it.
      if (p === undefined || m.type === 'ready' || (m.id !== undefined && m.id !== p.id)) return;
      this.pending.delete(w);
      if (m.type === 'done') p.resolve(m);
      else p.reject(new Error(m.type === 'error' ? m.message : 'unexpected worker message'));
    });
    const fail = (err: Error): void => {
      this.failure ??= err;
      const p = this.pending.get(w);
      this.pending.delete(w);
      p?.reject(err);
    };
    w.on('error', fail);
    w.on('exit', (code) => {
      if (this.workers.includes(w)) fail(new Error(`worker exited with code ${code}`));
    });
  }

  private async run(args: SearchArgs, signal: AbortSignal | undefined): Promise<SearchResult> {
    if (this.failure !== undefined) {
      throw new ChainNodeError(MiningErrorCode.failed, `wasm: a worker failed earlier (${this.failure.message}); close and load again`);
    }
    if (signal?.aborted) return { nonce: null, hashes: 0, aborted: true };
    if (args.count === 0) return { nonce: null, hashes: 0 };
    const control = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
    control[FOUND] = NO_CHUNK;
    const chunk = CHUNK[this.loadedFlavor ?? 'scalar'];
    const id = this.nextId++;
    const onAbort = (): void => {
      Atomics.store(control, ABORT, 1);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const message = {
      type: 'search',
      id,
      header: args.header,
      target: args.targetLE,
      start: args.start,
      end: args.start + args.count,
      chunk,
      control: control.buffer,
    };
    try {
      const done = await Promise.all(
        this.workers.map(
          (w) =>
            new Promise<WorkerDone>((resolve, reject) => {
              this.pending.set(w, { id, resolve, reject });
              w.ref();
              w.postMessage(message);
            }),
        ),
      );
      const hashes = done.reduce((sum, d) => sum + d.hashes, 0);
      if (done.some((d) => d.aborted)) return { nonce: null, hashes, aborted: true };
      const hits = done.map((d) => d.nonce).filter((n): n is number => n !== null);
      return { nonce: hits.length > 0 ? Math.min(...hits) : null, hashes };
    } catch (err) {
      Atomics.store(control, ABORT, 1);
      const why = err instanceof Error ? err.message : String(err);
      throw new ChainNodeError(MiningErrorCode.failed, `wasm search failed: ${why}`, { cause: err });
    } finally {
      signal?.removeEventListener('abort', onAbort);
      for (const w of this.workers) w.unref();
    }
  }
}
