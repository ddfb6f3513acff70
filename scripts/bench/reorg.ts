// Duration of a 1,000-block reorganisation: two branches from genesis with transactions in every block; the
// first is connected, the second stored as a side branch until its last block makes it heavier. The timed part
// is that last processBlock: 1,000 disconnects (undo data read back) and 1,001 connects with signature checks.
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chain } from '../../src/chain/chain.js';
import { chainId } from '../../src/consensus/networks.js';
import { VerifyPool } from '../../src/crypto/verify-pool.js';
import { ChainStore } from '../../src/store/chain-store.js';
import { BENCH_NET, buildChain, genesisTip, signedMetrics } from './chain-connect.js';

const DEPTH = 1_000;
const TXS_PER_BLOCK = 10;
const ACTORS = 500;

/** Runs the benchmark and prints a summary followed by `BENCH <metric> <value> <unit>` lines. */
export async function run(): Promise<void> {
  const g = genesisTip(BENCH_NET);
  const mainTxs = signedMetrics(BENCH_NET, DEPTH * TXS_PER_BLOCK, ACTORS, 1);
  const altTxs = signedMetrics(BENCH_NET, (DEPTH + 1) * TXS_PER_BLOCK, ACTORS, 2);
  const slice = (txs: typeof mainTxs) => (i: number) => txs.slice(i * TXS_PER_BLOCK, (i + 1) * TXS_PER_BLOCK);
  const main = buildChain(BENCH_NET, g, DEPTH, slice(mainTxs), 1).map((b) => b.bytes);
  const alt = buildChain(BENCH_NET, g, DEPTH + 1, slice(altTxs), 2).map((b) => b.bytes);
  const dir = await mkdtemp(join(tmpdir(), 'bench-reorg-'));
  const pool = new VerifyPool();
  try {
    const store = await ChainStore.open({ path: dir, chainId: chainId(BENCH_NET) });
    const chain = await Chain.open({ params: BENCH_NET }, { store, verifyPool: pool });
    for (const b of main) await chain.processBlockBytes(b);
    // As headers-first sync delivers the heavier branch (requested): stored while still behind the tip.
    for (const b of alt.slice(0, DEPTH)) await chain.processBlockBytes(b, { requested: true });
    if (chain.height !== DEPTH) throw new Error(`height ${chain.height} before the reorg`);
    let disconnected = 0;
    chain.on('reorg', (e) => (disconnected = e.disconnected.length));
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    const r = await chain.processBlockBytes(alt[DEPTH]!, { requested: true });
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpu0);
    if (r.status !== 'connected' || disconnected !== DEPTH || chain.height !== DEPTH + 1) throw new Error('the reorg did not happen');
    await store.close();
    console.log(
      `reorg: ${DEPTH} blocks disconnected, ${DEPTH + 1} connected (${TXS_PER_BLOCK} txs each) in ${ms.toFixed(0)} ms (${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU; load average ${loadavg()[0]!.toFixed(1)})`,
    );
    console.log(`BENCH chain.reorg_1000.ms ${Math.round(ms)} ms`);
  } finally {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  }
}
