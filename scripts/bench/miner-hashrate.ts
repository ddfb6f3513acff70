// The hash rate a mining node reports (GET /mining and the Prometheus gauge) against the bench figure of the CPU
// path it mines with, in one run: the bench figure is measured before and after the node mines (their mean is
// the baseline, which discounts load from other processes drifting during the run). The node is a real
// `chain-node start` process on devnet (difficulty high enough that a search is not overhead-dominated), one
// hashing thread per core, the native CPU backend; it reads the calibration this script made from its datadir,
// so both run the same path.
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureBackend } from '../../src/client/hash-bench.js';
import { fileCalibrationStore } from '../../src/mining/cpu-calibration.js';
import { NativeCpuBackend } from '../../src/mining/native-cpu-backend.js';
import { CPU_CALIBRATION_FILE } from '../../src/node.js';
import { spawnChainNode } from './lib/node-process.js';

const BENCH_SECONDS = 3;
const WARMUP_MS = 3_000;
const SAMPLE_MS = 8_000;

function fmt(v: number): string {
  return v.toExponential(2).replace('e+', 'e');
}

interface NodeSamples {
  api: number[];
  metrics: number[];
  path: string;
  /** Seconds between the first and last sample, and the node's CPU seconds (process_cpu_seconds_total) in them. */
  wallSeconds: number;
  cpuSeconds: number;
}

const cpuOf = (text: string): number => Number(/^chain_node_process_cpu_seconds_total (\S+)$/m.exec(text)?.[1] ?? NaN);

async function sampleNode(datadir: string, threads: number): Promise<NodeSamples> {
  const args = [
    'start',
    '--network',
    'devnet',
    '--datadir',
    datadir,
    '--api-port',
    '0',
    '--no-p2p',
    '--mine',
    '--miner-backend',
    'native-cpu',
    '--threads',
    String(threads),
    '--log-level',
    'warn',
    '--log-pretty',
    'never',
  ];
  const { child, api } = await spawnChainNode(args);
  try {
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    const out: NodeSamples = { api: [], metrics: [], path: '', wallSeconds: 0, cpuSeconds: 0 };
    const t0 = performance.now();
    const cpu0 = cpuOf(await (await fetch(`${api}/metrics`)).text());
    let cpu1 = cpu0;
    while (performance.now() < t0 + SAMPLE_MS) {
      const m = (await (await fetch(`${api}/mining`)).json()) as { hashrate: number; cpuPath: string; cpuCalibration: { cached: boolean } | null };
      if (m.cpuCalibration?.cached !== true) throw new Error('the node did not reuse the calibration of this run');
      out.path = m.cpuPath;
      out.api.push(m.hashrate);
      const text = await (await fetch(`${api}/metrics`)).text();
      const g = /^chain_node_mining_hashrate_hashes_per_second (\S+)$/m.exec(text);
      if (g !== null) out.metrics.push(Number(g[1]));
      cpu1 = cpuOf(text);
      out.wallSeconds = (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 500));
    }
    out.cpuSeconds = cpu1 - cpu0;
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
    // Also per CPU second: the machine may be shared, and a wall-clock rate then moves with the others' load.
    const measure = async (): Promise<{ rate: number; perCpu: number }> => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const rate = await measureBackend(backend, BENCH_SECONDS);
      const wall = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      return { rate, perCpu: (rate * wall) / ((c.user + c.system) / 1e6) };
    };
    const b0 = await measure();
    const node = await sampleNode(datadir, threads);
    const b1 = await measure();
    const before = b0.rate;
    const after = b1.rate;
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
    // Load-independent check: hashes per CPU second of the mining node (its reported rate over the sampling
    // window, divided by the CPU time the whole node process used) against the bench's hashes per CPU second.
    const benchPerCpu = (b0.perCpu + b1.perCpu) / 2;
    const nodePerCpu = (api * node.wallSeconds) / node.cpuSeconds;
    console.log(`BENCH miner_hashrate.bench_per_cpu_second ${fmt(benchPerCpu)} H/CPU-s`);
    console.log(
      `BENCH miner_hashrate.api_per_cpu_second ${fmt(nodePerCpu)} H/CPU-s (node CPU ${node.cpuSeconds.toFixed(2)} s in ${node.wallSeconds.toFixed(2)} s)`,
    );
    console.log(`BENCH miner_hashrate.api_vs_bench_per_cpu ${(nodePerCpu / benchPerCpu).toFixed(3)} ratio (target 0.9-1.1)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
