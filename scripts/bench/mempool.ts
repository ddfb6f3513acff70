// Mempool acceptance throughput (fresh signed transactions from many actors, one at a time and in batches
// through the verification pool) and process RSS with 100,000 transactions pooled.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { VerifyPool } from '../../src/crypto/verify-pool.js';
import { Mempool } from '../../src/mempool/mempool.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { presignMetrics } from './lib/presign.js';

const ACTORS = 10_000;
const PER_ACTOR = 10;
const TOTAL = ACTORS * PER_ACTOR;
const SINGLE = 30_000;
const BATCH = 1_000;
const CHAIN = new Uint8Array(32).fill(0x42);

function makeMempool(pool?: VerifyPool): Mempool {
  return new Mempool({ maxCount: TOTAL + 1_000 }, { chainId: CHAIN, nextNonce: () => Promise.resolve(0), verifyPool: pool });
}

// Fresh objects (no cached txid or signing hash), as the network layer hands them over after decoding.
function fresh(raw: readonly Uint8Array[]): Transaction[] {
  return raw.map((b) => Transaction.decode(b));
}

interface RssReport {
  count: number;
  rss: number;
  /** Live JS heap + off-heap buffers held after the fill, minus the same before it. */
  liveBytes: number;
  baselineRss: number;
}

const MiB = 1024 * 1024;

/** Runs the benchmark and prints a table followed by `BENCH <metric> <value> <unit>` lines. */
export async function run(): Promise<void> {
  const raw = presignMetrics(CHAIN, ACTORS, PER_ACTOR);

  let txs = fresh(raw.slice(0, SINGLE));
  const single = makeMempool();
  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  for (const tx of txs) await single.add(tx);
  const singleRate = SINGLE / ((performance.now() - t0) / 1000);
  const singleCpu = cpuMicros(cpu0) / SINGLE;
  if (single.size !== SINGLE) throw new Error(`single: ${single.size} of ${SINGLE} accepted`);

  const pool = new VerifyPool({}, {});
  await pool.verifyBatch([]);
  txs = fresh(raw);
  const batched = makeMempool(pool);
  cpu0 = process.cpuUsage();
  t0 = performance.now();
  for (let i = 0; i < txs.length; i += BATCH) {
    const results = await batched.addMany(txs.slice(i, i + BATCH));
    if (results.some((r) => !r.ok)) throw new Error('batch: a transaction was refused');
  }
  const batchRate = TOTAL / ((performance.now() - t0) / 1000);
  const batchCpu = cpuMicros(cpu0) / TOTAL;
  t0 = performance.now();
  const template = batched.buildTemplate(1024 * 1024);
  const templateMs = performance.now() - t0;
  await pool.close();
  const avgBytes = Math.round(batched.bytes / batched.size);

  const mem = await measureRssInChild(raw, []);
  const small = await measureRssInChild(raw, ['--max-semi-space-size=16']);

  console.log(`mempool acceptance, ${ACTORS} actors x ${PER_ACTOR} nonces, ~${avgBytes}-byte signed actions, verify pool ${pool.threads} threads`);
  const row = (name: string, value: number, unit: string): void => console.log(`${name.padEnd(44)} ${Math.round(value).toString().padStart(8)} ${unit}`);
  row('add() one at a time', singleRate, 'tx/s');
  row('  CPU per transaction', singleCpu, 'us');
  row(`addMany() batches of ${BATCH}`, batchRate, 'tx/s');
  row('  CPU per transaction (all threads)', batchCpu, 'us');
  row(`buildTemplate(1 MiB): ${template.length} txs`, templateMs, 'ms');
  row('fresh process RSS, empty pool', mem.baselineRss / MiB, 'MB');
  row(`fresh process RSS, ${mem.count} txs pooled`, mem.rss / MiB, 'MB');
  row(`  same with --max-semi-space-size=16`, small.rss / MiB, 'MB');
  row('pool memory per transaction (live heap+buffers)', mem.liveBytes / mem.count, 'bytes');
  console.log(`BENCH mempool.accept.single ${Math.round(singleRate)} tx/s`);
  console.log(`BENCH mempool.accept.batch ${Math.round(batchRate)} tx/s`);
  console.log(`BENCH mempool.cpu_per_tx.single ${Math.round(singleCpu)} us`);
  console.log(`BENCH mempool.cpu_per_tx.batch ${Math.round(batchCpu)} us`);
  console.log(`BENCH mempool.rss_100k ${Math.round(mem.rss / MiB)} MB`);
  console.log(`BENCH mempool.rss_100k_semi16 ${Math.round(small.rss / MiB)} MB`);
  console.log(`BENCH mempool.bytes_per_tx ${Math.round(mem.liveBytes / mem.count)} B`);
}

// Process CPU time (every thread, workers included) since `since`, in microseconds: unlike wall-clock rates it
// does not depend on what else the machine is running.
function cpuMicros(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return d.user + d.system;
}

// RSS of a process that did nothing but fill a pool (with its verify pool running) from encoded transactions,
// so the figure is not inflated by this process's pre-signing and earlier phases.
async function measureRssInChild(raw: readonly Uint8Array[], nodeFlags: string[]): Promise<RssReport> {
  const dir = await mkdtemp(join(tmpdir(), 'mempool-bench-'));
  const file = join(dir, 'txs.bin');
  try {
    const parts: Uint8Array[] = [];
    for (const b of raw) {
      const len = new Uint8Array(4);
      new DataView(len.buffer).setUint32(0, b.byteLength);
      parts.push(len, b);
    }
    await writeFile(file, Buffer.concat(parts));
    const code = `import(${JSON.stringify(import.meta.url)}).then((m) => m.rssProbe(${JSON.stringify(file)}))`;
    const args = [...inheritedFlags(), ...nodeFlags, '--expose-gc', '--input-type=module', '-e', code];
    const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 20 });
    return JSON.parse(stdout.trim().split('\n').pop()!) as RssReport;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// This process's node flags (loaders, V8 options) without an `-e`/`-p` script of its own.
function inheritedFlags(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-e' || a === '--eval' || a === '-p' || a === '--print') i++;
    else if (!a.startsWith('--eval=') && !a.startsWith('--print=')) out.push(a);
  }
  return out;
}

/** Child side of the RSS measurement: fills a pool from `file` and prints an {@link RssReport} as JSON. */
export async function rssProbe(file: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => undefined);
  const live = (): number => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const pool = new VerifyPool({}, {});
  await pool.verifyBatch([]);
  const mempool = makeMempool(pool);
  gc();
  const baselineRss = process.memoryUsage().rss;
  const baselineLive = live();
  await fillFromFile(mempool, file);
  gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
  gc();
  const report: RssReport = { count: mempool.size, rss: process.memoryUsage().rss, liveBytes: live() - baselineLive, baselineRss };
  await pool.close();
  console.log(JSON.stringify(report));
}

async function fillFromFile(mempool: Mempool, file: string): Promise<void> {
  const data = await readFile(file);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let batch: Transaction[] = [];
  for (let off = 0; off < data.byteLength;) {
    const len = view.getUint32(off);
    // A private copy per transaction, as each gossip message arrives in its own buffer.
    batch.push(Transaction.decode(new Uint8Array(data.subarray(off + 4, off + 4 + len))));
    off += 4 + len;
    if (batch.length === BATCH || off >= data.byteLength) {
      await mempool.addMany(batch);
      batch = [];
    }
  }
}
