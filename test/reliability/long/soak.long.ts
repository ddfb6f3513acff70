// Soak (issue 12): a 5-node regtest cluster of real `chain-node start` processes (P2P over loopback TCP) under a
// steady transaction load, sampled every minute: RSS (/proc/<pid>/status), event-loop lag (the node's own
// /metrics, prom-client's nodejs_eventloop_lag_* since the previous scrape), open fds (/proc/<pid>/fd), LevelDB
// size on disk (<datadir>/chain). At the end the load stops, the mempools are mined empty and every node must
// hold every accepted transaction (per actor, next nonce = transactions accepted), on one tip.
//
//   RELIABILITY_SOAK_MINUTES   duration (default 30; e.g. 3 to try it)
//   RELIABILITY_SOAK_TPS       transactions per second, spread over the 5 nodes (default 50)
//
// Bounds (a failed bound fails the script), comparing the last third of the samples with the first third:
//   RSS          per node, mean(last third) <= RSS_RATIO x mean(first third) (the first third includes the
//                warm-up: caches and the V8 heap filling), and mean(last third) <= RSS_PLATEAU_RATIO x
//                mean(middle third) (after the warm-up, a slow leak shows here)
//   open fds     per node, max(last third) <= max(first third) + FD_SLACK
//   lag p99      per node, mean(last third) <= LAG_RATIO x mean(first third) + LAG_SLACK_MS
//   LevelDB      per node, size <= DB_BYTES_PER_TX x mined transactions + DB_BASE_BYTES (no unbounded growth
//                beyond the data it holds)
//   transactions lost 0; rejected at most 1% of those submitted
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { publicKeyFromSecret } from '../../../src/crypto/signature.js';
import { toHex } from '../../../src/util/bytes.js';
import { type Transaction } from '../../../src/primitives/transaction.js';
import { Actor, TestNode, ensureBuilt, sleep, stopAll, tempDir, waitFor } from '../../p2p/support.js';

const RSS_RATIO = 1.5;
const RSS_PLATEAU_RATIO = 1.15;
const FD_SLACK = 16;
const LAG_RATIO = 2;
const LAG_SLACK_MS = 20;
const DB_BYTES_PER_TX = 3 * 1024;
const DB_BASE_BYTES = 16 * 1024 * 1024;
const MAX_REJECTED_SHARE = 0.01;

const NODES = 5;
const minutes = Number(process.env.RELIABILITY_SOAK_MINUTES ?? process.argv[2] ?? 30);
const tps = Number(process.env.RELIABILITY_SOAK_TPS ?? 50);
const durationMs = minutes * 60_000;
// Every minute; runs shorter than six minutes sample six times so that thirds can be compared.
const sampleMs = Math.min(60_000, durationMs / 6);
const BLOCK_EVERY_MS = 2_000;

interface Sample {
  atMin: number;
  height: number;
  accepted: number;
  rssMiB: number[];
  heapMiB: number[];
  fds: number[];
  lagP99Ms: number[];
  lagMaxMs: number[];
  dbBytes: number[];
  mempool: number[];
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? NaN : Number(m[1]) / 1024;
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    try {
      n += e.isDirectory() ? dirBytes(p) : statSync(p).size;
    } catch {
      // a LevelDB file removed by compaction between readdir and stat
    }
  }
  return n;
}

function metric(text: string, name: string): number {
  const m = new RegExp(`^\\S*${name}\\s+(\\S+)`, 'm').exec(text);
  return m === null ? NaN : Number(m[1]);
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : '-');

async function sample(nodes: TestNode[], startedAt: number, accepted: number): Promise<Sample> {
  const s: Sample = {
    atMin: (Date.now() - startedAt) / 60_000,
    height: 0,
    accepted,
    rssMiB: [],
    heapMiB: [],
    fds: [],
    lagP99Ms: [],
    lagMaxMs: [],
    dbBytes: [],
    mempool: [],
  };
  for (const n of nodes) {
    const pid = n.proc.pid!;
    const text = await (await fetch(`${n.api}/metrics`)).text();
    const status = await n.get<{ height: number; mempool: { count: number } }>('/status');
    s.rssMiB.push(rssMiB(pid));
    s.heapMiB.push(metric(text, 'nodejs_heap_size_used_bytes') / 1048576);
    s.fds.push(readdirSync(`/proc/${pid}/fd`).length);
    s.lagP99Ms.push(metric(text, 'nodejs_eventloop_lag_p99_seconds') * 1000);
    s.lagMaxMs.push(metric(text, 'nodejs_eventloop_lag_max_seconds') * 1000);
    s.dbBytes.push(dirBytes(join(n.options.datadir, 'chain')));
    s.mempool.push(status.mempool.count);
    if (n === nodes[0]) s.height = status.height;
  }
  return s;
}

function table(samples: Sample[]): string {
  const head = [
    'min',
    'height',
    'tx accepted',
    'RSS MiB (min-max)',
    'JS heap used MiB (max)',
    'lag p99 ms (max)',
    'lag max ms (max)',
    'open fds (min-max)',
    'LevelDB MiB (max)',
    'mempool (max)',
  ];
  const rows = samples.map((s) => [
    fmt(s.atMin),
    String(s.height),
    String(s.accepted),
    `${fmt(Math.min(...s.rssMiB), 0)}-${fmt(Math.max(...s.rssMiB), 0)}`,
    fmt(Math.max(...s.heapMiB), 0),
    fmt(Math.max(...s.lagP99Ms)),
    fmt(Math.max(...s.lagMaxMs)),
    `${Math.min(...s.fds)}-${Math.max(...s.fds)}`,
    fmt(Math.max(...s.dbBytes) / 1048576, 2),
    String(Math.max(...s.mempool)),
  ]);
  const line = (r: string[]): string => `| ${r.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Submit `per` transactions to each node from its own actors; rejected nonces are reused. */
async function submitRound(
  nodes: TestNode[],
  actors: Actor[][],
  per: number,
  counts: { submitted: number; accepted: number; rejected: number; codes: Map<string, number> },
): Promise<void> {
  await Promise.all(
    nodes.map(async (node, i) => {
      const own = actors[i]!;
      const txs: Array<{ actor: Actor; tx: Transaction }> = [];
      for (let k = 0; k < per; k++) {
        const actor = own[k % own.length]!;
        txs.push({ actor, tx: actor.tx(`soak.k${k % 4}`, { s: `item-${k % 16}` }) });
      }
      counts.submitted += txs.length;
      let results: Array<{ ok: boolean; code?: string }>;
      try {
        results = (await node.post<{ results: Array<{ ok: boolean; code?: string }> }>('/txs/batch', { txs: txs.map((x) => toHex(x.tx.bytes)) })).results;
      } catch (err) {
        results = txs.map(() => ({ ok: false, code: `HTTP:${(err as Error).message.slice(0, 40)}` }));
      }
      const firstFailed = new Map<Actor, number>();
      results.forEach((r, j) => {
        const { actor, tx } = txs[j]!;
        if (r.ok) counts.accepted++;
        else {
          counts.rejected++;
          counts.codes.set(r.code ?? '?', (counts.codes.get(r.code ?? '?') ?? 0) + 1);
          if (!firstFailed.has(actor)) firstFailed.set(actor, tx.fields.nonce);
        }
      });
      // Later nonces of an actor whose transaction was refused are gaps now: sign them again from the refused one.
      for (const [actor, nonce] of firstFailed) actor.nonce = nonce;
    }),
  );
}

async function mineOnce(miner: TestNode): Promise<void> {
  const h = (await miner.status()).height;
  await miner.post('/mining/start', {}, true);
  try {
    await waitFor('a block', async () => (await miner.status()).height > h, 30_000, 25);
  } finally {
    await miner.post('/mining/stop', {}, true);
  }
}

async function main(): Promise<number> {
  await ensureBuilt();
  const dir = await tempDir('chain-soak-');
  const nodes: TestNode[] = [];
  let ok = false;
  // Interrupted (Ctrl-C, a runner's timeout): the node processes must not outlive the script.
  const onSignal = (sig: NodeJS.Signals): void => {
    for (const n of nodes) n.proc.kill('SIGKILL');
    process.kill(process.pid, sig);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    nodes.push(await TestNode.start({ datadir: join(dir.path, 'n0'), mine: false, logLevel: 'warn' }));
    for (let i = 1; i < NODES; i++)
      nodes.push(await TestNode.start({ datadir: join(dir.path, `n${i}`), mine: false, logLevel: 'warn', bootstrap: [nodes[0]!.address] }));
    await waitFor('every node to have a peer', async () => (await Promise.all(nodes.map((n) => n.peerIds()))).every((p) => p.length >= 1), 60_000, 500);
    console.log(
      `# soak: ${NODES} nodes, ${minutes} min, ${tps} tx/s, a sample every ${sampleMs / 1000} s, a block every ~${BLOCK_EVERY_MS / 1000} s (node 0 mines; P2P relays)`,
    );
    const actors = nodes.map(() => Array.from({ length: 4 }, () => new Actor()));
    const counts = { submitted: 0, accepted: 0, rejected: 0, codes: new Map<string, number>() };
    const startedAt = Date.now();
    const samples: Sample[] = [];
    let nextSample = startedAt + sampleMs;
    let stop = false;
    const miningLoop = (async () => {
      while (!stop) {
        await mineOnce(nodes[0]!);
        await sleep(BLOCK_EVERY_MS);
      }
    })();
    const per = Math.max(1, Math.round(tps / NODES));
    while (Date.now() - startedAt < durationMs) {
      const roundStart = Date.now();
      await submitRound(nodes, actors, per, counts);
      if (Date.now() >= nextSample) {
        const s = await sample(nodes, startedAt, counts.accepted);
        samples.push(s);
        console.log(
          `# ${fmt(s.atMin)} min: height ${s.height}, accepted ${s.accepted}, RSS ${s.rssMiB.map((x) => fmt(x, 0)).join('/')} MiB, heap ${s.heapMiB.map((x) => fmt(x, 0)).join('/')} MiB, lag p99 ${s.lagP99Ms.map((x) => fmt(x)).join('/')} ms, fds ${s.fds.join('/')}, LevelDB ${s.dbBytes.map((x) => fmt(x / 1048576, 2)).join('/')} MiB, mempool ${s.mempool.join('/')}`,
        );
        nextSample += sampleMs;
      }
      await sleep(Math.max(0, 1000 - (Date.now() - roundStart)));
    }
    stop = true;
    await miningLoop;

    // Drain: mine until every mempool is empty, then every node must hold every accepted transaction.
    await waitFor(
      'the mempools to be mined empty',
      async () => {
        await mineOnce(nodes[0]!);
        const st = await Promise.all(nodes.map((n) => n.get<{ mempool: { count: number } }>('/status')));
        return st.every((x) => x.mempool.count === 0);
      },
      300_000,
      500,
    );
    const tip = await waitFor(
      'one tip everywhere',
      async () => {
        const st = await Promise.all(nodes.map((n) => n.status()));
        return st.every((x) => x.tip.hash === st[0]!.tip.hash) ? st[0] : undefined;
      },
      120_000,
      500,
    );
    let lost = 0;
    for (const n of nodes) {
      for (const a of actors.flat()) {
        const acc = await n.get<{ nextNonce: number }>(`/accounts/${toHex(publicKeyFromSecret(a.sk))}`);
        if (acc.nextNonce !== a.nonce) lost += Math.abs(a.nonce - acc.nextNonce);
      }
    }
    const minedTxs = actors.flat().reduce((s, a) => s + a.nonce, 0);

    // Bounds over the first and last thirds of the samples.
    const third = Math.max(1, Math.floor(samples.length / 3));
    const first = samples.slice(0, third);
    const last = samples.slice(-third);
    const middle = samples.slice(third, samples.length - third);
    const rssRatios = nodes.map((_, i) => mean(last.map((s) => s.rssMiB[i]!)) / mean(first.map((s) => s.rssMiB[i]!)));
    const rssPlateau = nodes.map((_, i) => mean(last.map((s) => s.rssMiB[i]!)) / mean((middle.length > 0 ? middle : first).map((s) => s.rssMiB[i]!)));
    const fdGrowth = nodes.map((_, i) => Math.max(...last.map((s) => s.fds[i]!)) - Math.max(...first.map((s) => s.fds[i]!)));
    const lagFirst = nodes.map((_, i) => mean(first.map((s) => s.lagP99Ms[i]!)));
    const lagLast = nodes.map((_, i) => mean(last.map((s) => s.lagP99Ms[i]!)));
    const finalDb = nodes.map((n) => dirBytes(join(n.options.datadir, 'chain')));
    const dbBound = DB_BYTES_PER_TX * minedTxs + DB_BASE_BYTES;
    const failures: string[] = [];
    rssRatios.forEach((r, i) => r > RSS_RATIO && failures.push(`node ${i}: RSS last/first third ${fmt(r, 2)} > ${RSS_RATIO}`));
    rssPlateau.forEach((r, i) => r > RSS_PLATEAU_RATIO && failures.push(`node ${i}: RSS last/middle third ${fmt(r, 2)} > ${RSS_PLATEAU_RATIO}`));
    fdGrowth.forEach((g, i) => g > FD_SLACK && failures.push(`node ${i}: open fds grew by ${g} > ${FD_SLACK}`));
    lagLast.forEach((l, i) => {
      if (!Number.isFinite(l)) failures.push(`node ${i}: no nodejs_eventloop_lag_p99_seconds in /metrics`);
      else if (l > LAG_RATIO * lagFirst[i]! + LAG_SLACK_MS)
        failures.push(`node ${i}: lag p99 ${fmt(l)} ms > ${LAG_RATIO} x ${fmt(lagFirst[i]!)} + ${LAG_SLACK_MS} ms`);
    });
    finalDb.forEach((b, i) => b > dbBound && failures.push(`node ${i}: LevelDB ${b} bytes > bound ${dbBound}`));
    if (lost !== 0) failures.push(`${lost} accepted transactions missing from some node's chain`);
    if (counts.rejected > MAX_REJECTED_SHARE * counts.submitted)
      failures.push(`${counts.rejected} of ${counts.submitted} submissions rejected: ${JSON.stringify([...counts.codes])}`);
    if (samples.length < 3) failures.push(`only ${samples.length} samples`);

    console.log(`\n# soak table (${new Date().toISOString().slice(0, 10)}; ${NODES} nodes; ${tps} tx/s; maxima/ranges across the nodes)\n${table(samples)}\n`);
    const R = (k: string, v: string | number): void => console.log(`RELIABILITY soak_${k} ${v}`);
    R('minutes', fmt((Date.now() - startedAt) / 60_000));
    R('samples', samples.length);
    R('tx_submitted', counts.submitted);
    R('tx_accepted', counts.accepted);
    R('tx_rejected', counts.rejected);
    R('tx_mined', minedTxs);
    R('tx_lost', lost);
    R('height', tip.height);
    R('rss_mib_max', fmt(Math.max(...samples.flatMap((s) => s.rssMiB)), 0));
    R('rss_ratio_max', fmt(Math.max(...rssRatios), 3));
    R('rss_plateau_ratio_max', fmt(Math.max(...rssPlateau), 3));
    R('fd_growth_max', Math.max(...fdGrowth));
    R('lag_p99_ms_first_third', fmt(Math.max(...lagFirst), 1));
    R('lag_p99_ms_last_third', fmt(Math.max(...lagLast), 1));
    R('leveldb_mib_max', fmt(Math.max(...finalDb) / 1048576, 2));
    R('leveldb_bytes_per_tx', minedTxs === 0 ? '-' : fmt(Math.max(...finalDb) / minedTxs, 0));
    R('bound_failures', failures.length);
    for (const f of failures) console.log(`# FAILED: ${f}`);
    ok = failures.length === 0;
  } finally {
    await stopAll(nodes);
    if (ok) await dir.cleanup();
    else console.log(`# node data and logs kept in ${dir.path}`);
  }
  return ok ? 0 : 1;
}

process.exitCode = await main().catch((err: unknown) => {
  console.error(err);
  return 1;
});
