// Query costs (issue 16, item 8) on a chain of `--records` signed metric records (default 1,000,000) over 10,000
// subjects, in blocks of 2,000 spread over 10 days of block time, connected through the real chain (every
// signature checked) into a real store, then queried through the real API routes (fastify inject; exports over
// real HTTP):
// - count per subject and per kind: p50/p95 latency;
// - a 100-row history page of one subject with field selection: node CPU per page, against the full page
//   (whole signed transactions, the previous only form) in the same run;
// - a 100-row time-range page of the kind index (a random hour): p50/p95;
// - a one-day aggregate of one subject's cpuUsage (hourly buckets): p50/p95;
// - CSV export of the whole kind (every record) over HTTP to a client process: rows/s, the node's CPU per row, and
//   the node process's RSS before and at its peak;
// - index cost: connect throughput of the same blocks with and without the query indexes, alternated.
// `npm run bench -- queries --records 100000` for a quick run.
import { mkdtemp, rm } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_DEFAULTS, closeApi, createApi } from '../../src/api/server.js';
import { benchApiContext } from './lib/api-context.js';
import { Chain } from '../../src/chain/chain.js';
import { SignatureCache } from '../../src/chain/signature-cache.js';
import { consensusContext, nextBits } from '../../src/chain/validate.js';
import { solveBlockSync } from '../../src/chain/template.js';
import { chainId, genesisBlock, getNetwork } from '../../src/consensus/networks.js';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { VerifyPool } from '../../src/crypto/verify-pool.js';
import { Block } from '../../src/primitives/block.js';
import { BlockHeader } from '../../src/primitives/header.js';
import { Transaction, txSigningHash, type TxBody } from '../../src/primitives/transaction.js';
import { ChainStore } from '../../src/store/chain-store.js';
import { fastSigner } from './lib/fast-signer.js';

const NET = getNetwork('regtest');
const ID = chainId(NET);
const SUBJECTS = 10_000;
const BLOCK_TXS = 2_000;
const SPAN_S = 10 * 86_400;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i === -1 ? undefined : Number(process.argv[i + 1]);
  return v === undefined || !Number.isFinite(v) || v <= 0 ? fallback : Math.floor(v);
}

/** Encoded blocks of `records` metric records: record n is about subject n % 10,000, by actor n % 10,000. */
export function buildBlocks(records: number): Uint8Array[] {
  const s = fastSigner();
  const keys = Array.from({ length: Math.min(SUBJECTS, records) }, () => {
    const sk = generateSecretKey();
    return { sk, from: s.publicKey(sk) };
  });
  const ctx = consensusContext(NET, ID);
  const g = genesisBlock(NET);
  let parent = { hash: g.hash, height: 0, header: { time: g.header.time } };
  const blocks = Math.ceil(records / BLOCK_TXS);
  const spacing = Math.max(1, Math.floor(SPAN_S / blocks));
  const out: Uint8Array[] = [];
  for (let b = 0; b < blocks; b++) {
    const txs: Transaction[] = [];
    for (let n = b * BLOCK_TXS; n < Math.min(records, (b + 1) * BLOCK_TXS); n++) {
      const a = n % keys.length;
      const { sk, from } = keys[a]!;
      const body: TxBody = {
        v: 1,
        chain: ID,
        from,
        nonce: Math.floor(n / keys.length),
        time: 1_767_300_000_000 + n,
        kind: 'metric',
        subject: `container-${a}`,
        payload: { cpuUsage: (n % 1000) / 10, memoryMB: 256 + (n % 512) },
      };
      txs.push(Transaction.fromFields({ ...body, sig: s.sign(txSigningHash(body), sk) }));
    }
    const meta = { height: parent.height + 1, extra: Uint8Array.of(b >> 16, b >> 8, b & 0xff) };
    const time = parent.header.time + spacing;
    const draft = new Block(
      BlockHeader.from({ version: 1, prevHash: parent.hash, merkleRoot: new Uint8Array(32), time, bits: nextBits(ctx, parent), nonce: 0 }),
      meta,
      txs,
    );
    const block = solveBlockSync(new Block(draft.header.with({ merkleRoot: draft.computeMerkleRoot() }), meta, txs), ctx.powLimit);
    out.push(block.bytes);
    parent = { hash: block.hash, height: parent.height + 1, header: { time } };
  }
  return out;
}

export async function connect(
  path: string,
  blocks: readonly Uint8Array[],
  txs: number,
  pool: VerifyPool,
  indexes: boolean,
  warm = 0,
): Promise<{ chain: Chain; store: ChainStore; txPerSec: number; cpuUsPerTx: number }> {
  const store = await ChainStore.open({ path, chainId: ID, query: { enabled: indexes } });
  const chain = await Chain.open({ params: NET }, { store, verifyPool: pool, sigCache: new SignatureCache() });
  // The first `warm` blocks are connected untimed: a node's steady state has seen its subjects before.
  for (const bytes of blocks.slice(0, warm)) await chain.processBlockBytes(bytes);
  await store.flush();
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  for (const bytes of blocks.slice(warm)) {
    const r = await chain.processBlockBytes(bytes);
    if (r.status !== 'connected') throw new Error(`block ${r.hash} was ${r.status}`);
  }
  await store.flush();
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  return { chain, store, txPerSec: (txs / ms) * 1000, cpuUsPerTx: (cpu.user + cpu.system) / txs };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** Wall ms and process CPU ms of each of `n` calls. */
async function measure(n: number, fn: (i: number) => Promise<void>): Promise<{ wall: number[]; cpu: number[] }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn(i);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall, cpu };
}

// The export's client: another process (as an auditor's tool would be), so the node's process runs only the node.
const CLIENT = `
const http = require('node:http');
const t0 = performance.now();
let lines = 0;
http.get(process.argv[1], (res) => {
  if (res.statusCode !== 200) { console.error('HTTP ' + res.statusCode); process.exit(1); }
  res.on('data', (c) => { for (let i = c.indexOf(10); i !== -1; i = c.indexOf(10, i + 1)) lines++; });
  res.on('end', () => console.log(JSON.stringify({ lines, ms: performance.now() - t0 })));
}).on('error', (e) => { console.error(e.message); process.exit(1); });
`;

/**
 * Stream `url` over HTTP from a client process, counting lines; the node's CPU (this process) and RSS are sampled
 * while it runs.
 */
function streamLines(url: string): Promise<{ lines: number; ms: number; cpuMs: number; peakRss: number }> {
  return new Promise((resolve, reject) => {
    const c0 = process.cpuUsage();
    let peakRss = process.memoryUsage.rss();
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
    const child = spawn(process.execPath, ['-e', CLIENT, url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      const c = process.cpuUsage(c0);
      if (code !== 0) return reject(new Error(`export client exited with ${code}`));
      const r = JSON.parse(out) as { lines: number; ms: number };
      resolve({ ...r, cpuMs: (c.user + c.system) / 1000, peakRss: Math.max(peakRss, process.memoryUsage.rss()) });
    });
  });
}

/** Runs the benchmark and prints a table followed by `BENCH <metric> <value> <unit>` lines. */
export async function run(): Promise<void> {
  const records = arg('--records', 1_000_000);
  const costRecords = Math.min(records, arg('--cost-records', 200_000));
  const dir = await mkdtemp(join(tmpdir(), 'bench-queries-'));
  const pool = new VerifyPool();
  try {
    const t0 = performance.now();
    const blocks = buildBlocks(records);
    console.log(
      `prepared ${records} records over ${Math.min(SUBJECTS, records)} subjects in ${blocks.length} blocks in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    // Index cost: the first blocks connected with and without the query indexes, alternated (off on, on off, off on),
    // best of three each: one run on this shared machine varies by 10-15 %.
    const costBlocks = blocks.slice(0, Math.ceil(costRecords / BLOCK_TXS));
    const rates: Record<'with' | 'without', number[]> = { with: [], without: [] };
    const cpus: Record<'with' | 'without', number[]> = { with: [], without: [] };
    for (const round of [0, 1, 2]) {
      for (const indexes of round % 2 === 0 ? [false, true] : [true, false]) {
        const path = join(dir, `cost-${round}-${indexes}`);
        const warm = Math.floor(costBlocks.length / 2);
        const r = await connect(path, costBlocks, Math.min(records, costBlocks.length * BLOCK_TXS) - warm * BLOCK_TXS, pool, indexes, warm);
        await r.store.close();
        await rm(path, { recursive: true, force: true });
        rates[indexes ? 'with' : 'without'].push(r.txPerSec);
        cpus[indexes ? 'with' : 'without'].push(r.cpuUsPerTx);
      }
    }
    const withRate = Math.max(...rates.with);
    const withoutRate = Math.max(...rates.without);
    const cost = (1 - withRate / withoutRate) * 100;
    const withCpu = Math.min(...cpus.with);
    const withoutCpu = Math.min(...cpus.without);
    const cpuCost = (withCpu / withoutCpu - 1) * 100;
    console.log(
      `connect the last ${costRecords - Math.floor(costBlocks.length / 2) * BLOCK_TXS} of ${costRecords} records: ${Math.round(withoutRate)} tx/s without the query indexes, ${Math.round(withRate)} tx/s with (${cost.toFixed(1)} % cost); CPU ${withoutCpu.toFixed(0)} vs ${withCpu.toFixed(0)} us/tx (${cpuCost.toFixed(1)} %)`,
    );

    const t1 = performance.now();
    const { chain, store } = await connect(join(dir, 'chain'), blocks, records, pool, true);
    console.log(`connected the ${records}-record chain in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    // The encoded blocks are the bench's, not the node's: let them go before memory is measured.
    blocks.length = 0;
    await store.compact();
    const app = await createApi({ ...API_DEFAULTS, port: 0, rateLimitPerMinute: 0 }, { ctx: benchApiContext(chain, store, NET) });
    const get = async (url: string): Promise<string> => {
      const res = await app.inject({ method: 'GET', url });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      return res.body;
    };
    const subject = (i: number): string => `container-${(i * 7919) % Math.min(SUBJECTS, records)}`;
    const tipTime = chain.tip.header.time;
    const genesisTime = chain.tree.atHeight(0)!.header.time;
    const n = 300;

    const count = await measure(n, async (i) => void (await get(i % 2 === 0 ? `/subjects/${subject(i)}/count` : '/kinds/metric/count')));
    const total = JSON.parse(await get('/kinds/metric/count')) as { count: number };
    if (total.count !== records) throw new Error(`count ${total.count}, expected ${records}`);
    const rowsPage = await measure(
      n,
      async (i) => void (await get(`/subjects/${subject(i)}/actions?limit=100&fields=txid,height,index,time,kind,from,nonce,txTime`)),
    );
    const fullPage = await measure(Math.min(n, 100), async (i) => void (await get(`/subjects/${subject(i)}/actions?limit=100`)));
    // An hour around the time of a random block: never an empty page.
    const hour = (i: number): number => chain.tree.atHeight(1 + ((i * 7919) % chain.tip.height))!.header.time - 1800;
    const range = await measure(n, async (i) => {
      const body = JSON.parse(await get(`/kinds/metric/actions?limit=100&fields=txid,height,time,subject,nonce&since=${hour(i)}&until=${hour(i) + 3600}`)) as {
        items: unknown[];
      };
      if (body.items.length !== Math.min(100, records)) throw new Error(`range page of ${body.items.length} rows`);
    });
    const day = (i: number): number => genesisTime + ((i * 86_400) % (SPAN_S - 86_400));
    const agg = await measure(n, async (i) => {
      const body = JSON.parse(await get(`/subjects/${subject(i)}/aggregate?field=cpuUsage&bucket=1h&since=${day(i)}&until=${day(i) + 86_400}`)) as {
        count: number;
      };
      if (body.count === 0 && records >= SUBJECTS * 10) throw new Error('empty one-day aggregate');
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    const rssBefore = process.memoryUsage.rss();
    const rowsExport = await streamLines(`http://127.0.0.1:${port}/kinds/metric/actions?format=csv&fields=height,index,time,txid,subject,from,nonce,txTime`);
    const fullExport = await streamLines(`http://127.0.0.1:${port}/kinds/metric/actions?format=csv`);
    if (rowsExport.lines !== records + 1 || fullExport.lines !== records + 1)
      throw new Error(`export lines ${rowsExport.lines}/${fullExport.lines}, expected ${records + 1}`);
    await closeApi(app);
    await store.close();

    const ms = (x: number): string => x.toFixed(2);
    console.log(`chain time ${new Date(genesisTime * 1000).toISOString()} .. ${new Date(tipTime * 1000).toISOString()}`);
    console.log(`count (subject/kind):       p50 ${ms(pct(count.wall, 50))} ms, p95 ${ms(pct(count.wall, 95))} ms`);
    console.log(
      `100-row page, fields:       CPU p50 ${ms(pct(rowsPage.cpu, 50))} ms (wall p95 ${ms(pct(rowsPage.wall, 95))} ms); full signed txs (baseline): CPU p50 ${ms(pct(fullPage.cpu, 50))} ms`,
    );
    console.log(`time-range page (an hour):  p50 ${ms(pct(range.wall, 50))} ms, p95 ${ms(pct(range.wall, 95))} ms`);
    console.log(`one-day aggregate:          p50 ${ms(pct(agg.wall, 50))} ms, p95 ${ms(pct(agg.wall, 95))} ms`);
    console.log(
      `CSV export, ${records} rows: ${Math.round((records / rowsExport.ms) * 1000)} rows/s from the rows; ${Math.round((records / fullExport.ms) * 1000)} rows/s with payloads (per CPU second of the node's process, the client in another: ${Math.round((records / rowsExport.cpuMs) * 1000)} and ${Math.round((records / fullExport.cpuMs) * 1000)}); RSS ${(rssBefore / 2 ** 20).toFixed(0)} MiB before, peak ${(Math.max(rowsExport.peakRss, fullExport.peakRss) / 2 ** 20).toFixed(0)} MiB`,
    );
    console.log(`BENCH queries.count.p50 ${ms(pct(count.wall, 50))} ms`);
    console.log(`BENCH queries.count.p95 ${ms(pct(count.wall, 95))} ms`);
    console.log(`BENCH queries.page100.cpu_p50 ${ms(pct(rowsPage.cpu, 50))} ms`);
    console.log(`BENCH queries.page100.full_tx_baseline.cpu_p50 ${ms(pct(fullPage.cpu, 50))} ms`);
    console.log(`BENCH queries.range_page.p50 ${ms(pct(range.wall, 50))} ms`);
    console.log(`BENCH queries.range_page.p95 ${ms(pct(range.wall, 95))} ms`);
    console.log(`BENCH queries.aggregate_day.p50 ${ms(pct(agg.wall, 50))} ms`);
    console.log(`BENCH queries.aggregate_day.p95 ${ms(pct(agg.wall, 95))} ms`);
    console.log(`BENCH queries.export.rows_per_s ${Math.round((records / rowsExport.ms) * 1000)} rows/s`);
    console.log(`BENCH queries.export.rows_per_cpu_s ${Math.round((records / rowsExport.cpuMs) * 1000)} rows/s`);
    console.log(`BENCH queries.export.with_payload.rows_per_cpu_s ${Math.round((records / fullExport.cpuMs) * 1000)} rows/s`);
    console.log(`BENCH queries.export.with_payload.rows_per_s ${Math.round((records / fullExport.ms) * 1000)} rows/s`);
    console.log(`BENCH queries.export.rss_before ${(rssBefore / 2 ** 20).toFixed(0)} MiB`);
    console.log(`BENCH queries.export.rss_peak ${(Math.max(rowsExport.peakRss, fullExport.peakRss) / 2 ** 20).toFixed(0)} MiB`);
    console.log(`BENCH queries.connect.without_indexes ${Math.round(withoutRate)} tx/s`);
    console.log(`BENCH queries.connect.with_indexes ${Math.round(withRate)} tx/s`);
    console.log(`BENCH queries.connect.index_cost ${cost.toFixed(1)} %`);
    console.log(`BENCH queries.connect.cpu_per_tx.without_indexes ${withoutCpu.toFixed(1)} us`);
    console.log(`BENCH queries.connect.cpu_per_tx.with_indexes ${withCpu.toFixed(1)} us`);
    console.log(`BENCH queries.connect.index_cpu_cost ${cpuCost.toFixed(1)} %`);
  } finally {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  }
}
