// Transaction ingest: a real regtest node process (mining on, ~1 block/s) fed by the load client, first at a
// fixed 5,000 tx/s (single POST /txs), then at saturation (POST /txs/batch). Reports accepted tx/s and
// per-request submission latency, and checks that every accepted transaction is in a block within three block
// intervals. Targets: >= 10,000 tx/s at saturation, p95 < 200 ms at 5,000 tx/s.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../../src/client/api-client.js';
import { runLoad, type LoadSummary } from '../../src/client/load.js';
import { fromHex } from '../../src/util/bytes.js';
import { spawnChainNode, stopChild } from './lib/node-process.js';

const FIXED_RATE = 5000;
const SECONDS = 10;
const BLOCK_INTERVAL_S = 1;
const SAT_BATCH = 1000;

async function startNode(datadir: string): Promise<{ proc: ChildProcess; url: string }> {
  const node = await spawnChainNode(['start', '--network', 'regtest', '--datadir', datadir, '--api-port', '0', '--no-p2p', '--log-level', 'warn'], {
    startTimeoutMs: 60_000,
    // The bench drives thousands of requests a second from one address: far past the default rate limit.
    env: { CHAIN_NODE_API_RATE_LIMIT: '100000000' },
  });
  return { proc: node.child, url: node.api };
}

/** Poll the chain until every txid is in a block; returns seconds after `since` when the last one was seen. */
async function waitIncluded(
  client: ApiClient,
  txids: string[],
  fromHeight: number,
  since: number,
  limitS: number,
): Promise<{ seconds: number | null; missing: number }> {
  const want = new Set(txids);
  let height = fromHeight;
  const deadline = since + limitS * 1000;
  for (;;) {
    const tip = (await client.status()).height;
    for (; height <= tip; height++) {
      for (const id of (await client.block(height)).txids ?? []) want.delete(id);
    }
    if (want.size === 0) return { seconds: (performance.now() - since) / 1000, missing: 0 };
    if (performance.now() > deadline) return { seconds: null, missing: want.size };
    await new Promise((r) => setTimeout(r, 100));
  }
}

function line(s: LoadSummary): string {
  const codes = Object.entries(s.rejectedByCode)
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
  return `  accepted ${s.accepted}/${s.sent} in ${s.durationSec} s = ${s.acceptedPerSec} tx/s; rejected ${s.rejected}${codes === '' ? '' : ` (${codes})`}; failed ${s.failed}; latency p50 ${s.latencyMs.p50} / p95 ${s.latencyMs.p95} / p99 ${s.latencyMs.p99} ms (${s.requests} requests)`;
}

async function phase(
  client: ApiClient,
  chainId: Uint8Array,
  name: string,
  opts: { rate?: number; batch: number; concurrency: number; count?: number },
): Promise<{ s: LoadSummary; inclusion: { seconds: number | null; missing: number }; catchUp: { seconds: number | null; missing: number } }> {
  const startHeight = (await client.status()).height + 1;
  console.log(`\n${name}: ${opts.rate === undefined ? 'saturation' : `${opts.rate} tx/s`}, batch ${opts.batch}, concurrency ${opts.concurrency}, ${SECONDS} s`);
  const loadClient = new ApiClient({ url: client.url, transport: 'node-http', maxSockets: opts.concurrency, timeoutMs: 60_000 });
  const s = await runLoad({
    client: loadClient,
    chainId,
    actors: 500,
    durationSec: SECONDS,
    keepAcked: true,
    ...opts,
    onSigned: (i) => console.log(`  pre-signed ${i.count} tx in ${i.seconds.toFixed(1)} s (${i.signer})`),
  });
  const end = performance.now();
  loadClient.close();
  console.log(line(s));
  const acked = s.acked ?? [];
  const inclusion = await waitIncluded(client, acked, startHeight, end, 3 * BLOCK_INTERVAL_S);
  // When the first check fails, keep polling a while to say how far behind the chain is.
  const catchUp = inclusion.missing === 0 ? inclusion : await waitIncluded(client, acked, startHeight, end, 60);
  console.log(
    inclusion.missing === 0
      ? `  all ${acked.length} accepted tx in blocks ${inclusion.seconds!.toFixed(1)} s after the last submission`
      : `  ${inclusion.missing} of ${acked.length} accepted tx NOT in a block within ${3 * BLOCK_INTERVAL_S} s; ${catchUp.missing === 0 ? `all in after ${catchUp.seconds!.toFixed(1)} s` : `${catchUp.missing} still missing after 60 s`}`,
  );
  return { s, inclusion, catchUp };
}

/** Runs the ingest benchmark and prints `BENCH ingest.*` lines. */
export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'chain-node-ingest-'));
  const { proc, url } = await startNode(join(dir, 'regtest'));
  try {
    const client = new ApiClient({ url, timeoutMs: 60_000 });
    const status = await client.status();
    const chainId = fromHex(status.chainId);
    console.log(`node ${url} (regtest, mining ${status.mining.enabled ? 'on' : 'off'})`);

    const fixed = await phase(client, chainId, 'fixed rate', { rate: FIXED_RATE, batch: 1, concurrency: 128 });
    const sat = await phase(client, chainId, 'saturation', { batch: SAT_BATCH, concurrency: 4, count: 200_000 });

    const inc = (r: { seconds: number | null; missing: number }): string => (r.missing === 0 ? r.seconds!.toFixed(1) : 'missed');
    console.log('');
    const fx = `${Math.round(fixed.s.acceptedPerSec)} tx/s achieved of ${FIXED_RATE}`;
    console.log(`BENCH ingest.accepted_at_5000 ${Math.round(fixed.s.acceptedPerSec)} tx/s`);
    console.log(`BENCH ingest.p50_at_5000 ${fixed.s.latencyMs.p50} ms (${fx})`);
    console.log(`BENCH ingest.p95_at_5000 ${fixed.s.latencyMs.p95} ms (${fx}; target < 200)`);
    console.log(`BENCH ingest.p99_at_5000 ${fixed.s.latencyMs.p99} ms (${fx})`);
    console.log(
      `BENCH ingest.inclusion_at_5000 ${inc(fixed.inclusion)} s (within ${3 * BLOCK_INTERVAL_S} s: ${fixed.inclusion.missing === 0 ? 'yes' : `no, ${fixed.inclusion.missing} missing; all in after ${inc(fixed.catchUp)} s`})`,
    );
    console.log(`BENCH ingest.saturation ${Math.round(sat.s.acceptedPerSec)} tx/s (target >= 10000)`);
    console.log(`BENCH ingest.saturation.p50 ${sat.s.latencyMs.p50} ms per ${SAT_BATCH}-tx batch`);
    console.log(`BENCH ingest.saturation.p95 ${sat.s.latencyMs.p95} ms per ${SAT_BATCH}-tx batch`);
    console.log(`BENCH ingest.saturation.p99 ${sat.s.latencyMs.p99} ms per ${SAT_BATCH}-tx batch`);
    console.log(
      `BENCH ingest.inclusion_at_saturation ${inc(sat.inclusion)} s (within ${3 * BLOCK_INTERVAL_S} s: ${sat.inclusion.missing === 0 ? 'yes' : `no, ${sat.inclusion.missing} missing; all in after ${inc(sat.catchUp)} s`})`,
    );
  } finally {
    await stopChild(proc, 30_000);
    rmSync(dir, { recursive: true, force: true });
  }
}
