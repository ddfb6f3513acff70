// Block connection throughput: fresh signed transactions from many actors, in full blocks, connected into an
// empty store with every signature checked (through the verification pool, and on one thread for comparison),
// plus the bytes the store uses on disk per transaction.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chain } from '../../src/chain/chain.js';
import { SignatureCache } from '../../src/chain/signature-cache.js';
import { consensusContext, nextBits } from '../../src/chain/validate.js';
import { solveBlockSync } from '../../src/chain/template.js';
import { chainId, genesisBlock, getNetwork, type NetworkParams } from '../../src/consensus/networks.js';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { VerifyPool } from '../../src/crypto/verify-pool.js';
import { Block } from '../../src/primitives/block.js';
import { BlockHeader } from '../../src/primitives/header.js';
import { Transaction, txSigningHash, type TxBody } from '../../src/primitives/transaction.js';
import { ChainStore } from '../../src/store/chain-store.js';
import { fastSigner } from './lib/fast-signer.js';

const BLOCKS = 50;
const TXS_PER_BLOCK = 2_000;
const ACTORS = 10_000;

/** Regtest with room for benchmark-sized blocks. */
export const BENCH_NET: NetworkParams = getNetwork('regtest');

/** A parent for header building: what ASERT and the time rule need. */
interface Tip {
  hash: Uint8Array;
  height: number;
  header: { time: number };
}

/**
 * Build and solve (regtest: ~2 hashes) a chain of blocks on `parent` without a node: ASERT bits and a time one
 * second after the parent, so the chain stays on schedule. `txsOf(i)` gives block i's encoded transactions.
 */
export function buildChain(params: NetworkParams, parent: Tip, count: number, txsOf: (i: number) => Transaction[], tag = 0): Block[] {
  const ctx = consensusContext(params, chainId(params));
  const out: Block[] = [];
  let p = parent;
  for (let i = 0; i < count; i++) {
    const txs = txsOf(i);
    const meta = { height: p.height + 1, extra: Uint8Array.of(tag, i >> 16, i >> 8, i & 0xff) };
    const draft = new Block(
      BlockHeader.from({ version: 1, prevHash: p.hash, merkleRoot: new Uint8Array(32), time: p.header.time + 1, bits: nextBits(ctx, p), nonce: 0 }),
      meta,
      txs,
    );
    const block = solveBlockSync(new Block(draft.header.with({ merkleRoot: draft.computeMerkleRoot() }), meta, txs), ctx.powLimit);
    out.push(block);
    p = { hash: block.hash, height: p.height + 1, header: block.header };
  }
  return out;
}

/** The genesis block of `params` as a build parent. */
export function genesisTip(params: NetworkParams): Tip {
  const g = genesisBlock(params);
  return { hash: g.hash, height: 0, header: g.header };
}

/** `count` signed metric transactions, nonce-major over `actors` keys (every actor's nonce 0, then 1, ...). */
export function signedMetrics(params: NetworkParams, count: number, actors: number, salt = 0): Transaction[] {
  const s = fastSigner();
  const chain = chainId(params);
  const keys = Array.from({ length: Math.min(actors, count) }, () => {
    const sk = generateSecretKey();
    return { sk, from: s.publicKey(sk) };
  });
  return Array.from({ length: count }, (_, n) => {
    const a = n % keys.length;
    const nonce = Math.floor(n / keys.length);
    const { sk, from } = keys[a]!;
    const body: TxBody = {
      v: 1,
      chain,
      from,
      nonce,
      time: 1_767_300_000_000 + n,
      kind: 'metric',
      subject: `container-${a % 5000}`,
      payload: { containerId: `container-${a % 5000}`, memoryMB: 256 + (n % 512), cpuUsage: (n % 100) / 100, timestamp: 1_767_300_000 + n, salt },
    };
    return Transaction.fromFields({ ...body, sig: s.sign(txSigningHash(body), sk) });
  });
}

/** Apparent size of every file under `dir` (the store after close). */
export async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(join(e.parentPath, e.name))).size;
  }
  return total;
}

/** Result of one timed connect run. */
interface ConnectRun {
  txPerSec: number;
  bytesPerTx: number;
  ms: number;
  /** CPU time of the whole process (main thread and verification workers) per transaction: load-independent. */
  cpuUsPerTx: number;
}

async function connectAll(raw: readonly Uint8Array[], txCount: number, pool: VerifyPool | undefined, pipelined = false): Promise<ConnectRun> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-connect-'));
  try {
    const store = await ChainStore.open({ path: dir, chainId: chainId(BENCH_NET) });
    const chain = await Chain.open({ params: BENCH_NET }, { store, verifyPool: pool, sigCache: new SignatureCache() });
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    // Pipelined: every block is handed over at once, as sync does with a download window, so signature checks of
    // queued blocks overlap with the connects ahead of them. Sequential: one block at a time.
    const results = pipelined ? await Promise.all(raw.map((bytes) => chain.processBlockBytes(bytes))) : [];
    if (!pipelined) for (const bytes of raw) results.push(await chain.processBlockBytes(bytes));
    for (const r of results) if (r.status !== 'connected') throw new Error(`block ${r.hash} was ${r.status}`);
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpu0);
    if (chain.height !== raw.length) throw new Error(`height ${chain.height}, expected ${raw.length}`);
    await store.close();
    return { txPerSec: (txCount / ms) * 1000, bytesPerTx: (await dirBytes(dir)) / txCount, ms, cpuUsPerTx: (cpu.user + cpu.system) / txCount };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs the benchmark and prints a table followed by `BENCH <metric> <value> <unit>` lines. */
export async function run(): Promise<void> {
  const total = BLOCKS * TXS_PER_BLOCK;
  const t0 = performance.now();
  const txs = signedMetrics(BENCH_NET, total, ACTORS);
  // Encoded once: each run decodes the bytes afresh (as from the network), so no txid, signing hash or signature
  // result is cached anywhere.
  const raw = buildChain(BENCH_NET, genesisTip(BENCH_NET), BLOCKS, (i) => txs.slice(i * TXS_PER_BLOCK, (i + 1) * TXS_PER_BLOCK)).map((b) => b.bytes);
  const blockKb = raw.reduce((n, b) => n + b.byteLength, 0) / raw.length / 1024;
  console.log(`prepared ${BLOCKS} blocks x ${TXS_PER_BLOCK} txs (${blockKb.toFixed(0)} KiB each) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const pool = new VerifyPool();
  // Start the workers (a signature outside the benchmark set), so thread start-up is not timed.
  const probe = signedMetrics(BENCH_NET, 1, 1, 1)[0]!;
  await pool.verifyBatch([{ sig: probe.fields.sig, msgHash: probe.sigHash, publicKey: probe.fields.from }]);
  const backend = pool.backend ?? 'unknown';
  const pooled = await connectAll(raw, total, pool);
  const piped = await connectAll(raw, total, pool, true);
  await pool.close();
  const single = await connectAll(raw, total, undefined);
  const row = (r: ConnectRun): string => `${Math.round(r.txPerSec)} tx/s, ${r.ms.toFixed(0)} ms, ${r.cpuUsPerTx.toFixed(0)} us CPU/tx`;
  console.log(`pool (${pool.threads} threads, ${backend} backend): ${row(pooled)}`);
  console.log(`pool, pipelined (as in sync):  ${row(piped)}`);
  console.log(`single thread:                ${row(single)}`);
  console.log(
    `store on disk: ${pooled.bytesPerTx.toFixed(0)} B/tx; ${os.availableParallelism()} CPUs, load average ${os.loadavg()[0]!.toFixed(1)} (wall-clock figures need an idle machine)`,
  );
  console.log(`BENCH chain.connect.tx_per_s ${Math.round(pooled.txPerSec)} tx/s`);
  console.log(`BENCH chain.connect.pipelined.tx_per_s ${Math.round(piped.txPerSec)} tx/s`);
  console.log(`BENCH chain.connect.single_thread.tx_per_s ${Math.round(single.txPerSec)} tx/s`);
  console.log(`BENCH chain.connect.cpu_per_tx ${pooled.cpuUsPerTx.toFixed(1)} us`);
  console.log(`BENCH chain.connect.bytes_per_tx ${Math.round(pooled.bytesPerTx)} B`);
}
