// Finality (SPEC 12): (1) what the header log costs block connects, with and without it in the same run
// (alternating, medians); (2) on a 3-node devnet cluster where every node is a witness (majority 2 of 3), the
// time from submitting a transaction until a final checkpoint covers its block, p50/p95 over 50 transactions.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chain } from '../../src/chain/chain.js';
import { SignatureCache } from '../../src/chain/signature-cache.js';
import { clusterDown, clusterUp } from '../../src/cluster/process-cluster.js';
import { chainId, getNetwork } from '../../src/consensus/networks.js';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { VerifyPool } from '../../src/crypto/verify-pool.js';
import { packageRoot } from '../../src/package-root.js';
import { toHex } from '../../src/util/bytes.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { ChainStore } from '../../src/store/chain-store.js';
import { BENCH_NET, buildChain, genesisTip, signedMetrics } from './chain-connect.js';

const BLOCKS = 20;
const TXS_PER_BLOCK = 1_000;
const EMPTY_BLOCKS = 2_000;
const ROUNDS = 3;
const FINALITY_TXS = 50;

interface Run {
  ms: number;
  /** CPU time of the whole process (main thread and verification workers): less sensitive to a busy machine. */
  cpuUs: number;
}

async function connect(raw: readonly Uint8Array[], headerLog: boolean, pool: VerifyPool | undefined): Promise<Run> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-finality-'));
  try {
    const store = await ChainStore.open({ path: dir, chainId: chainId(BENCH_NET) });
    const chain = await Chain.open({ params: BENCH_NET, headerLog }, { store, verifyPool: pool, sigCache: new SignatureCache() });
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    for (const bytes of raw) await chain.processBlockBytes(bytes);
    await store.flush();
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpu0);
    if (chain.height !== raw.length) throw new Error(`height ${chain.height}, expected ${raw.length}`);
    await store.close();
    return { ms, cpuUs: cpu.user + cpu.system };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

async function logCost(): Promise<void> {
  const txs = signedMetrics(BENCH_NET, BLOCKS * TXS_PER_BLOCK, 5_000);
  const full = buildChain(BENCH_NET, genesisTip(BENCH_NET), BLOCKS, (i) => txs.slice(i * TXS_PER_BLOCK, (i + 1) * TXS_PER_BLOCK)).map((b) => b.bytes);
  const empty = buildChain(BENCH_NET, genesisTip(BENCH_NET), EMPTY_BLOCKS, () => [], 9).map((b) => b.bytes);
  const pool = new VerifyPool();
  const probe = signedMetrics(BENCH_NET, 1, 1, 1)[0]!;
  await pool.verifyBatch([{ sig: probe.fields.sig, msgHash: probe.sigHash, publicKey: probe.fields.from }]);
  const withLog: Run[] = [];
  const without: Run[] = [];
  const emptyWith: Run[] = [];
  const emptyWithout: Run[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    without.push(await connect(full, false, pool));
    withLog.push(await connect(full, true, pool));
    emptyWithout.push(await connect(empty, false, pool));
    emptyWith.push(await connect(empty, true, pool));
  }
  await pool.close();
  const tps = (ms: number): number => (BLOCKS * TXS_PER_BLOCK * 1000) / ms;
  const bps = (ms: number): number => (EMPTY_BLOCKS * 1000) / ms;
  const ms = (rs: Run[]): number[] => rs.map((r) => r.ms);
  const cpu = (rs: Run[], per: number): number => median(rs.map((r) => r.cpuUs)) / per;
  const a = tps(median(ms(withLog)));
  const b = tps(median(ms(without)));
  const ea = bps(median(ms(emptyWith)));
  const eb = bps(median(ms(emptyWithout)));
  const txCount = BLOCKS * TXS_PER_BLOCK;
  const ca = cpu(withLog, txCount);
  const cb = cpu(without, txCount);
  const eca = cpu(emptyWith, EMPTY_BLOCKS);
  const ecb = cpu(emptyWithout, EMPTY_BLOCKS);
  console.log(
    `CPU per tx: with log ${ca.toFixed(1)} us, without ${cb.toFixed(1)} us; CPU per empty block: with ${eca.toFixed(0)} us, without ${ecb.toFixed(0)} us`,
  );
  console.log(`BENCH chain.connect.cpu_per_tx.with_log ${ca.toFixed(1)} us`);
  console.log(`BENCH chain.connect.cpu_per_tx.without_log ${cb.toFixed(1)} us`);
  console.log(`BENCH chain.connect.log_cpu_overhead ${(((ca - cb) / cb) * 100).toFixed(1)} %`);
  console.log(`BENCH chain.connect.empty.cpu_per_block.with_log ${eca.toFixed(0)} us`);
  console.log(`BENCH chain.connect.empty.cpu_per_block.without_log ${ecb.toFixed(0)} us`);
  console.log(
    `chain-connect ${BLOCKS} x ${TXS_PER_BLOCK} txs, median of ${ROUNDS} alternating runs: with log ${Math.round(a)} tx/s, without ${Math.round(b)} tx/s`,
  );
  console.log(`empty blocks (${EMPTY_BLOCKS}): with log ${Math.round(ea)} blocks/s, without ${Math.round(eb)} blocks/s`);
  console.log(`BENCH chain.connect.with_log.tx_per_s ${Math.round(a)} tx/s`);
  console.log(`BENCH chain.connect.without_log.tx_per_s ${Math.round(b)} tx/s`);
  console.log(`BENCH chain.connect.log_overhead ${(((b - a) / b) * 100).toFixed(1)} %`);
  console.log(`BENCH chain.connect.empty.with_log.blocks_per_s ${Math.round(ea)} blocks/s`);
  console.log(`BENCH chain.connect.empty.without_log.blocks_per_s ${Math.round(eb)} blocks/s`);
  console.log(`BENCH chain.connect.empty.log_overhead ${(((eb - ea) / eb) * 100).toFixed(1)} %`);
}

async function finalityLatency(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-finality-cluster-'));
  const base = 33000 + Math.floor(Math.random() * 1000) * 3;
  const state = await clusterUp(
    3,
    { dir, network: 'devnet', p2pBase: base, apiBase: base + 5000, miners: [0], extraArgs: [] },
    { nodePath: process.execPath, binPath: join(packageRoot(), 'bin', 'chain-node') },
  );
  try {
    const api = state.nodes.map((n) => n.api);
    const get = async (url: string): Promise<Record<string, unknown> | undefined> => {
      try {
        const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
        return r.ok ? ((await r.json()) as Record<string, unknown>) : undefined;
      } catch {
        return undefined;
      }
    };
    // Wait until every node is up, connected and the cluster has a final checkpoint.
    const t0 = Date.now();
    for (;;) {
      const st = await Promise.all(api.map((u) => get(`${u}/status`)));
      if (st.every((s) => s !== undefined && (s.peers as number) >= 1 && (s.finality as { final: unknown }).final !== null)) break;
      if (Date.now() - t0 > 180_000) throw new Error('cluster did not reach finality within 180 s');
      await new Promise((r) => setTimeout(r, 500));
    }
    const chain = chainId(getNetwork('devnet'));
    const h0 = (await get(`${api[0]}/status`))!.height as number;
    const tStart = performance.now();
    const latencies: number[] = [];
    const waits: Promise<void>[] = [];
    for (let i = 0; i < FINALITY_TXS; i++) {
      const tx = Transaction.sign({ chain, nonce: 0, time: Date.now(), kind: 'audit.login', subject: `bench-${i}`, payload: { i } }, generateSecretKey());
      const submitted = performance.now();
      const res = await fetch(`${api[1]}/txs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tx: toHex(tx.bytes) }),
      });
      if (res.status !== 202) throw new Error(`submit failed: ${res.status} ${await res.text()}`);
      waits.push(
        (async () => {
          for (;;) {
            const p = await get(`${api[2]}/txs/${tx.txidHex}/proof`);
            if (p?.version === 2) break;
            if (performance.now() - submitted > 120_000) throw new Error(`tx ${i} not final within 120 s`);
            await new Promise((r) => setTimeout(r, 50));
          }
          latencies.push((performance.now() - submitted) / 1000);
        })(),
      );
      await new Promise((r) => setTimeout(r, 250));
    }
    await Promise.all(waits);
    const blocks = ((await get(`${api[0]}/status`))!.height as number) - h0;
    const interval = (performance.now() - tStart) / 1000 / Math.max(1, blocks);
    // Finality depth 1 on devnet: a transaction waits for its block and one more, so the figure tracks the block
    // interval the miner achieves on this machine (devnet targets 2 s).
    console.log(`blocks during the run: ${blocks}, mean interval ${interval.toFixed(2)} s`);
    console.log(`BENCH finality.block_interval ${interval.toFixed(2)} s`);
    console.log(
      `finality on a 3-witness devnet cluster (1 miner), submit -> final, ${latencies.length} txs: p50 ${pct(latencies, 50).toFixed(2)} s, p95 ${pct(latencies, 95).toFixed(2)} s, max ${Math.max(...latencies).toFixed(2)} s`,
    );
    console.log(`BENCH finality.p50 ${pct(latencies, 50).toFixed(2)} s`);
    console.log(`BENCH finality.p95 ${pct(latencies, 95).toFixed(2)} s`);
  } finally {
    await clusterDown(dir, { purge: true }).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs both parts and prints `BENCH <metric> <value> <unit>` lines. */
export async function run(): Promise<void> {
  await logCost();
  await finalityLatency();
}
