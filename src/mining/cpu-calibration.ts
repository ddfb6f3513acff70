import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { ChainNodeError } from '../errors.js';
import { MiningErrorCode } from './backend.js';
import type { CpuScanner, NativeAddon } from './native-addon.js';

/** CPU features that can be hidden from the addon to simulate an older CPU. */
export const CPU_FEATURES = ['sha-ni', 'avx512', 'avx2'] as const;

/** A hideable CPU feature (named like the scanner that needs it). */
export type CpuFeature = (typeof CPU_FEATURES)[number];

const HIDE_BITS: Record<CpuFeature, number> = { 'sha-ni': 1, avx512: 2, avx2: 4 };

/** The addon's bit mask for a list of hidden features. */
export function hideMask(hidden: readonly CpuFeature[]): number {
  return hidden.reduce((m, f) => m | HIDE_BITS[f], 0);
}

/** Parses a comma-separated feature list (e.g. the CHAIN_NODE_CPU_HIDE value the CLI reads). */
export function parseCpuFeatures(value: string | readonly string[] | undefined): CpuFeature[] {
  const items = typeof value === 'string' ? value.split(',') : (value ?? []);
  const out: CpuFeature[] = [];
  for (const raw of items) {
    const item = raw.trim();
    if (item === '') continue;
    if (!(CPU_FEATURES as readonly string[]).includes(item)) {
      throw new ChainNodeError(MiningErrorCode.invalidArgument, `unknown CPU feature "${item}" (expected ${CPU_FEATURES.join(', ')})`);
    }
    if (!out.includes(item as CpuFeature)) out.push(item as CpuFeature);
  }
  return out;
}

/** One calibrated scanner: its hash rate on all the backend's threads (per their CPU time, so with a core each). */
export interface CpuPathFigure {
  path: CpuScanner;
  hashesPerSecond: number;
}

/** The outcome of a calibration: every scanner this CPU runs, measured, and the fastest. */
export interface CpuCalibration {
  /** Fastest first. */
  paths: CpuPathFigure[];
  /** The fastest scanner (what `auto` runs). */
  chosen: CpuScanner;
  /** Threads the figures were measured on. */
  threads: number;
  /** Wall time the calibration took, in milliseconds. */
  ms: number;
  /** When it was measured (ISO 8601). */
  measuredAt: string;
  /** True when read back from the datadir instead of measured in this process. */
  cached: boolean;
}

/** Where calibrations are kept between runs (a file in the datadir; tests inject their own). */
export interface CalibrationStore {
  get(key: string): CpuCalibration | undefined;
  put(key: string, value: CpuCalibration): void;
}

/** Options of one calibration. */
export interface CalibrateOptions {
  threads: number;
  /** Addon hide mask (hideMask). */
  hide: number;
  /** Time budget for all scanners together; default 200 ms, which keeps the whole calibration under 300 ms. */
  budgetMs?: number;
  /** Measurement rounds over all scanners (the best round counts, which discounts moments another process ran); default 3. */
  rounds?: number;
  now?: () => number;
}

/** Default time budget of a calibration, in milliseconds. */
export const CALIBRATION_BUDGET_MS = 200;

/**
 * Measures every scanner the (possibly masked) CPU runs, in interleaved short slices within the time budget, and
 * picks the fastest. Slices alternate between scanners so a burst of load from other processes hits all of them.
 */
export async function calibrateCpuPaths(addon: NativeAddon, options: CalibrateOptions): Promise<CpuCalibration> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const budget = options.budgetMs ?? CALIBRATION_BUDGET_MS;
  const rounds = options.rounds ?? 3;
  const paths = addon.cpuFeatures(options.hide).paths;
  const slice = budget / (paths.length * rounds);
  const best = new Map<CpuScanner, number>();
  for (let round = 0; round < rounds; round++) {
    for (const path of paths) {
      // The slices are sized from the budget, and the last ones shrink if earlier ones ran long.
      const left = budget - (now() - started);
      if (left <= 1 && best.has(path)) continue;
      const r = await addon.cpuCalibrate(path, options.threads, Math.max(1, Math.min(slice, left)), options.hide);
      // By CPU time where the platform has it: other processes taking the cores during a slice then do not
      // lower one path's figure more than another's (the wall-clock rate is the fallback).
      const rate = r.cpuRate > 0 ? r.cpuRate : r.seconds > 0 ? r.hashes / r.seconds : 0;
      best.set(path, Math.max(best.get(path) ?? 0, rate));
    }
  }
  const figures = paths.map((path) => ({ path, hashesPerSecond: Math.round(best.get(path) ?? 0) }));
  figures.sort((a, b) => b.hashesPerSecond - a.hashesPerSecond);
  return {
    paths: figures,
    chosen: figures[0]?.path ?? 'portable',
    threads: options.threads,
    ms: Math.round((now() - started) * 10) / 10,
    measuredAt: new Date().toISOString(),
    cached: false,
  };
}

/**
 * The key a calibration is stored under: CPU model, addon build (hash of the addon file), threads and hidden
 * features. A new CPU, a rebuilt addon or another thread count measures again.
 */
export function calibrationKey(addonFile: string | null, threads: number, hide: number): string {
  let build = 'unknown';
  if (addonFile !== null) {
    try {
      build = createHash('sha256').update(readFileSync(addonFile)).digest('hex').slice(0, 16);
    } catch {
      // unreadable: the key then only matches this same situation
    }
  }
  return `${cpus()[0]?.model ?? 'unknown cpu'}|addon ${build}|threads ${threads}|hide ${hide}`;
}

function isCalibration(v: unknown): v is CpuCalibration {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  return Array.isArray(c.paths) && typeof c.chosen === 'string' && typeof c.threads === 'number' && typeof c.ms === 'number';
}

/** A calibration store kept in one JSON file (`<datadir>/cpu-calibration.json`), written atomically. */
export function fileCalibrationStore(file: string): CalibrationStore {
  const read = (): Record<string, unknown> => {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch {
      // missing or damaged: calibrate again and rewrite it
      return {};
    }
  };
  return {
    get(key) {
      const v = read()[key];
      return isCalibration(v) ? { ...v, cached: true } : undefined;
    },
    put(key, value) {
      const all = read();
      all[key] = { ...value, cached: false };
      const tmp = `${file}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`);
      renameSync(tmp, file);
    },
  };
}
