import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { type Chain } from '../chain/chain.js';
import { BlockError } from '../chain/errors.js';
import { assembleBlock } from '../chain/template.js';
import { compactToTarget } from '../consensus/compact.js';
import { Block } from '../primitives/block.js';
import { type Transaction } from '../primitives/transaction.js';
import { type MiningBackend } from './backend.js';
import { cborHeadSize } from '../primitives/cbor.js';

/** Options of the miner. */
export interface MinerOptions {
  /** Tag written into the meta `miner` field. */
  minerTag?: string;
  /** Most transactions per block. */
  maxBlockTxs?: number;
  /** Nonces per backend call: bounds how stale the hashrate and template can get. */
  sliceNonces?: number;
  /** Rebuild the template after this long so newly arrived transactions get in. */
  templateRefreshMs?: number;
  /** Minimum time between two mined blocks (throttle for tests and minimum-difficulty networks). */
  minIntervalMs?: number;
}

/** Default miner options. */
export const MINER_DEFAULTS: Required<MinerOptions> = {
  minerTag: 'chain-node',
  maxBlockTxs: 20_000,
  sliceNonces: 1 << 24,
  templateRefreshMs: 2_000,
  minIntervalMs: 0,
};

/** Source of transactions for templates (the mempool). */
export interface TemplateSource {
  buildTemplate(maxBytes: number): Transaction[];
}

/** Dependencies of the miner. */
export interface MinerDependencies {
  chain: Chain;
  mempool: TemplateSource;
  backend: MiningBackend;
  logger?: Logger;
  /** Clock in milliseconds. */
  now?: () => number;
}

/** Hashrate report. */
export interface HashrateEvent {
  backend: string;
  hashesPerSecond: number;
}

/** Events the miner emits. */
export interface MinerEvents {
  block: [Block];
  hashrate: [HashrateEvent];
  error: [Error];
}

/** Miner status for the API. */
export interface MinerStatus {
  enabled: boolean;
  backend: string;
  hashrate: number;
  blocksMined: number;
}

// Room left in a block for the header, meta and CBOR framing.
const BLOCK_OVERHEAD = 1024;

/**
 * Mines on the chain tip: builds a template from the mempool, searches nonces with the backend in slices, rolls
 * `extra` (and time) when the nonce space runs out, abandons the search within ~100 ms of a new tip, and submits
 * found blocks to the chain. Never stamps a block later than the local clock.
 */
export class Miner extends EventEmitter<MinerEvents> {
  readonly #opts: Required<MinerOptions>;
  readonly #deps: MinerDependencies;
  readonly #log: Logger | undefined;
  #running: Promise<void> | undefined;
  #stop: AbortController | undefined;
  #tipChange: AbortController | undefined;
  #hashrate = 0;
  #blocksMined = 0;
  #lastBlockAt = 0;
  readonly #onTip = (): void => this.#tipChange?.abort();

  constructor(options: MinerOptions, deps: MinerDependencies) {
    super();
    this.#opts = { ...MINER_DEFAULTS, ...options };
    this.#deps = deps;
    this.#log = deps.logger?.child({ module: 'miner' });
  }

  /** Whether the mining loop runs. */
  get enabled(): boolean {
    return this.#running !== undefined;
  }

  /** Current status. */
  status(): MinerStatus {
    return { enabled: this.enabled, backend: this.#deps.backend.name, hashrate: this.#hashrate, blocksMined: this.#blocksMined };
  }

  /** Start mining (no-op when running). */
  start(): void {
    if (this.#running !== undefined) return;
    this.#stop = new AbortController();
    this.#deps.chain.on('block:connected', this.#onTip);
    this.#log?.info({ backend: this.#deps.backend.name }, 'mining started');
    this.#running = this.#loop(this.#stop.signal).catch((err: unknown) => {
      this.#log?.error({ err }, 'mining loop failed');
      this.emit('error', err as Error);
    });
  }

  /** Stop mining and wait for the current search to end. */
  async stop(): Promise<void> {
    if (this.#running === undefined) return;
    this.#stop?.abort();
    this.#tipChange?.abort();
    await this.#running;
    this.#running = undefined;
    this.#deps.chain.off('block:connected', this.#onTip);
    this.#hashrate = 0;
    this.#log?.info('mining stopped');
  }

  #now(): number {
    return (this.#deps.now ?? Date.now)();
  }

  async #loop(stop: AbortSignal): Promise<void> {
    let extra = 0;
    while (!stop.aborted) {
      const wait = this.#lastBlockAt + this.#opts.minIntervalMs - this.#now();
      if (wait > 0) await sleep(Math.min(wait, 100), stop);
      if (wait > 0) continue;
      const { chain } = this.#deps;
      const parent = chain.tip;
      const nowSec = Math.floor(this.#now() / 1000);
      const txs = fitBlock(
        this.#deps.mempool.buildTemplate(chain.ctx.params.maxBlockBytes - BLOCK_OVERHEAD),
        chain.ctx.params.maxBlockBytes - BLOCK_OVERHEAD,
        this.#opts.maxBlockTxs,
      );
      const extraBytes = new Uint8Array(4);
      new DataView(extraBytes.buffer).setUint32(0, extra++ >>> 0, false);
      const template = assembleBlock(chain, { parent, txs, time: nowSec, miner: this.#opts.minerTag, extra: extraBytes });
      if (template.header.time > nowSec) {
        // Median time past is ahead of the clock (blocks came faster than one per second): wait rather than stamp the future.
        await sleep(100, stop);
        continue;
      }
      const found = await this.#search(template, stop);
      if (found === undefined) continue;
      try {
        await chain.processBlock(found);
        this.#blocksMined++;
        this.#lastBlockAt = this.#now();
        extra = 0;
        this.#log?.info({ height: found.meta.height, hash: found.header.hashHex, txs: found.txs.length }, 'mined block');
        this.emit('block', found);
      } catch (err) {
        if (!(err instanceof BlockError)) throw err;
        this.#log?.warn({ code: err.code }, 'mined block was rejected');
      }
    }
  }

  /** Search the whole nonce space of `template` in slices; undefined on a new tip, stop, or template refresh. */
  async #search(template: Block, stop: AbortSignal): Promise<Block | undefined> {
    const { backend, chain } = this.#deps;
    const target = compactToTarget(template.header.bits);
    const tipAtStart = chain.tip;
    const started = this.#now();
    this.#tipChange = new AbortController();
    const signal = AbortSignal.any([stop, this.#tipChange.signal]);
    for (let start = 0; start <= 0xffffffff; start += this.#opts.sliceNonces) {
      if (signal.aborted || chain.tip !== tipAtStart) return undefined;
      const count = Math.min(this.#opts.sliceNonces, 0x100000000 - start);
      const t0 = performance.now();
      const r = await backend.search(template.header.bytes, target, start, count, { signal });
      const dt = (performance.now() - t0) / 1000;
      if (dt > 0 && r.hashes > 0) {
        const rate = r.hashes / dt;
        this.#hashrate = this.#hashrate === 0 ? rate : this.#hashrate * 0.7 + rate * 0.3;
        this.emit('hashrate', { backend: backend.name, hashesPerSecond: this.#hashrate });
      }
      if (r.nonce !== null) return new Block(template.header.with({ nonce: r.nonce }), template.meta, template.txs);
      if (this.#now() - started > this.#opts.templateRefreshMs) return undefined;
    }
    return undefined;
  }
}

/**
 * The longest prefix of a template that fits the block: each transaction costs its size plus its CBOR byte-string
 * header in the block encoding. A prefix of the fair template keeps every actor's nonces consecutive.
 */
export function fitBlock(template: readonly Transaction[], budget: number, maxTxs: number): Transaction[] {
  const out: Transaction[] = [];
  let used = 0;
  for (const tx of template) {
    const cost = tx.size + cborHeadSize(tx.size);
    if (out.length >= maxTxs || used + cost > budget) break;
    used += cost;
    out.push(tx);
  }
  return out;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
