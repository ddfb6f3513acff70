// The hash rate a mining node reports (GET /mining and the Prometheus gauge) against the bench figure of the CPU
// path it mines with, in one run: the bench figure is measured before and after the node mines (their mean is
// the baseline, which discounts load from other processes drifting during the run). The node is a real
// `chain-node start` process on devnet (difficulty high enough that a search is not overhead-dominated), one
// hashing thread per core, the native CPU backend; it reads the calibration this script made from its datadir,
// so both run the same path.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureBackend } from '../../src/client/hash-bench.js';
import { fileCalibrationStore, NativeCpuBackend } from '../../src/mining/index.js';
import { CPU_CALIBRATION_FILE } from '../../src/node.js';

// Compiled to dist/scripts/bench/: the package root is three levels up.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BENCH_SECONDS = 3;
const WARMUP_MS = 3_000;
const SAMPLE_MS = 8_000;

function fmt(v: number): string {
  return v.toExponential(2).replace('e+', 'e');
}

async function sampleNode(datadir: string, threads: number): Promise<{ api: number[]; metrics: number[]; path: string }> {
  const args = [join(ROOT, 'bin', 'chain-node'), 'start', '--network', 'devnet', '--datadir', datadir, '--api-port', '0', '--no-p2p', '--mine',
    '--miner-backend', 'native-cpu', '--threads', String(threads), '--log-level', 'warn', '--log-pretty', 'never'];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  try {
    const api = await new Promise<string>((resolve, reject) => {
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /API\s+(http:\/\/\S+)\/status/.exec(err);
        if (m !== null) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`node exited (${code}): ${err}`)));
    });
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    const out = { api: [] as number[], metrics: [] as number[], path: '' };
    const end = performance.now() + SAMPLE_MS;
    while (performance.now() < end) {
      const m = (await (await fetch(`${api}/mining`)).json()) as { hashrate: number; cpuPath: string; cpuCalibration: { cached: boolean } | null };
      if (m.cpuCalibration?.cached !== true) throw new Error('the node did not reuse the calibration of this run');
      out.path = m.cpuPath;
      out.api.push(m.hashrate);
      const text = await (await fetch(`${api}/metrics`)).text();
      const g = /^chain_node_mining_hashrate_hashes_per_second (\S+)$/m.exec(text);
      if (g !== null) out.metrics.push(Number(g[1]));
      await new Promise((r) => setTimeout(r, 500));
    }
    return out;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** Runs the benchmark and prints `BENCH <metric> <value> <unit>` lines. */
export async function run(): Promise<void> {
  const threads = availableParallelism();
  const dir = await mkdtemp(join(tmpdir(), 'chain-node-miner-hashrate-'));
  try {
    const datadir = join(dir, 'devnet');
    mkdirSync(datadir, { recursive: true });
    const backend = new NativeCpuBackend({ threads, calibrationStore: fileCalibrationStore(join(datadir, CPU_CALIBRATION_FILE)) });
    await backend.load();
    const path = backend.implementation!;
    const before = await measureBackend(backend, BENCH_SECONDS);
    const node = await sampleNode(datadir, threads);
    const after = await measureBackend(backend, BENCH_SECONDS);
    await backend.close();
    if (node.path !== path) throw new Error(`node mined with ${node.path}, the bench measured ${path}`);
    const bench = (before + after) / 2;
    const api = mean(node.api);
    const metrics = mean(node.metrics);
    console.log(`path ${path}, ${threads} threads; bench before ${fmt(before)}, after ${fmt(after)} H/s; node samples (API): ${node.api.map(fmt).join(' ')}`);
    console.log(`BENCH miner_hashrate.bench_${path} ${fmt(bench)} H/s (mean of before and after)`);
    console.log(`BENCH miner_hashrate.api ${fmt(api)} H/s`);
    console.log(`BENCH miner_hashrate.metrics ${fmt(metrics)} H/s`);
    console.log(`BENCH miner_hashrate.api_vs_bench ${(api / bench).toFixed(3)} ratio (target 0.9-1.1)`);
    console.log(`BENCH miner_hashrate.metrics_vs_bench ${(metrics / bench).toFixed(3)} ratio (target 0.9-1.1)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
