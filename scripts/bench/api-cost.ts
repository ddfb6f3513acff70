// API resource costs (issue 12, faults 5 and 7), each with its baseline measured in the same run:
// - index query: CPU of GET /kinds/k/actions?limit=1000 over one ~1.2 MB block (cold chain cache), against the
//   previous approach (decode the whole block per result);
// - event fan-out: latency of a 500-transaction POST /txs/batch with 1,000 reading /events subscribers, against
//   the same batch with none.
import { mkdtemp, rm } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { txToJson } from '../../src/api/json.js';
import { API_DEFAULTS, closeApi, createApi } from '../../src/api/server.js';
import { benchApiContext } from './lib/api-context.js';
import { Chain } from '../../src/chain/chain.js';
import { assembleBlock, solveBlockSync } from '../../src/chain/template.js';
import { chainId, getNetwork } from '../../src/consensus/networks.js';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { toHex } from '../../src/util/bytes.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { ChainStore } from '../../src/store/chain-store.js';

const NET = getNetwork('regtest');
const ID = chainId(NET);
const BLOCK_TXS = 1_500;
const SUBSCRIBERS = 1_000;
const BATCH = 500;

function cpuMs(fn: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  return fn().then(() => {
    const d = process.cpuUsage(start);
    return (d.user + d.system) / 1000;
  });
}

async function indexQuery(dir: string): Promise<void> {
  const path = join(dir, 'chain');
  {
    const store = await ChainStore.open({ path, chainId: ID });
    const chain = await Chain.open({ params: NET }, { store });
    const sk = Array.from({ length: 20 }, () => generateSecretKey());
    const txs = Array.from({ length: BLOCK_TXS }, (_, i) =>
      Transaction.sign(
        { chain: ID, nonce: Math.floor(i / 20), time: Date.now(), kind: 'k', subject: `s${i % 7}`, payload: { i, pad: 'p'.repeat(700) } },
        sk[i % 20]!,
      ),
    );
    const block = solveBlockSync(assembleBlock(chain, { parent: chain.tip, txs, time: chain.tip.header.time + 1 }), chain.ctx.powLimit);
    await chain.processBlock(block);
    console.log(`block of ${BLOCK_TXS} transactions, ${(block.size / 1e6).toFixed(2)} MB`);
    await chain.idle();
    await store.close();
  }
  const store = await ChainStore.open({ path, chainId: ID });
  const chain = await Chain.open({ params: NET }, { store });
  const app = await createApi({ ...API_DEFAULTS, rateLimitPerMinute: 0 }, { ctx: benchApiContext(chain, store, NET) });
  let items = 0;
  const now = await cpuMs(async () => {
    const r = await app.inject({ method: 'GET', url: '/kinds/k/actions?limit=1000' });
    items = r.json<{ items: unknown[] }>().items.length;
  });
  // The previous route: a location lookup and a whole-block decode per result.
  const before = await cpuMs(async () => {
    const page = await store.actionsByKind('k', { limit: 1000 });
    for (const it of page.items) {
      const loc = (await store.getTxLocation(it.txid))!;
      const b = (await store.getBlock(loc.blockHash))!;
      txToJson(b.txs[loc.index]!);
    }
  });
  console.log(`GET /kinds/k/actions?limit=1000 (${items} items): ${now.toFixed(1)} ms CPU; whole-block decode per result: ${before.toFixed(1)} ms`);
  console.log(`BENCH index_query_cpu ${now.toFixed(1)} ms`);
  console.log(`BENCH index_query_cpu_baseline_decode_per_result ${before.toFixed(1)} ms`);
  await app.close();
  await store.close();
}

// Opens N /events?types=tx streams, prints 'ready' once all answered, and on SIGTERM the bytes read.
const SUBSCRIBER_SCRIPT = `
const http = require('node:http');
const [url, n] = process.argv.slice(1);
let bytes = 0, open = 0;
for (let i = 0; i < Number(n); i++) {
  http.get(url + '/events?types=tx', { agent: false }, (r) => {
    r.on('data', (d) => (bytes += d.length));
    if (++open === Number(n)) console.log('ready');
  }).on('error', (e) => { console.error(e.message); process.exit(1); });
}
process.on('SIGTERM', () => { process.stdout.write('bytes ' + bytes + '\\n', () => process.exit(0)); });
`;

function post(url: string, path: string, body: string): Promise<number> {
  const u = new URL(url);
  return new Promise((res, rej) => {
    const req = request({ host: u.hostname, port: Number(u.port), method: 'POST', path, headers: { 'content-type': 'application/json' } }, (r) => {
      r.resume();
      r.on('end', () => res(r.statusCode ?? 0));
    });
    req.on('error', rej);
    req.end(body);
  });
}

async function fanOut(dir: string): Promise<void> {
  const store = await ChainStore.open({ path: join(dir, 'fan'), chainId: ID });
  const chain = await Chain.open({ params: NET }, { store });
  const options = { ...API_DEFAULTS, port: 0, rateLimitPerMinute: 0, sse: { ...API_DEFAULTS.sse, maxClients: SUBSCRIBERS, maxClientsPerAddress: SUBSCRIBERS } };
  const app = await createApi(options, { ctx: benchApiContext(chain, store, NET) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
  const batch = (): string => {
    const sk = Array.from({ length: 10 }, () => generateSecretKey());
    const txs = Array.from({ length: BATCH }, (_, i) =>
      Transaction.sign({ chain: ID, nonce: Math.floor(i / 10), time: Date.now(), kind: 'k', subject: `s${i % 7}`, payload: { i } }, sk[i % 10]!),
    );
    return JSON.stringify({ txs: txs.map((t) => toHex(t.bytes)) });
  };
  const timeBatch = async (): Promise<number> => {
    const body = batch();
    const t0 = performance.now();
    const status = await post(url, '/txs/batch', body);
    if (status !== 200) throw new Error(`batch answered ${status}`);
    return performance.now() - t0;
  };
  await timeBatch();
  const none = Math.min(await timeBatch(), await timeBatch());
  // Subscribers in a process of their own, reading everything (as many separate clients would).
  const subs = spawn(process.execPath, ['-e', SUBSCRIBER_SCRIPT, url, String(SUBSCRIBERS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  subs.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((res, rej) => {
    const timer = setInterval(() => {
      if (out.includes('ready')) {
        clearInterval(timer);
        res();
      }
    }, 50);
    subs.once('exit', (code) => rej(new Error(`subscribers exited (${code})`)));
  });
  const withSubs = Math.min(await timeBatch(), await timeBatch());
  await new Promise((r) => setTimeout(r, 1000));
  const received = await new Promise<number>((res) => {
    subs.stdout.once('data', (d: Buffer) => res(Number(/bytes (\d+)/.exec(d.toString())?.[1] ?? 0)));
    subs.kill('SIGTERM');
  });
  console.log(
    `POST /txs/batch of ${BATCH}: ${none.toFixed(0)} ms with no subscribers, ${withSubs.toFixed(0)} ms with ${SUBSCRIBERS} reading /events streams in another process (${(received / 1e6).toFixed(1)} MB delivered)`,
  );
  console.log(`BENCH sse_batch_latency_${SUBSCRIBERS}_subscribers ${withSubs.toFixed(0)} ms`);
  console.log(`BENCH sse_batch_latency_baseline_no_subscribers ${none.toFixed(0)} ms`);
  await closeApi(app);
  await chain.idle();
  await store.close();
}

/** Run both measurements. */
export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-api-cost-'));
  try {
    await indexQuery(dir);
    await fanOut(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
