// Gossip propagation latency on a 5-node loopback cluster: one node runs in this process (so blocks can be mined
// on demand instead of at the regtest miner's one-a-second pace), four are `chain-node start` processes. For each
// sample, the time from handing a new transaction to the origin's mempool (or connecting a newly mined block on
// the origin) until every other node has announced it on its SSE `/events` stream.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { assembleBlock, solveBlockSync } from '../../src/chain/template.js';
import type { NodeConfig } from '../../src/config/schema.js';
import { defaultConfig } from '../../src/config/resolve.js';
import { chainId, getNetwork } from '../../src/consensus/networks.js';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { ChainNode } from '../../src/node.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { startBenchNode, stopBenchNode, type BenchNode } from './lib/node-process.js';

const SAMPLES = 250;
const WARMUP = 20;
const OTHERS = 4;

// Arrival times of announced ids (txids, block hashes) per node, with waiters for "seen by all".
class Arrivals {
  readonly #seen = new Map<string, Set<number>>();
  readonly #last = new Map<string, number>();
  readonly #waiters = new Map<string, () => void>();

  constructor(readonly nodes: number) {}

  note(id: string, node: number): void {
    let s = this.#seen.get(id);
    if (s === undefined) this.#seen.set(id, (s = new Set()));
    s.add(node);
    this.#last.set(id, performance.now());
    if (s.size === this.nodes) this.#waiters.get(id)?.();
  }

  async all(id: string, timeoutMs: number): Promise<number> {
    if ((this.#seen.get(id)?.size ?? 0) < this.nodes) {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`${id} not seen by all nodes within ${timeoutMs} ms`)), timeoutMs);
        this.#waiters.set(id, () => {
          clearTimeout(t);
          resolve();
        });
      });
      this.#waiters.delete(id);
    }
    return this.#last.get(id)!;
  }
}

async function followEvents(api: string, node: number, arrivals: Arrivals, signal: AbortSignal): Promise<void> {
  const res = await fetch(`${api}/events?types=block,tx`, { signal });
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += dec.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (data === undefined) continue;
          const ev = JSON.parse(data.slice(6)) as { type: string; tx?: { txid: string }; block?: { hash: string } };
          if (ev.type === 'tx' && ev.tx !== undefined) arrivals.note(ev.tx.txid, node);
          if (ev.type === 'block' && ev.block !== undefined) arrivals.note(ev.block.hash, node);
        }
      }
    } catch {
      // aborted at the end
    }
  })();
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function report(name: string, samples: number[]): void {
  const s = [...samples].sort((a, b) => a - b);
  const f = (x: number): string => x.toFixed(1);
  console.log(`${name}: n=${s.length} p50 ${f(pct(s, 50))} ms, p95 ${f(pct(s, 95))} ms, p99 ${f(pct(s, 99))} ms, max ${f(s.at(-1)!)} ms`);
  console.log(`BENCH propagation.${name}.p50 ${f(pct(s, 50))} ms`);
  console.log(`BENCH propagation.${name}.p95 ${f(pct(s, 95))} ms`);
  console.log(`BENCH propagation.${name}.p99 ${f(pct(s, 99))} ms`);
}

/** Runs the benchmark and prints `BENCH propagation.{tx,block}.p{50,95,99} <ms> ms` lines. */
export async function run(): Promise<void> {
  const net = getNetwork('regtest');
  const id = chainId(net);
  const dir = await mkdtemp(join(tmpdir(), 'bench-propagation-'));
  const base = 30_000 + Math.floor(Math.random() * 20_000);
  const defaults = defaultConfig(net, join(dir, 'origin'));
  const config: NodeConfig = {
    ...defaults,
    api: { ...defaults.api, enabled: false, port: 0, explorer: false },
    p2p: {
      enabled: true,
      host: '127.0.0.1',
      port: base,
      bootstrap: [],
      mdns: false,
      announce: [],
      maxPeers: 50,
      maxInboundPerAddress: 8,
      loopbackLimits: false,
    },
    mining: { enabled: false, backend: 'auto', threads: 0, minerTag: 'bench', maxBlockTxs: 1_000 },
    log: { level: 'warn', file: '', pretty: 'never', statusInterval: 0 },
  };
  const origin = new ChainNode({ config, network: net, version: 'bench' }, { logger: pino({ level: 'warn' }) });
  const remotes: BenchNode[] = [];
  const abort = new AbortController();
  try {
    await origin.start();
    for (let i = 1; i <= OTHERS; i++) remotes.push(await startBenchNode(join(dir, `n${i}`), base + i, [`127.0.0.1:${base}`]));
    const arrivals = new Arrivals(OTHERS);
    await Promise.all(remotes.map((r, i) => followEvents(r.api, i, arrivals, abort.signal)));
    // Let every node connect and the gossip meshes form (a few heartbeats).
    for (let i = 0; i < 100; i++) {
      const peers = await Promise.all(remotes.map(async (r) => ((await (await fetch(`${r.api}/status`)).json()) as { peers: number }).peers));
      if (peers.every((p) => p >= 2)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 3_000));

    const newTx = (): Transaction =>
      Transaction.sign({ chain: id, nonce: 0, time: Date.now(), kind: 'metric', subject: 'bench', payload: { cpu: Math.random() } }, generateSecretKey());
    const txLat: number[] = [];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const tx = newTx();
      const t0 = performance.now();
      await origin.mempool.add(tx);
      const t1 = await arrivals.all(tx.txidHex, 10_000);
      if (i >= WARMUP) txLat.push(t1 - t0);
    }

    const chain = origin.chain;
    const blockLat: number[] = [];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      // Each block carries a few transactions the other nodes already hold (compact relay rebuilds from mempools).
      const fresh = Array.from({ length: 5 }, newTx);
      for (const tx of fresh) await origin.mempool.add(tx);
      await Promise.all(fresh.map((tx) => arrivals.all(tx.txidHex, 10_000)));
      const txs = origin.mempool.buildTemplate(1024 * 1024).slice(0, 10);
      const block = solveBlockSync(assembleBlock(chain, { parent: chain.tip, txs, time: Math.floor(Date.now() / 1000), miner: 'bench' }), chain.ctx.powLimit);
      const t0 = performance.now();
      await chain.processBlock(block);
      const t1 = await arrivals.all(block.header.hashHex, 10_000);
      if (i >= WARMUP) blockLat.push(t1 - t0);
    }
    console.log(`5 nodes on loopback (1 in-process origin + ${OTHERS} processes), ${SAMPLES} samples each after ${WARMUP} warm-up`);
    report('tx', txLat);
    report('block', blockLat);
  } finally {
    abort.abort();
    await Promise.all(remotes.map(stopBenchNode));
    await origin.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
