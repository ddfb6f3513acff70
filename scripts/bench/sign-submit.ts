// Server-side signing (issue 15 item 8): actions/s through POST /actions (single) and POST /actions/batch with
// one node-held key, next to client-signed POST /txs and POST /txs/batch (pre-signed, one actor per client) in the
// same run against the same regtest node (mining on), with p95 latency; target: server-side >= 80 % of the
// client-signed rate. Then 100,000 requests for one key issued at once: acknowledged nonces must have no gap and
// no duplicate, and every acknowledged action must be mined exactly once. Each phase also prints the node's CPU
// per action (all its threads, from /proc). `--singles-only` (`--batches-only`) runs the single-request (batch) phases alone (a quick A/B
// while tuning); SIGN_SUBMIT_NODE_FLAGS adds V8 flags to the node (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`);
// SIGN_SUBMIT_THREADS=1 prints each phase's node CPU by thread name.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../../src/client/api-client.js';
import { summarizeLatencies } from '../../src/client/stats.js';
import { loadHashSigner, signActionFast } from '../../src/wallet/tx-signer.js';
import { generateSecretKey, publicKeyFromSecret } from '../../src/crypto/signature.js';
import { fromHex, toHex } from '../../src/util/bytes.js';
import { spawnChainNode, stopChild } from './lib/node-process.js';

const SINGLE = 19_200; // 64 clients x 2 halves x 150
const CONCURRENCY = 64;
const BATCH = 500;
// Multiples of 2 x the workers: each side runs in two equal halves.
const BATCHES = 192;
const BATCH_CONCURRENCY = 4;
const FLOOD = 100_000;

async function startNode(datadir: string): Promise<{ proc: ChildProcess; url: string }> {
  const node = await spawnChainNode(['start', '--network', 'regtest', '--datadir', datadir, '--api-port', '0', '--no-p2p', '--log-level', 'warn'], {
    nodeFlags: ['--max-semi-space-size=16', ...(process.env.SIGN_SUBMIT_NODE_FLAGS?.split(' ').filter((f) => f !== '') ?? [])],
    startTimeoutMs: 60_000,
    env: {
      CHAIN_NODE_API_RATE_LIMIT: '100000000',
      CHAIN_NODE_KEYS_PASSPHRASE: 'sign-submit bench',
      // One key sends 100,000 actions: the pool must hold them all for one actor.
      CHAIN_NODE_MEMPOOL_MAX_PER_ACTOR: '250000',
      CHAIN_NODE_MEMPOOL_MAX_COUNT: '400000',
      CHAIN_NODE_SIGN_MAX_QUEUE: '250000',
      CHAIN_NODE_SIGN_WAIT_MS: '120000',
      CHAIN_NODE_API_MAX_CONNECTIONS: '4096',
    },
  });
  return { proc: node.child, url: node.api };
}

interface PhaseResult {
  name: string;
  latencies: number[];
  actions: number;
  seconds: number;
  perSec: number;
  p50: number;
  p95: number;
  failed: Record<string, number>;
}

/** CPU seconds (user + system, all threads) the process `pid` has used so far, from /proc; NaN where there is none. */
function cpuSeconds(pid: number | undefined): number {
  try {
    // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name): utime and stime in clock ticks (100/s on Linux).
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

/** CPU ms of the process `pid` by thread name (main, workers, libuv pool, V8 helpers), from /proc. */
function threadCpu(pid: number | undefined): Map<string, number> {
  const out = new Map<string, number>();
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tasks) {
    try {
      const st = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      const name = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      out.set(`${t}:${name}`, (Number(f[11]) + Number(f[12])) * 10);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

/** Per thread name, the CPU ms spent between two {@link threadCpu} samples. */
function threadDelta(a: Map<string, number>, b: Map<string, number>): string {
  const by = new Map<string, number>();
  for (const [k, v] of b) {
    const name = k.slice(k.indexOf(':') + 1);
    by.set(name, (by.get(name) ?? 0) + v - (a.get(k) ?? 0));
  }
  return [...by]
    .filter(([, v]) => v > 0)
    .sort((x, y) => y[1] - x[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

let nodePid: number | undefined;

let drain: (() => Promise<void>) | undefined;

/**
 * `workers` sequential workers, each running `each` jobs; a job returns how many actions it carried. The phase
 * starts once the pool is empty: the node mines while it ingests, and a phase that began with the previous
 * phase's actions still to mine would pay for them (in A B B A order, the server-signed halves would pay for 3
 * of the 4 halves' mining).
 */
async function phase(name: string, workers: number, each: number, job: (worker: number, k: number) => Promise<number>): Promise<PhaseResult> {
  await drain?.();
  const lat: number[] = [];
  const failed: Record<string, number> = {};
  let actions = 0;
  const t0 = performance.now();
  const cpu0 = cpuSeconds(nodePid);
  const threads0 = process.env.SIGN_SUBMIT_THREADS === undefined ? undefined : threadCpu(nodePid);
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let k = 0; k < each; k++) {
        const s = performance.now();
        try {
          // Not `actions += await job()`: that reads `actions` before the await and loses concurrent updates.
          const n = await job(worker, k);
          actions += n;
        } catch (err) {
          const code = (err as { code?: string }).code ?? 'ERROR';
          failed[code] = (failed[code] ?? 0) + 1;
        }
        lat.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  // The node's CPU per action (all its threads): what the rate would be bounded by on a machine with no spare core.
  const cpuUs = ((cpuSeconds(nodePid) - cpu0) * 1e6) / Math.max(1, actions);
  if (threads0 !== undefined) console.log(`    node CPU ms by thread: ${threadDelta(threads0, threadCpu(nodePid))}`);
  const l = summarizeLatencies(Float64Array.from(lat).sort());
  const r = { name, latencies: lat, actions, seconds, perSec: actions / seconds, p50: l.p50, p95: l.p95, failed };
  console.log(
    `  ${name}: ${actions} actions in ${seconds.toFixed(2)} s = ${Math.round(r.perSec)}/s; latency p50 ${l.p50} / p95 ${l.p95} ms per request; node CPU ${Number.isNaN(cpuUs) ? '?' : Math.round(cpuUs)} us per action${Object.keys(failed).length > 0 ? `; failed ${JSON.stringify(failed)}` : ''}`,
  );
  return r;
}

/** Two runs of one phase as one: actions over seconds, percentiles over both runs' requests. */
function combine(a: PhaseResult, b: PhaseResult): PhaseResult {
  const latencies = [...a.latencies, ...b.latencies];
  const l = summarizeLatencies(Float64Array.from(latencies).sort());
  const failed = { ...a.failed };
  for (const [k, n] of Object.entries(b.failed)) failed[k] = (failed[k] ?? 0) + n;
  const actions = a.actions + b.actions;
  const seconds = a.seconds + b.seconds;
  return { name: a.name, latencies, actions, seconds, perSec: actions / seconds, p50: l.p50, p95: l.p95, failed };
}

/** BENCH lines of one client-signed / server-signed pair alone (the partial runs used while tuning). */
function printPair(what: 'single' | 'batch', client: PhaseResult, server: PhaseResult): void {
  console.log(`BENCH sign_submit.client_${what} ${Math.round(client.perSec)} tx/s (p95 ${client.p95} ms)`);
  console.log(
    `BENCH sign_submit.server_${what} ${Math.round(server.perSec)} actions/s (p95 ${server.p95} ms; ${Math.round((100 * server.perSec) / client.perSec)} % of client-signed)`,
  );
}

/** Pre-sign `count` actions for each of `actors` fresh actors (nonces from 0), as hex. */
function presign(chainId: Uint8Array, actors: number, count: number): string[][] {
  const signer = loadHashSigner();
  return Array.from({ length: actors }, () => {
    const sk = generateSecretKey();
    const pk = publicKeyFromSecret(sk);
    return Array.from({ length: count }, (_, n) =>
      toHex(signActionFast(sk, pk, { kind: 'bench.client', subject: 's', payload: { n } }, { chainId, nonce: n }, signer).bytes),
    );
  });
}

async function waitMined(client: ApiClient, actor: string, nonce: number, limitS: number): Promise<boolean> {
  const deadline = performance.now() + limitS * 1000;
  while (performance.now() < deadline) {
    const a = await client.request<{ nextNonce: number }>('GET', `/accounts/${actor}`);
    if (a.nextNonce >= nonce) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

/** Runs the sign-submit benchmark and prints `BENCH sign_submit.*` lines. */
export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'chain-node-sign-submit-'));
  const datadir = join(dir, 'regtest');
  const { proc, url } = await startNode(datadir);
  nodePid = proc.pid;
  try {
    const token = readFileSync(join(datadir, 'api.cookie'), 'utf8').trim();
    const client = new ApiClient({ url, token, transport: 'node-http', maxSockets: CONCURRENCY, timeoutMs: 180_000 });
    const status = await client.status();
    const chainId = fromHex(status.chainId);
    const key = await client.request<{ publicKey: string }>('POST', '/keys', { body: { name: 'bench' }, admin: true });
    drain = async (): Promise<void> => {
      const deadline = performance.now() + 120_000;
      while ((await client.mempool()).count > 0) {
        if (performance.now() > deadline) throw new Error('the pool did not empty within 120 s');
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    console.log(`node ${url} (regtest, mining ${status.mining.enabled ? 'on' : 'off'}), key 'bench' = ${key.publicKey}, signer ${loadHashSigner().name}`);

    // Client-signed: one actor per worker, each sending its own nonces in order.
    // Client- and server-signed phases alternate A B B A (each half the count), so load that drifts during the
    // run (this machine is shared) weighs on both sides alike.
    // The four requests compared: one pre-signed tx, one action the node signs, and a batch of each.
    const sendTx = async (tx: string): Promise<number> => {
      await client.request('POST', '/txs', { body: { tx } });
      return 1;
    };
    const sendAction = async (kind: string, n: number): Promise<number> => {
      await client.request('POST', '/actions', { body: { key: 'bench', kind, subject: 's', payload: { n } }, admin: true });
      return 1;
    };
    const sendTxBatch = async (txs: string[]): Promise<number> =>
      (await client.request<{ accepted: number }>('POST', '/txs/batch', { body: { txs } })).accepted;
    const sendActionBatch = async (kind: string, first: number): Promise<number> => {
      const actions = Array.from({ length: BATCH }, (_, n) => ({ kind, subject: 's', payload: { n: first + n } }));
      return (await client.request<{ accepted: number }>('POST', '/actions/batch', { body: { key: 'bench', actions }, admin: true })).accepted;
    };
    const each = SINGLE / CONCURRENCY;
    const half = each / 2;
    const singles = presign(chainId, CONCURRENCY, each);
    const clientSingleAt = (from: number): Promise<PhaseResult> =>
      phase('client-signed POST /txs', CONCURRENCY, half, (worker, k) => sendTx(singles[worker]![from + k]!));
    const serverSingleAt = (from: number): Promise<PhaseResult> =>
      phase('server-signed POST /actions', CONCURRENCY, half, (worker, k) => sendAction('bench.server', worker * each + from + k));
    const batchesOnly = process.argv.includes('--batches-only');
    // Both paths warmed up untimed first (JIT, pools, connections): the first timed phase pays no start-up cost.
    const WARM = 8;
    const warmTxs = presign(chainId, CONCURRENCY + BATCH_CONCURRENCY, Math.max(WARM, BATCH));
    console.log('  warm-up (untimed):');
    await phase('    client-signed POST /txs', CONCURRENCY, WARM, (worker, k) => sendTx(warmTxs[worker]![k]!));
    await phase('    server-signed POST /actions', CONCURRENCY, WARM, (worker, k) => sendAction('bench.warm', worker * WARM + k));
    await phase('    client-signed POST /txs/batch', BATCH_CONCURRENCY, 1, (worker) => sendTxBatch(warmTxs[CONCURRENCY + worker]!.slice(0, BATCH)));
    await phase('    server-signed POST /actions/batch', BATCH_CONCURRENCY, 1, (worker) => sendActionBatch('bench.warm', worker * BATCH));
    const cs1 = batchesOnly ? undefined : await clientSingleAt(0);
    const ss1 = batchesOnly ? undefined : await serverSingleAt(0);
    const ss2 = batchesOnly ? undefined : await serverSingleAt(half);
    const cs2 = batchesOnly ? undefined : await clientSingleAt(half);
    const clientSingle = cs1 === undefined || cs2 === undefined ? undefined : combine(cs1, cs2);
    const serverSingle = ss1 === undefined || ss2 === undefined ? undefined : combine(ss1, ss2);
    if (process.argv.includes('--singles-only') && clientSingle !== undefined && serverSingle !== undefined) {
      // A quick look at the singles alone (profiling, A/B while tuning); the full run is the one to report.
      printPair('single', clientSingle, serverSingle);
      client.close();
      return;
    }
    const batchEach = BATCHES / BATCH_CONCURRENCY;
    const batchHalf = batchEach / 2;
    const batches = presign(chainId, BATCHES, BATCH);
    const clientBatchAt = (from: number): Promise<PhaseResult> =>
      phase(`client-signed POST /txs/batch (${BATCH} per request)`, BATCH_CONCURRENCY, batchHalf, (worker, k) =>
        sendTxBatch(batches[worker * batchEach + from + k]!),
      );
    const serverBatchAt = (from: number): Promise<PhaseResult> =>
      phase(`server-signed POST /actions/batch (${BATCH} per request)`, BATCH_CONCURRENCY, batchHalf, (worker, k) =>
        sendActionBatch('bench.server', (worker * batchEach + from + k) * BATCH),
      );
    const cb1 = await clientBatchAt(0);
    const sb1 = await serverBatchAt(0);
    const sb2 = await serverBatchAt(batchHalf);
    const cb2 = await clientBatchAt(batchHalf);
    const clientBatch = combine(cb1, cb2);
    const serverBatch = combine(sb1, sb2);
    if (clientSingle === undefined || serverSingle === undefined) {
      // --batches-only: the batch phases alone (profiling, A/B while tuning); the full run is the one to report.
      printPair('batch', clientBatch, serverBatch);
      client.close();
      return;
    }

    // 100,000 requests for one key, all issued at once (the client queues them on 256 connections).
    const floodClient = new ApiClient({ url, token, transport: 'node-http', maxSockets: 256, timeoutMs: 600_000 });
    const start = (await client.request<{ pendingNonce: number }>('GET', `/accounts/${key.publicKey}`)).pendingNonce;
    const t0 = performance.now();
    const acks = await Promise.all(
      Array.from({ length: FLOOD }, (_, i) =>
        floodClient
          .request<{ txid: string; nonce: number }>('POST', '/actions', {
            body: { key: 'bench', kind: 'bench.flood', subject: 's', payload: { i } },
            admin: true,
          })
          .catch((err: unknown) => ({ error: (err as { code?: string }).code ?? 'ERROR' })),
      ),
    );
    const floodS = (performance.now() - t0) / 1000;
    floodClient.close();
    const ok = acks.filter((a): a is { txid: string; nonce: number } => 'nonce' in a);
    const nonces = ok.map((a) => a.nonce).sort((a, b) => a - b);
    const dups = nonces.length - new Set(nonces).size;
    let gaps = 0;
    for (let i = 1; i < nonces.length; i++) if (nonces[i]! - nonces[i - 1]! > 1) gaps++;
    const contiguous = nonces.length > 0 && nonces[0] === start && nonces[nonces.length - 1] === start + nonces.length - 1;
    console.log(
      `  flood: ${ok.length}/${FLOOD} acknowledged in ${floodS.toFixed(1)} s (${Math.round(ok.length / floodS)}/s), nonces ${nonces[0]}..${nonces[nonces.length - 1]}, ${dups} duplicate(s), ${gaps} gap(s)`,
    );
    const end = start + ok.length;
    const mined = await waitMined(client, key.publicKey, end, 300);
    // Every acknowledged txid is mined at the nonce it was given: compare the actor's mined actions page by page.
    const byNonce = new Map(ok.map((a) => [a.nonce, a.txid]));
    let checked = 0;
    let mismatched = 0;
    let cursor: string | undefined;
    if (mined) {
      do {
        const page = await client.request<{ items: Array<{ txid: string; tx: { nonce: number } }>; nextCursor?: string }>(
          'GET',
          `/accounts/${key.publicKey}/actions`,
          { query: { limit: 1000, cursor } },
        );
        for (const it of page.items) {
          const want = byNonce.get(it.tx.nonce);
          if (want === undefined) continue;
          checked++;
          if (want !== it.txid) mismatched++;
        }
        cursor = page.nextCursor;
      } while (cursor !== undefined);
    }
    console.log(
      `  flood: ${mined ? `all mined; ${checked} acknowledged actions found on chain, ${mismatched} at another txid` : 'NOT all mined within 300 s'}`,
    );
    client.close();

    const failures = [clientSingle, serverSingle, clientBatch, serverBatch].reduce((n, r) => n + Object.values(r.failed).reduce((x, y) => x + y, 0), 0);
    if (failures > 0) console.log(`BENCH sign_submit.failed_requests ${failures} count (the rates below are not comparable)`);
    const pct = (a: PhaseResult, b: PhaseResult): string => `${Math.round((100 * a.perSec) / b.perSec)} %`;
    console.log('');
    console.log(`BENCH sign_submit.client_single ${Math.round(clientSingle.perSec)} tx/s (POST /txs, ${CONCURRENCY} clients, p95 ${clientSingle.p95} ms)`);
    console.log(
      `BENCH sign_submit.server_single ${Math.round(serverSingle.perSec)} actions/s (POST /actions, one key, ${CONCURRENCY} clients, p95 ${serverSingle.p95} ms; ${pct(serverSingle, clientSingle)} of client-signed, target >= 80 %)`,
    );
    console.log(`BENCH sign_submit.server_single.p95 ${serverSingle.p95} ms`);
    console.log(`BENCH sign_submit.client_batch ${Math.round(clientBatch.perSec)} tx/s (POST /txs/batch of ${BATCH}, p95 ${clientBatch.p95} ms)`);
    console.log(
      `BENCH sign_submit.server_batch ${Math.round(serverBatch.perSec)} actions/s (POST /actions/batch of ${BATCH}, one key, p95 ${serverBatch.p95} ms; ${pct(serverBatch, clientBatch)} of client-signed, target >= 80 %)`,
    );
    console.log(`BENCH sign_submit.server_batch.p95 ${serverBatch.p95} ms`);
    console.log(`BENCH sign_submit.flood_acknowledged ${ok.length} actions (of ${FLOOD} concurrent requests for one key, ${Math.round(ok.length / floodS)}/s)`);
    console.log(`BENCH sign_submit.flood_nonce_gaps ${gaps} count (duplicates ${dups}; contiguous from ${start}: ${contiguous ? 'yes' : 'no'})`);
    console.log(
      `BENCH sign_submit.flood_mined_once ${mined && mismatched === 0 && checked === ok.length ? 'yes' : 'no'} (${checked} checked on chain, ${mismatched} mismatched)`,
    );
  } finally {
    await stopChild(proc, 30_000);
    rmSync(dir, { recursive: true, force: true });
  }
}
