import { availableParallelism } from 'node:os';
import { ChainNodeError } from '../errors.js';
import { MiningErrorCode, type MiningBackend, type SearchOptions, type SearchResult } from './backend.js';
import {
  awaitNativeSearch,
  defaultNativeLoader,
  loadAddonOrThrow,
  type CpuImpl,
  type CpuScanner,
  type NativeAddon,
  type NativeAddonLoader,
} from './native-addon.js';
import { checkSearchArgs } from './search-args.js';

/** Options of the native CPU backend. */
export interface NativeCpuBackendOptions {
  /** Hashing threads; default: one per core (`os.availableParallelism()`). */
  threads?: number;
  /** The fastest scanner this CPU runs (`auto`, the default), or forced; one the CPU lacks makes the backend unavailable. */
  cpuImpl?: CpuImpl;
}

/** Dependencies of the native backends (injectable for tests). */
export interface NativeBackendDependencies {
  nativeLoader?: NativeAddonLoader;
}

/** Resolves a thread count option: a positive integer, default one per core. */
export function resolveThreads(threads: number | undefined): number {
  if (threads === undefined) return Math.max(1, availableParallelism());
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) {
    throw new ChainNodeError(MiningErrorCode.invalidArgument, `threads must be an integer in [1, 1024], got ${threads}`);
  }
  return threads;
}

/**
 * CPU mining in the native addon: SHA-NI with four nonces interleaved, else AVX-512 / AVX2 / 128-bit vector lanes
 * (picked at run time), one thread per core, nonce ranges handed out in ascending order so the first hit wins.
 * Runs entirely off the JS thread.
 */
export class NativeCpuBackend implements MiningBackend {
  readonly name = 'native-cpu' as const;
  /** Hashing threads per search. */
  readonly threads: number;
  private readonly impl: CpuImpl;
  private readonly loader: NativeAddonLoader;
  private addon: NativeAddon | undefined;
  private scanner: CpuScanner | undefined;

  constructor(options: NativeCpuBackendOptions = {}, dependencies: NativeBackendDependencies = {}) {
    this.threads = resolveThreads(options.threads);
    this.impl = options.cpuImpl ?? 'auto';
    this.loader = dependencies.nativeLoader ?? defaultNativeLoader();
  }

  /** The scanner in use once loaded. */
  get implementation(): CpuScanner | undefined {
    return this.scanner;
  }

  async load(): Promise<void> {
    const addon = loadAddonOrThrow(this.loader, this.name);
    const features = addon.cpuFeatures();
    const supported: Record<CpuScanner, boolean> = {
      'sha-ni': features.shaNi,
      avx512: features.avx512,
      avx2: features.avx2,
      vec128: true,
      portable: true,
    };
    const scanner = this.impl === 'auto' ? features.best : this.impl;
    if (!(scanner in supported)) {
      throw new ChainNodeError(MiningErrorCode.invalidArgument, `native-cpu: unknown cpuImpl ${String(scanner)}`);
    }
    if (!supported[scanner]) {
      throw new ChainNodeError(MiningErrorCode.unavailable, `native-cpu: cpuImpl ${scanner} requested but this CPU does not support it`);
    }
    this.addon = addon;
    this.scanner = scanner;
  }

  async search(header: Uint8Array, target: bigint, startNonce: number, count: number, opts?: SearchOptions): Promise<SearchResult> {
    const addon = this.addon;
    if (addon === undefined) throw new ChainNodeError(MiningErrorCode.notLoaded, 'native-cpu: search before load');
    const args = checkSearchArgs(header, target, startNonce, count);
    if (count === 0) return { nonce: null, hashes: 0 };
    return awaitNativeSearch(
      () => addon.cpuSearch(args.header, args.targetLE, args.start, args.count, this.threads, this.scanner ?? 'auto'),
      this.name,
      opts,
    );
  }

  async close(): Promise<void> {
    this.addon = undefined;
    this.scanner = undefined;
  }
}
