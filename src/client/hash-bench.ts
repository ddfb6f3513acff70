import { availableParallelism } from 'node:os';
import { sha256 } from '@noble/hashes/sha2.js';
import { availableBackends, loadBackend } from '../mining/loader.js';
import { type BackendName, type MiningBackend } from '../mining/backend.js';
import { type CpuCalibration, type CpuFeature } from '../mining/cpu-calibration.js';
import { CudaBackend } from '../mining/cuda-backend.js';
import { NativeCpuBackend } from '../mining/native-cpu-backend.js';
import { WasmBackend } from '../mining/wasm-backend.js';

/** One measured hashing backend. */
export interface HashBenchRow {
  backend: string;
  /** The code path inside the backend (e.g. sha-ni, simd) or the GPU. */
  impl: string;
  threads: string;
  hashesPerSec: number;
  /** Speed relative to the @noble/hashes JS baseline. */
  vsJs: number;
  /** native-cpu rows: true on the path `auto` chose by calibration. */
  auto?: boolean;
}

/** The native CPU paths: each measured for the bench's time, and the calibration `auto` chose by. */
export interface CpuPathsBench {
  /** The path `auto` chose (the calibration's fastest). */
  auto: string;
  /** Every path this (possibly masked) CPU runs, as measured by the bench (all cores, `seconds` each). */
  paths: Array<{ path: string; hashesPerSec: number }>;
  /** The short calibration itself (what a node does at start). */
  calibration: CpuCalibration;
}

/** Options of `benchHashing`. */
export interface HashBenchOptions {
  /** Features to pretend the CPU lacks (simulating older CPUs). */
  hideCpuFeatures?: readonly CpuFeature[];
}

// Bitcoin's genesis header: any 80 bytes would do, the target (0) is never met.
const HEADER =
  '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c';

function header(): Uint8Array {
  return Uint8Array.from(Buffer.from(HEADER, 'hex'));
}

/**
 * Plain JS: one @noble/hashes double SHA-256 per nonce, single thread, with the target check the backends do
 * (most significant byte first; target 0 is never met).
 */
export function jsBaselineHashRate(seconds: number): number {
  const h = header();
  const view = new DataView(h.buffer);
  let n = 0;
  let hits = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 1000; i++, n++) {
      view.setUint32(76, n, true);
      const d = sha256(sha256(h));
      if (d[31] === 0 && d[30] === 0 && d.every((b) => b === 0)) hits++;
    }
  }
  // Keeps the check from being optimised away; a zero hash never happens.
  if (hits > 0) throw new Error('baseline found an all-zero hash');
  return n / ((performance.now() - start) / 1000);
}

/** Hash rate of a loaded backend over a search that never hits, sized to take about `seconds`. */
export async function measureBackend(backend: MiningBackend, seconds: number): Promise<number> {
  const h = header();
  let count = 1 << 18;
  for (;;) {
    const t0 = performance.now();
    const r = await backend.search(h, 0n, 0, count);
    const s = (performance.now() - t0) / 1000;
    if (s >= 0.2 || count >= 2 ** 31) {
      const full = Math.min(2 ** 32, Math.max(count, Math.round((r.hashes / s) * seconds)));
      const t1 = performance.now();
      const r2 = await backend.search(h, 0n, 0, full);
      return r2.hashes / ((performance.now() - t1) / 1000);
    }
    count *= 4;
  }
}

/** The code path a loaded backend runs (sha-ni, simd, ...) or its GPUs with compute capability. */
export function implOf(b: MiningBackend): string {
  if (b instanceof NativeCpuBackend) return b.implementation ?? '?';
  if (b instanceof WasmBackend) return b.implementation ?? '?';
  if (b instanceof CudaBackend)
    return b
      .devices()
      .map((d) => `${d.name} sm_${d.major}${d.minor}`)
      .join(', ');
  return '';
}

/**
 * Run every mining backend that loads here (all cores or all GPUs) for about `seconds` each, next to the JS
 * baseline; for native-cpu, every CPU path this machine runs (one row each) after the calibration `auto` runs at
 * start. `onRow` sees each row as it is measured.
 */
export async function benchHashing(
  seconds: number,
  onRow?: (row: HashBenchRow) => void,
  options: HashBenchOptions = {},
): Promise<{ cores: number; rows: HashBenchRow[]; cpuPaths?: CpuPathsBench }> {
  const cores = availableParallelism();
  const baseline = jsBaselineHashRate(seconds);
  const rows: HashBenchRow[] = [{ backend: 'js (noble)', impl: 'sha256d per nonce', threads: '1', hashesPerSec: Math.round(baseline), vsJs: 1 }];
  onRow?.(rows[0]!);
  const hide = options.hideCpuFeatures ?? [];
  let cpuPaths: CpuPathsBench | undefined;
  const measure = async (name: BackendName, extra: object): Promise<HashBenchRow> => {
    const backend = await loadBackend(name, name === 'cuda' ? {} : { threads: cores, hideCpuFeatures: hide, ...extra });
    try {
      const rate = await measureBackend(backend, seconds);
      return {
        backend: name,
        impl: implOf(backend),
        threads: name === 'cuda' ? 'GPU' : String(cores),
        hashesPerSec: Math.round(rate),
        vsJs: Math.round((rate / baseline) * 10) / 10,
      };
    } finally {
      await backend.close?.();
    }
  };
  for (const name of (await availableBackends({ hideCpuFeatures: hide })) as BackendName[]) {
    if (name !== 'native-cpu') {
      const row = await measure(name, {});
      rows.push(row);
      onRow?.(row);
      continue;
    }
    const calibration = await new NativeCpuBackend({ threads: cores, hideCpuFeatures: hide }).calibrate();
    const paths: CpuPathsBench['paths'] = [];
    for (const figure of calibration.paths) {
      const row = { ...(await measure(name, { cpuImpl: figure.path })), auto: figure.path === calibration.chosen };
      rows.push(row);
      paths.push({ path: figure.path, hashesPerSec: row.hashesPerSec });
      onRow?.(row);
    }
    cpuPaths = { auto: calibration.chosen, paths, calibration };
  }
  return { cores, rows, ...(cpuPaths === undefined ? {} : { cpuPaths }) };
}
