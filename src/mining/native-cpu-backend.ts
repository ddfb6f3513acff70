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
import { addonPath } from '../crypto/addon.js';
import { calibrateCpuPaths, calibrationKey, hideMask, type CalibrationStore, type CpuCalibration, type CpuFeature } from './cpu-calibration.js';

/** Options of the native CPU backend. */
export interface NativeCpuBackendOptions {
  /** Hashing threads; default: one per core (`os.availableParallelism()`). */
  threads?: number;
  /**
   * `auto` (the default): the scanner measured fastest here (calibrated at load, or the figures kept in
   * `calibrationStore` for this CPU and addon build); or a forced one, which one the CPU lacks makes unavailable.
   */
  cpuImpl?: CpuImpl;
  /** Features to pretend the CPU lacks (tests and `chain-node bench` simulate older CPUs with it). */
  hideCpuFeatures?: readonly CpuFeature[];
  /** Where `auto` keeps its calibration between runs; without one it calibrates at every load. */
  calibrationStore?: CalibrationStore;
  /** Calibration time budget in ms (default CALIBRATION_BUDGET_MS). */
  calibrationBudgetMs?: number;
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
 * CPU mining in the native addon: SHA-NI with four nonces interleaved, AVX-512 / AVX2 / 128-bit vector lanes or
 * scalar code, whichever a short calibration measured fastest here (or forced), one thread per core, nonce ranges handed out in ascending order so the first hit wins.
 * Runs entirely off the JS thread.
 */
export class NativeCpuBackend implements MiningBackend {
  readonly name = 'native-cpu' as const;
  /** Hashing threads per search. */
  readonly threads: number;
  private readonly impl: CpuImpl;
  private readonly loader: NativeAddonLoader;
  private readonly hide: number;
  private readonly store: CalibrationStore | undefined;
  private readonly budgetMs: number | undefined;
  private addon: NativeAddon | undefined;
  private scanner: CpuScanner | undefined;
  private figures: CpuCalibration | undefined;

  constructor(options: NativeCpuBackendOptions = {}, dependencies: NativeBackendDependencies = {}) {
    this.threads = resolveThreads(options.threads);
    this.impl = options.cpuImpl ?? 'auto';
    this.hide = hideMask(options.hideCpuFeatures ?? []);
    this.store = options.calibrationStore;
    this.budgetMs = options.calibrationBudgetMs;
    this.loader = dependencies.nativeLoader ?? defaultNativeLoader();
  }

  /** The scanner in use once loaded. */
  get implementation(): CpuScanner | undefined {
    return this.scanner;
  }

  /** The calibration `auto` chose by (undefined for a forced scanner, or before load). */
  get calibration(): CpuCalibration | undefined {
    return this.figures;
  }

  /** Measures every scanner this (possibly masked) CPU runs, on this backend's threads, without storing the result. */
  async calibrate(budgetMs?: number): Promise<CpuCalibration> {
    const addon = loadAddonOrThrow(this.loader, this.name);
    return calibrateCpuPaths(addon, { threads: this.threads, hide: this.hide, budgetMs: budgetMs ?? this.budgetMs });
  }

  async load(): Promise<void> {
    const addon = loadAddonOrThrow(this.loader, this.name);
    const features = addon.cpuFeatures(this.hide);
    const supported: Record<CpuScanner, boolean> = {
      'sha-ni': features.shaNi,
      avx512: features.avx512,
      avx2: features.avx2,
      vec128: true,
      portable: true,
    };
    let scanner: CpuScanner = this.impl === 'auto' ? features.best : this.impl;
    if (!(scanner in supported)) {
      throw new ChainNodeError(MiningErrorCode.invalidArgument, `native-cpu: unknown cpuImpl ${String(scanner)}`);
    }
    if (!supported[scanner]) {
      throw new ChainNodeError(MiningErrorCode.unavailable, `native-cpu: cpuImpl ${scanner} requested but this CPU does not support it`);
    }
    this.figures = undefined;
    if (this.impl === 'auto') {
      const key = calibrationKey(addonPath(), this.threads, this.hide);
      let figures = this.store?.get(key);
      if (figures === undefined || !figures.paths.every((p) => supported[p.path])) {
        figures = await calibrateCpuPaths(addon, { threads: this.threads, hide: this.hide, budgetMs: this.budgetMs });
        this.store?.put(key, figures);
      }
      this.figures = figures;
      scanner = figures.chosen;
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
      () => addon.cpuSearch(args.header, args.targetLE, args.start, args.count, this.threads, this.scanner ?? 'auto', this.hide),
      this.name,
      opts,
    );
  }

  async close(): Promise<void> {
    this.addon = undefined;
    this.scanner = undefined;
    this.figures = undefined;
  }
}
