// Long initial sync (issue 12 fault 3): a fresh node syncs a 100,000-block regtest chain from one peer over loopback
// (real `chain-node start` processes), in blocks per second, and neither node may penalise the other. Blocks are
// small (no transactions), so the figure is about the protocol: headers paced to the peer's published limits, body
// batches, connects. The same-run baseline is how fast this machine connected the same blocks in one process while
// generating them (no network).
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBenchNode, stopBenchNode, type BenchNode } from './lib/node-process.js';
import { generateChain } from './sync.js';

const BLOCKS = 100_000;

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

// A port free right now (the machine is shared: a random one may be taken).
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function height(api: string): Promise<number> {
  return (JSON.parse(await get(`${api}/status`)) as { height: number }).height;
}

// Sum of a Prometheus counter over its labels, from the node's /metrics.
async function counter(api: string, name: string): Promise<number> {
  let sum = 0;
  for (const line of (await get(`${api}/metrics`)).split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** Runs the benchmark and prints `BENCH sync_long_blocks_per_s <n> blocks/s` and the penalty counts of both nodes. */
export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-sync-long-'));
  const procs: BenchNode[] = [];
  try {
    const t0 = performance.now();
    const tip = await generateChain({ datadir: join(dir, 'peer'), blocks: BLOCKS, txsPerBlock: 0 });
    const genSeconds = (performance.now() - t0) / 1000;
    console.log(`generated ${tip} blocks in ${genSeconds.toFixed(1)} s (${Math.round(tip / genSeconds)} blocks/s connected in one process, PoW included)`);
    const port = await freePort();
    const peer = await startBenchNode(join(dir, 'peer'), port, []);
    procs.push(peer);
    const fresh = await startBenchNode(join(dir, 'fresh'), await freePort(), [`127.0.0.1:${port}`]);
    procs.push(fresh);
    const apiUp = performance.now();
    let h = 0;
    let last = { at: apiUp, h: 0 };
    let nextLog = apiUp + 10_000;
    while (h < tip) {
      await new Promise((r) => setTimeout(r, 250));
      h = await height(fresh.api);
      const now = performance.now();
      if (h > last.h) last = { at: now, h };
      // A stall (no progress for a minute) is the fault this bench guards against.
      if (now - last.at > 60_000) throw new Error(`sync stalled at height ${h} of ${tip}`);
      if (now >= nextLog) {
        console.log(`  ${Math.round((now - apiUp) / 1000)} s: height ${h}`);
        nextLog += 10_000;
      }
    }
    const seconds = (performance.now() - apiUp) / 1000;
    const metric = 'chain_node_p2p_penalty_points_total';
    const retries = 'chain_node_p2p_rate_limit_retries_total';
    const [peerPenalties, freshPenalties, peerRetries, freshRetries] = await Promise.all([
      counter(peer.api, metric),
      counter(fresh.api, metric),
      counter(peer.api, retries),
      counter(fresh.api, retries),
    ]);
    console.log(
      `synced ${tip} blocks in ${seconds.toFixed(1)} s from the fresh node's API coming up; requests refused and retried: fresh ${freshRetries}, peer ${peerRetries}`,
    );
    console.log(`BENCH sync_long_blocks_per_s ${Math.round(tip / seconds)} blocks/s`);
    console.log(`BENCH sync_long_baseline_local_connect_per_s ${Math.round(tip / genSeconds)} blocks/s`);
    console.log(`BENCH sync_long_penalty_points_by_fresh_node ${freshPenalties} points`);
    console.log(`BENCH sync_long_penalty_points_by_serving_peer ${peerPenalties} points`);
    console.log(`BENCH sync_long_rate_limit_retries ${freshRetries + peerRetries} requests`);
    if (peerPenalties !== 0 || freshPenalties !== 0)
      throw new Error(`honest sync was penalised: peer gave ${peerPenalties} points, fresh node ${freshPenalties}`);
  } finally {
    await Promise.all(procs.map(stopBenchNode));
    agent.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}
