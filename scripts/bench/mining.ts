// Mining hash rate of every backend that runs here (per core / per device and all cores), next to a plain JS
// baseline measured in the same run: @noble/hashes, one double SHA-256 per nonce.
import { availableParallelism } from 'node:os';
import { availableBackends, loadBackend, type LoadBackendOptions } from '../../src/mining/loader.js';
import { type BackendName } from '../../src/mining/backend.js';
import { implOf, jsBaselineHashRate, measureBackend } from '../../src/client/hash-bench.js';

interface Row {
  backend: string;
  impl: string;
  threads: string;
  hashesPerSec: number;
}

const SECONDS = 1.5;

function fmt(v: number): string {
  return v.toExponential(2).replace('e+', 'e');
}

async function measureVariant(name: BackendName, options: LoadBackendOptions, threadsLabel: string): Promise<Row> {
  const backend = await loadBackend(name, options);
  try {
    return { backend: name, impl: implOf(backend), threads: threadsLabel, hashesPerSec: await measureBackend(backend, SECONDS) };
  } finally {
    await backend.close?.();
  }
}

/** Runs the benchmark and prints a table followed by `BENCH <metric> <value> <unit>` lines. */
export async function run(): Promise<void> {
  const cores = availableParallelism();
  const available = await availableBackends();
  console.log(`backends available here: ${available.join(', ') || 'none'}; ${cores} cores`);
  const baseline = jsBaselineHashRate(SECONDS);
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
        : (['sha-ni', 'avx512', 'avx2', 'vec128', 'portable'] as const).filter((impl) => impl !== perCore.impl).map((impl) => ({ cpuImpl: impl }));
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
    console.log(`${r.backend.padEnd(12)} ${r.impl.padEnd(20)} ${r.threads.padStart(8)} ${fmt(r.hashesPerSec).padStart(10)} ${ratio.toFixed(1).padStart(6)}x`);
  }
  console.log('');
  for (const m of metrics) console.log(m);
}
