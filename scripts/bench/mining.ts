// Mining hash rate of every backend that runs here (per core / per device and all cores), next to a plain JS
// baseline measured in the same run: @noble/hashes, one double SHA-256 per nonce.
import { availableParallelism } from 'node:os';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  availableBackends,
  loadBackend,
  type BackendName,
  type LoadBackendOptions,
  type MiningBackend,
} from '../../src/mining/index.js';
import { CudaBackend } from '../../src/mining/cuda-backend.js';
import { NativeCpuBackend } from '../../src/mining/native-cpu-backend.js';
import { WasmBackend } from '../../src/mining/wasm-backend.js';

interface Row {
  backend: string;
  impl: string;
  threads: string;
  hashesPerSec: number;
}

const SECONDS = 1.5;
const GENESIS_HEADER =
  '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c';

function fmt(v: number): string {
  return v.toExponential(2).replace('e+', 'e');
}

function headerBytes(): Uint8Array {
  return Uint8Array.from(Buffer.from(GENESIS_HEADER, 'hex'));
}

/** JS baseline: @noble/hashes double SHA-256 per nonce, with the same most-significant-byte-first comparison. */
function jsBaseline(): number {
  const header = headerBytes();
  const view = new DataView(header.buffer);
  let n = 0;
  let hits = 0;
  const start = performance.now();
  const deadline = start + SECONDS * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 1000; i++, n++) {
      view.setUint32(76, n, true);
      const h = sha256(sha256(header));
      // Target 0: a hit needs every byte zero; checking the most significant one is what rejects.
      if (h[31] === 0 && h[30] === 0 && h.every((b) => b === 0)) hits++;
    }
  }
  if (hits > 0) console.log('(baseline found a zero hash?)');
  return n / ((performance.now() - start) / 1000);
}

/** Hash rate of one loaded backend on a search that never hits (target 0), sized to take about SECONDS. */
async function measure(backend: MiningBackend): Promise<number> {
  const header = headerBytes();
  let count = 1 << 18;
  // Calibrate: grow the range until one search takes >= 0.2 s, then run one of ~SECONDS.
  for (;;) {
    const t0 = performance.now();
    const r = await backend.search(header, 0n, 0, count);
    const s = (performance.now() - t0) / 1000;
    if (s >= 0.2 || count >= 2 ** 31) {
      const rate = r.hashes / s;
      const full = Math.min(2 ** 32, Math.max(count, Math.round(rate * SECONDS)));
      const t1 = performance.now();
      const r2 = await backend.search(header, 0n, 0, full);
      return r2.hashes / ((performance.now() - t1) / 1000);
    }
    count *= 4;
  }
}

function implOf(b: MiningBackend): string {
  if (b instanceof NativeCpuBackend) return b.implementation ?? '?';
  if (b instanceof WasmBackend) return b.implementation ?? '?';
  if (b instanceof CudaBackend) return b.devices().map((d) => `${d.name} sm_${d.major}${d.minor}`).join(', ');
  return '';
}

async function measureVariant(name: BackendName, options: LoadBackendOptions, threadsLabel: string): Promise<Row> {
  const backend = await loadBackend(name, options);
  try {
    return { backend: name, impl: implOf(backend), threads: threadsLabel, hashesPerSec: await measure(backend) };
  } finally {
    await backend.close?.();
  }
}

/** Runs the benchmark and prints a table followed by `BENCH <metric> <value> <unit>` lines. */
export async function run(): Promise<void> {
  const cores = availableParallelism();
  const available = await availableBackends();
  console.log(`backends available here: ${available.join(', ') || 'none'}; ${cores} cores`);
  const baseline = jsBaseline();
  const rows: Row[] = [{ backend: 'js (noble)', impl: 'sha256d per nonce', threads: '1', hashesPerSec: baseline }];
  const metrics: string[] = [`BENCH mining.js_baseline ${fmt(baseline)} H/s`];

  for (const name of available) {
    const key = name.replace('-', '_');
    if (name === 'cuda') {
      const row = await measureVariant(name, {}, 'all GPUs');
      rows.push(row);
      metrics.push(`BENCH mining.cuda.all_devices ${fmt(row.hashesPerSec)} H/s`);
      metrics.push(`BENCH mining.cuda.speedup ${Math.round(row.hashesPerSec / baseline)} x`);
      continue;
    }
    const perCore = await measureVariant(name, { threads: 1 }, '1');
    const all = await measureVariant(name, { threads: cores }, String(cores));
    rows.push(perCore, all);
    metrics.push(`BENCH mining.${key}.per_core ${fmt(perCore.hashesPerSec)} H/s`);
    metrics.push(`BENCH mining.${key}.all_cores ${fmt(all.hashesPerSec)} H/s (${cores} threads)`);
    metrics.push(`BENCH mining.${key}.speedup ${Math.round(perCore.hashesPerSec / baseline)} x`);
    // The other code paths this machine runs, per core, for reference.
    const others: LoadBackendOptions[] =
      name === 'wasm'
        ? [{ wasmFlavor: 'scalar' }]
        : (['sha-ni', 'avx512', 'avx2', 'vec128', 'portable'] as const)
            .filter((impl) => impl !== perCore.impl)
            .map((impl) => ({ cpuImpl: impl }));
    for (const other of others) {
      let row: Row;
      try {
        row = await measureVariant(name, { ...other, threads: 1 }, '1');
      } catch {
        continue; // this CPU lacks that instruction set
      }
      rows.push(row);
      metrics.push(`BENCH mining.${key}.${row.impl}.per_core ${fmt(row.hashesPerSec)} H/s`);
    }
  }

  console.log(`\nmining hash rate: double SHA-256 of an 80-byte header per nonce, target never met, ~${SECONDS} s per row`);
  console.log(`${'backend'.padEnd(12)} ${'impl'.padEnd(20)} ${'threads'.padStart(8)} ${'H/s'.padStart(10)} ${'vs JS'.padStart(7)}`);
  for (const r of rows) {
    const ratio = r.hashesPerSec / baseline;
    console.log(
      `${r.backend.padEnd(12)} ${r.impl.padEnd(20)} ${r.threads.padStart(8)} ${fmt(r.hashesPerSec).padStart(10)} ${ratio.toFixed(1).padStart(6)}x`,
    );
  }
  console.log('');
  for (const m of metrics) console.log(m);
}
