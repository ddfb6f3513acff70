// Explorer budgets, measured in Chromium (playwright-core) against real nodes on loopback:
// - JavaScript on first load: bytes the browser received for scripts when opening the dashboard (compressed, as
//   served), next to the uncompressed size;
// - time to first render of the dashboard and of a subject page holding 10,000 records (performance marks the
//   pages set once their data is drawn), with the API fetch the page waits on as the same-run baseline;
// - node CPU per live subscriber: 100 open /events streams (one per explorer tab) on a node that receives a
//   block a second from a mining peer, against the same node with none, measured in the same run.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { signActionFast } from '../../src/wallet/tx-signer.js';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { fromHex, toHex } from '../../src/util/bytes.js';
import { txidOf } from '../../src/primitives/transaction.js';
import { fastSigner } from './lib/fast-signer.js';
import { regtestStartArgs, spawnChainNode, startBenchNode, stopBenchNode, type BenchNode } from './lib/node-process.js';

const SUBJECT_RECORDS = 10_000;
const ACTORS = 100;
const SUBSCRIBERS = 100;
const CPU_WINDOW_MS = 20_000;
const RENDER_RUNS = 5;

function bench(name: string, value: number, unit: string, digits = 2): void {
  console.log(`BENCH ${name} ${Number.isInteger(value) ? value : value.toFixed(digits)} ${unit}`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((res) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

/** A regtest node that mines (one thread) and listens for peers. */
async function startMiner(datadir: string, p2pPort: number): Promise<BenchNode> {
  const args = regtestStartArgs(datadir, p2pPort, ['--mine', '--threads', '1']);
  return spawnChainNode(args, { nodeFlags: ['--max-semi-space-size=16'], what: 'miner' });
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  return (await res.json()) as T;
}

async function waitFor(what: string, fn: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Submit SUBJECT_RECORDS metric records on one subject (100 actors) to the miner and wait until the measured
 * node has every one of them in a block.
 */
async function fillSubject(minerApi: string, api: string, subject: string): Promise<void> {
  const status = await json<{ chainId: string }>(`${api}/status`);
  const chainId = fromHex(status.chainId);
  const signer = fastSigner();
  const txs: string[] = [];
  const perActor = SUBJECT_RECORDS / ACTORS;
  for (let a = 0; a < ACTORS; a++) {
    const sk = generateSecretKey();
    const pk = signer.publicKey(sk);
    for (let n = 0; n < perActor; n++) {
      const i = a * perActor + n;
      const t = signActionFast(
        sk,
        pk,
        { kind: 'metric', subject, payload: { cpu: (i * 37) % 100, mem: 512 + (i % 64) }, time: Date.now() - (SUBJECT_RECORDS - i) * 1000 },
        { chainId, nonce: n },
      );
      txs.push(toHex(t.bytes));
    }
  }
  for (let i = 0; i < txs.length; i += 2000) {
    const r = await json<{ accepted: number }>(`${minerApi}/txs/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ txs: txs.slice(i, i + 2000) }),
    });
    if (r.accepted !== Math.min(2000, txs.length - i)) throw new Error(`batch at ${i}: only ${r.accepted} accepted`);
  }
  const last = txs.length - 1;
  const lastTxid = toHex(txidOf(fromHex(txs[last]!)));
  await waitFor(
    `${SUBJECT_RECORDS} records mined`,
    async () =>
      (await json<{ status?: string }>(`${api}/txs/${lastTxid}`)).status === 'mined' && (await json<{ count: number }>(`${minerApi}/mempool`)).count === 0,
    300_000,
  );
}

async function launch(): Promise<{ ctx: BrowserContext; profile: string }> {
  const profile = mkdtempSync(join(tmpdir(), 'chain-node-bench-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return { ctx, profile };
}

/** Load `url` in a fresh page with an empty cache; ms from navigation start to the page's performance mark. */
async function renderTime(ctx: BrowserContext, url: string, mark: string): Promise<{ ms: number; page: Page }> {
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await page.goto(url);
  await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, mark, { timeout: 60_000 });
  const ms = await page.evaluate((m) => performance.getEntriesByName(m)[0]!.startTime, mark);
  return { ms, page };
}

/** One /events stream read to the end (like an explorer tab's EventSource); resolves the bytes it got. */
function subscribe(api: string): { close: () => number; ready: Promise<void> } {
  let bytes = 0;
  let readyResolve: () => void = () => undefined;
  const ready = new Promise<void>((r) => (readyResolve = r));
  const req = request(`${api}/events`, { headers: { accept: 'text/event-stream' } }, (res) => {
    res.on('data', (d: Buffer) => {
      bytes += d.length;
      readyResolve();
    });
    res.on('error', () => undefined);
  });
  req.on('error', () => undefined);
  req.end();
  return { close: () => (req.destroy(), bytes), ready };
}

async function cpuWhileBlocksArrive(node: BenchNode, api: string): Promise<{ pct: number; blocks: number }> {
  const h0 = (await json<{ height: number }>(`${api}/status`)).height;
  const c0 = cpuSeconds(node.child.pid!);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, CPU_WINDOW_MS));
  const c1 = cpuSeconds(node.child.pid!);
  const t1 = performance.now();
  const h1 = (await json<{ height: number }>(`${api}/status`)).height;
  return { pct: ((c1 - c0) / ((t1 - t0) / 1000)) * 100, blocks: h1 - h0 };
}

/** Run the explorer benchmark. */
export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'chain-node-bench-explorer-'));
  const minerPort = await freePort();
  const miner = await startMiner(join(dir, 'miner'), minerPort);
  let node: BenchNode | undefined;
  const { ctx, profile } = await launch();
  try {
    node = await startBenchNode(join(dir, 'node'), await freePort(), [`/ip4/127.0.0.1/tcp/${minerPort}`]);
    const api = node.api;
    await waitFor('the node to sync from the miner', async () => (await json<{ height: number }>(`${api}/status`)).height > 2, 120_000);

    // First load: what the browser received for scripts (it asks for br; the node serves the precompressed copy).
    const first = await renderTime(ctx, `${api}/`, 'explorer:dashboard');
    const scripts = await first.page.evaluate(() =>
      (performance.getEntriesByType('resource') as unknown as Array<{ name: string; initiatorType: string; encodedBodySize: number; decodedBodySize: number }>)
        .filter((r) => r.initiatorType === 'script' || r.name.endsWith('.js'))
        .map((r) => ({ name: r.name, transfer: r.encodedBodySize, decoded: r.decodedBodySize })),
    );
    const entry = await first.page.evaluate(
      () => (performance as unknown as { getEntriesByType(t: string): Array<{ encodedBodySize: number }> }).getEntriesByType('navigation')[0]!.encodedBodySize,
    );
    // The shared worker's script is not in the page's resource timings: its encoded size from the response.
    const worker = await first.page.evaluate(async () => {
      const r = await fetch('live-worker.js', { cache: 'no-store' });
      return { transfer: Number(r.headers.get('content-length') ?? 0), decoded: (await r.arrayBuffer()).byteLength };
    });
    await first.page.close();
    const js = [...scripts, worker];
    bench('explorer_first_load_js_compressed', js.reduce((n, s) => n + s.transfer, 0) / 1024, 'KiB');
    bench('explorer_first_load_js_uncompressed', js.reduce((n, s) => n + s.decoded, 0) / 1024, 'KiB');
    bench('explorer_first_load_js_files', js.length, 'files');
    bench('explorer_index_html', entry, 'B');

    const dash: number[] = [];
    const statusFetch: number[] = [];
    for (let i = 0; i < RENDER_RUNS; i++) {
      const r = await renderTime(ctx, `${api}/`, 'explorer:dashboard');
      dash.push(r.ms);
      // Baseline: the page's own fetch of the status and recent blocks it waits on.
      statusFetch.push(
        await r.page.evaluate(async () => {
          const t = performance.now();
          await Promise.all([fetch('status').then((x) => x.json()), fetch('blocks?limit=12').then((x) => x.json())]);
          return performance.now() - t;
        }),
      );
      await r.page.close();
    }
    bench('explorer_dashboard_first_render_median', median(dash), 'ms');
    bench('explorer_dashboard_first_render_max', Math.max(...dash), 'ms');
    bench('baseline_dashboard_api_fetches_median', median(statusFetch), 'ms');

    // A subject with 10,000 records: the page draws its first 100 (cursor pages) and their chart.
    const subject = 'bench-container';
    const tFill = performance.now();
    await fillSubject(miner.api, api, subject);
    console.log(`# ${SUBJECT_RECORDS} records on '${subject}' submitted and mined in ${((performance.now() - tFill) / 1000).toFixed(1)} s`);
    const subj: number[] = [];
    const pageFetch: number[] = [];
    for (let i = 0; i < RENDER_RUNS; i++) {
      const r = await renderTime(ctx, `${api}/#/subject/${subject}`, 'explorer:index');
      subj.push(r.ms);
      pageFetch.push(
        await r.page.evaluate(async (s) => {
          const t = performance.now();
          await fetch(`subjects/${s}/actions?limit=100`).then((x) => x.json());
          return performance.now() - t;
        }, subject),
      );
      await r.page.close();
    }
    bench('explorer_subject_10k_first_render_median', median(subj), 'ms');
    bench('explorer_subject_10k_first_render_max', Math.max(...subj), 'ms');
    bench('baseline_subject_page_fetch_median', median(pageFetch), 'ms');

    // CPU per live subscriber while blocks arrive from the miner.
    const idle = await cpuWhileBlocksArrive(node, api);
    const subs = Array.from({ length: SUBSCRIBERS }, () => subscribe(api));
    await Promise.all(subs.map((s) => s.ready));
    const busy = await cpuWhileBlocksArrive(node, api);
    const received = subs.map((s) => s.close());
    console.log(`# blocks in the windows: ${idle.blocks} without subscribers, ${busy.blocks} with; each subscriber got ${median(received)} B`);
    bench('baseline_node_cpu_0_subscribers', idle.pct, '%');
    bench(`explorer_node_cpu_${SUBSCRIBERS}_subscribers`, busy.pct, '%');
    bench(`explorer_node_cpu_added_by_${SUBSCRIBERS}_subscribers`, busy.pct - idle.pct, '%');
    bench('explorer_node_cpu_per_subscriber', (busy.pct - idle.pct) / SUBSCRIBERS, '%', 4);
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
    if (node !== undefined) await stopBenchNode(node);
    miner.child.kill('SIGTERM');
    await new Promise((r) => miner.child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}
