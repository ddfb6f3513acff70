import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { addonExports, addonLoadError } from '../crypto/addon.js';
import { ChainNodeError } from '../errors.js';
import { MiningErrorCode, type SearchOptions, type SearchResult } from './backend.js';
import { packageRoot } from '../package-root.js';

/** A CPU scanner of the native addon: SHA-NI (4 nonces interleaved), AVX-512 (16 lanes), AVX2 (8 lanes), 128-bit vectors (SSE2/NEON, 4 lanes), scalar C++. */
export type CpuScanner = 'sha-ni' | 'avx512' | 'avx2' | 'vec128' | 'portable';

/** Which CPU scanner the native addon uses: the fastest this CPU runs (`auto`), or a forced one. */
export type CpuImpl = 'auto' | CpuScanner;

/** What the addon found out about the CPU. */
export interface CpuFeatures {
  shaNi: boolean;
  avx2: boolean;
  avx512: boolean;
  /** The first scanner of `paths` (the fixed preference order, used before a calibration measured them). */
  best: CpuScanner;
  /** Every scanner this CPU runs, less those needing hidden features. */
  paths: CpuScanner[];
}

/** A CUDA device as the driver reports it. */
export interface CudaDeviceInfo {
  /** Device index (what `devices` options take). */
  index: number;
  name: string;
  /** Bytes of device memory. */
  totalMemory: number;
  /** Compute capability major.minor. */
  major: number;
  minor: number;
  multiprocessors: number;
}

/** A search running in the addon: settles when done; `cancel()` makes it stop within a few ms (CPU) or ~25 ms (GPU). */
export interface NativeSearchHandle {
  promise: Promise<{ nonce: number | null; hashes: number; aborted: boolean }>;
  cancel(): void;
}

/** The functions of the compiled addon (native/src/addon.cc). */
export interface NativeAddon {
  /** `hide`: bit mask of features to pretend the CPU lacks (cpu-calibration.ts hideMask). */
  cpuFeatures(hide?: number): CpuFeatures;
  cpuSearch(header: Uint8Array, targetLE: Uint8Array, start: number, count: number, threads: number, impl: CpuImpl, hide?: number): NativeSearchHandle;
  /**
   * Hashes with one scanner on `threads` threads for about `ms` milliseconds (a never-met target): nonces hashed,
   * wall seconds, and the rate by the threads' own CPU time (0 where the platform has no thread CPU clock).
   */
  cpuCalibrate(impl: CpuScanner, threads: number, ms: number, hide?: number): Promise<{ hashes: number; seconds: number; cpuRate: number }>;
  /** Binds the CUDA library; returns null on success or why it failed. */
  cudaLoad(path: string): string | null;
  cudaDevices(): Promise<CudaDeviceInfo[]>;
  cudaSearch(header: Uint8Array, targetLE: Uint8Array, start: number, count: number, devices: number[], impl: CpuImpl): NativeSearchHandle;
}

/** How the backends get the addon and the CUDA library; tests inject fakes to simulate missing pieces. */
export interface NativeAddonLoader {
  /** Returns the addon or throws (not built, wrong platform...). */
  load(): NativeAddon;
  /** Path of the CUDA scanner library, or null when it was not built. */
  cudaLibraryPath(): string | null;
}

const ADDON_FUNCTIONS = ['cpuFeatures', 'cpuSearch', 'cpuCalibrate', 'cudaLoad', 'cudaDevices', 'cudaSearch'] as const;

function isAddon(value: unknown): value is NativeAddon {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return ADDON_FUNCTIONS.every((f) => typeof record[f] === 'function');
}

/**
 * The loader for the addon built by native/build-native.mjs: the crypto module's (one load per process, found by
 * node-gyp-build in build/Release or prebuilds/). `root` is where the CUDA library is looked for.
 */
export function defaultNativeLoader(root: string = packageRoot()): NativeAddonLoader {
  let addon: NativeAddon | undefined;
  return {
    load(): NativeAddon {
      if (addon !== undefined) return addon;
      const loaded = addonExports();
      if (loaded === null) {
        const why = addonLoadError();
        throw why instanceof Error ? why : new Error(String(why));
      }
      if (!isAddon(loaded)) throw new Error('native addon is missing functions (stale build? run npm run build:native)');
      return (addon = loaded);
    },
    cudaLibraryPath(): string | null {
      const file = process.platform === 'win32' ? 'chain_cuda.dll' : 'chain_cuda.so';
      const candidates = [join(root, 'build', 'Release', file), join(root, 'prebuilds', `${process.platform}-${process.arch}`, file)];
      return candidates.find((p) => existsSync(p)) ?? null;
    },
  };
}

/** Loads the addon or throws MINING_BACKEND_UNAVAILABLE naming `backend`. */
export function loadAddonOrThrow(loader: NativeAddonLoader, backend: string): NativeAddon {
  try {
    return loader.load();
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ChainNodeError(MiningErrorCode.unavailable, `${backend}: native addon not available (${why}); build it with npm run build:native`, {
      cause: err,
    });
  }
}

/** Waits for a native search, cancelling it when `opts.signal` aborts; maps addon errors to MINING_BACKEND_FAILED. */
export async function awaitNativeSearch(start: () => NativeSearchHandle, backend: string, opts: SearchOptions | undefined): Promise<SearchResult> {
  const signal = opts?.signal;
  if (signal?.aborted) return { nonce: null, hashes: 0, aborted: true };
  const handle = start();
  const onAbort = (): void => handle.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const r = await handle.promise;
    return r.aborted ? { nonce: null, hashes: r.hashes, aborted: true } : { nonce: r.nonce, hashes: r.hashes };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ChainNodeError(MiningErrorCode.failed, `${backend} search failed: ${why}`, { cause: err });
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
