import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createApi } from './api/server.js';
import type { ApiContext, MiningControl, PeerControl } from './api/context.js';
import { Chain } from './chain/chain.js';
import { SignatureCache } from './chain/connect.js';
import { ChainNodeError } from './errors.js';
import type { NodeConfig } from './config/schema.js';
import { chainId, type NetworkParams } from './consensus/networks.js';
import { VerifyPool } from './crypto/verify-pool.js';
import { Mempool } from './mempool/mempool.js';
import { loadMempool, MEMPOOL_FILE, saveMempool } from './mempool/persist.js';
import { NodeMetrics } from './metrics/node-metrics.js';
import type { MiningBackend } from './mining/backend.js';
import { selectBackend, loadBackend, type LoadBackendDependencies } from './mining/loader.js';
import { Miner } from './mining/miner.js';
import { P2pNetwork } from './p2p/network.js';
import { type Finality } from './finality/finality.js';
import { registerFinalityMetrics } from './finality/metrics.js';
import { openFinality } from './finality/setup.js';
import { ChainStore } from './store/chain-store.js';

/** Options of a node process. */
export interface NodeOptions {
  config: NodeConfig;
  network: NetworkParams;
  version: string;
  /** stdout is a terminal (the bin layer passes process.stdout.isTTY): sync draws a progress bar. */
  isTTY?: boolean;
}

/** Dependencies of a node. */
export interface NodeDependencies {
  logger: Logger;
  now?: () => number;
  /** Mining backend loader overrides (tests). */
  mining?: LoadBackendDependencies;
}

/** File in the data directory holding the admin API token (mode 0600). */
export const COOKIE_FILE = 'api.cookie';

/**
 * A full node: store, chain, mempool, metrics, miner and HTTP API, started in dependency order and stopped in
 * reverse under one root AbortController.
 */
export class ChainNode {
  readonly options: NodeOptions;
  readonly #deps: NodeDependencies;
  readonly #log: Logger;
  readonly #abort = new AbortController();
  readonly #stops: Array<[string, () => Promise<void>]> = [];
  #chain: Chain | undefined;
  #finality: Finality | undefined;
  #mempool: Mempool | undefined;
  #miner: Miner | undefined;
  #backend: MiningBackend | undefined;
  #apiUrl = '';
  #metrics: NodeMetrics | undefined;
  #network: P2pNetwork | undefined;
  #stopping: Promise<void> | undefined;
  #failure: Error | undefined;

  constructor(options: NodeOptions, deps: NodeDependencies) {
    this.options = options;
    this.#deps = deps;
    this.#log = deps.logger.child({ module: 'node' });
  }

  /** Aborted when the node stops. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Why the node stopped itself (a failed database write), if it did. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** The HTTP API base URL ('' when the API is off). */
  get apiUrl(): string {
    return this.#apiUrl;
  }

  /** The chain (after start). */
  get chain(): Chain {
    if (this.#chain === undefined) throw new Error('node not started');
    return this.#chain;
  }

  /** The finality engine (after start). */
  get finality(): Finality {
    if (this.#finality === undefined) throw new Error('node not started');
    return this.#finality;
  }

  /** The mempool (after start). */
  get mempool(): Mempool {
    if (this.#mempool === undefined) throw new Error('node not started');
    return this.#mempool;
  }

  /** Start every component; on failure, stops what already started and rethrows. */
  async start(): Promise<void> {
    const { config, network } = this.options;
    const log = this.#deps.logger;
    try {
      await mkdir(config.datadir, { recursive: true });
      const id = chainId(network);
      const store = await ChainStore.open(
        { path: join(config.datadir, 'chain'), chainId: id, decode: { maxBlockBytes: network.maxBlockBytes, maxTxBytes: network.maxTxBytes } },
        {
          logger: log,
          onWriteFailure: (err) => {
            this.#failure ??= err;
            void this.stop();
          },
        },
      );
      this.#stops.push(['store', () => store.close()]);

      const pool = new VerifyPool({}, { logger: log });
      this.#stops.push(['verify pool', () => pool.close()]);

      // Shared by the chain and the network: sync and compact blocks verify signatures ahead of connecting.
      const sigCache = new SignatureCache();
      const chain = await Chain.open({ params: network }, { store, logger: log, verifyPool: pool, sigCache, now: this.#deps.now });
      this.#chain = chain;

      const finality = await openFinality(config.finality, { datadir: config.datadir, network, chain, logger: log, now: this.#deps.now, p2p: config.p2p.enabled });
      this.#finality = finality;
      chain.on('block:connected', () => finality.tipChanged());
      finality.tipChanged();
      // Side-branch blocks raise no chain event: a final checkpoint waiting for its branch is retried on a timer.
      const retryFinal = setInterval(() => finality.retryPending(), 2000);
      retryFinal.unref();
      this.#stops.push([
        'finality',
        async () => {
          clearInterval(retryFinal);
          await finality.idle();
        },
      ]);

      const mempool = new Mempool(
        { maxTxBytes: network.maxTxBytes, maxCount: config.mempool.maxCount, maxBytes: config.mempool.maxBytes },
        { chainId: id, nextNonce: (actor) => store.getNextNonce(actor), verifyPool: pool, logger: log, now: this.#deps.now },
      );
      this.#mempool = mempool;
      // Admission verified these signatures: block connects skip them instead of verifying every tx twice.
      mempool.on('tx:added', ({ txid }) => sigCache.add(txid));
      const metrics = new NodeMetrics({
        height: () => chain.height,
        tipTime: () => chain.tip.header.time,
        mempoolCount: () => mempool.size,
        mempoolBytes: () => mempool.bytes,
        hashrate: () => this.#miner?.status().hashrate ?? 0,
        peers: () => this.#network?.peerCount() ?? 0,
        mempoolTotals: () => {
          const st = mempool.stats();
          return { accepted: st.accepted, rejected: st.rejected };
        },
        now: this.#deps.now,
      });
      this.#metrics = metrics;
      registerFinalityMetrics(metrics.registry, finality, this.#deps.now);
      chain.on('block:connected', ({ block }) => {
        mempool.blockConnected(block.txs);
        metrics.blocksConnected.inc();
      });
      chain.on('block:disconnected', ({ block }) => {
        mempool.blockDisconnected(block.txs);
        metrics.blocksDisconnected.inc();
      });
      chain.on('reorg', () => metrics.reorgs.inc());
      chain.on('block:rejected', ({ error }) => metrics.blocksRejected.inc({ code: error.code }));
      const expiry = setInterval(() => mempool.expire(), 60_000);
      expiry.unref();
      // Pending transactions survive a restart: saved after the API and the miner stopped, re-added here.
      const poolFile = join(config.datadir, MEMPOOL_FILE);
      await loadMempool(mempool, poolFile, { maxTxBytes: network.maxTxBytes, logger: this.#log });
      this.#stops.push([
        'mempool',
        async () => {
          clearInterval(expiry);
          await chain.idle();
          const saved = await saveMempool(mempool, poolFile);
          if (saved > 0) this.#log.info({ count: saved, file: poolFile }, 'mempool saved');
        },
      ]);

      if (config.p2p.enabled) {
        const net = new P2pNetwork(
          { ...config.p2p, datadir: config.datadir },
          { chain, mempool, finality, logger: log, verifyPool: pool, sigCache, registry: metrics.registry, isTTY: this.options.isTTY, now: this.#deps.now },
        );
        this.#stops.push(['p2p', () => net.stop()]);
        await net.start();
        this.#network = net;
      }

      this.#stops.push(['miner', () => this.#stopMining()]);
      if (config.mining.enabled) await this.#startMining({});

      if (config.api.enabled) await this.#startApi();
      this.#log.info({ network: network.name, height: chain.height, tip: chain.tip.header.hashHex, datadir: config.datadir }, 'node started');
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async #startMining(opts: { threads?: number; backend?: string }): Promise<void> {
    const chain = this.chain;
    if (this.#miner?.enabled) return;
    const cfg = this.options.config.mining;
    const threads = opts.threads ?? (cfg.threads === 0 ? undefined : cfg.threads);
    const choice = opts.backend ?? cfg.backend;
    if (this.#backend === undefined || (opts.backend !== undefined && opts.backend !== this.#backend.name)) {
      await this.#backend?.close?.();
      if (choice === 'auto') {
        const sel = await selectBackend(threads === undefined ? {} : { threads }, this.#deps.mining);
        for (const s of sel.skipped) this.#log.info({ backend: s.name, code: s.code, reason: s.reason }, 'mining backend skipped');
        this.#backend = sel.backend;
      } else {
        this.#backend = await loadBackend(choice, threads === undefined ? {} : { threads }, this.#deps.mining);
      }
      this.#log.info({ backend: this.#backend.name }, 'mining backend selected');
    }
    const minIntervalMs = this.options.network.name === 'regtest' ? 1000 : 0;
    this.#miner = new Miner(
      { minerTag: cfg.minerTag, maxBlockTxs: cfg.maxBlockTxs, minIntervalMs },
      { chain, mempool: this.mempool, backend: this.#backend, logger: this.#deps.logger, now: this.#deps.now },
    );
    this.#miner.start();
  }

  async #stopMining(): Promise<void> {
    await this.#miner?.stop();
  }

  #miningControl(): MiningControl {
    return {
      status: () => {
        const s = this.#miner?.status();
        return { enabled: s?.enabled ?? false, backend: this.#backend?.name ?? null, hashrate: s?.hashrate ?? 0, threads: this.options.config.mining.threads, blocksMined: s?.blocksMined ?? 0 };
      },
      start: (opts) => this.#startMining(opts),
      stop: () => this.#stopMining(),
    };
  }

  #peerControl(): PeerControl {
    if (this.#network !== undefined) return this.#network.control();
    return {
      list: () => [],
      addresses: () => [],
      connect: async () => {
        throw new ChainNodeError('P2P_DISABLED', 'peer-to-peer networking is not available in this build');
      },
      disconnect: async () => undefined,
    };
  }

  async #startApi(): Promise<void> {
    const { config, network, version } = this.options;
    const token = randomBytes(32).toString('hex');
    await writeFile(join(config.datadir, COOKIE_FILE), token, { mode: 0o600 });
    const ctx: ApiContext = {
      chain: this.chain,
      finality: this.#finality,
      mempool: this.mempool,
      metrics: this.#metrics!,
      network,
      adminToken: token,
      version,
      startedAt: (this.#deps.now ?? Date.now)(),
      mining: this.#miningControl(),
      peers: this.#peerControl(),
      sync: () => this.#network?.syncState() ?? { progress: 1, syncing: false },
      shutdown: () => void this.stop(),
      url: () => this.#apiUrl,
      now: this.#deps.now,
    };
    const app = await createApi(
      { host: config.api.host, port: config.api.port, cors: config.api.cors, rateLimitPerMinute: config.api.rateLimitPerMinute, bodyLimitBytes: config.api.bodyLimitBytes },
      { ctx, logger: this.#deps.logger },
    );
    await app.listen({ host: config.api.host, port: config.api.port });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : config.api.port;
    const host = config.api.host.includes(':') ? `[${config.api.host}]` : config.api.host;
    this.#apiUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
    this.#stops.push(['api', () => app.close()]);
  }

  /** Stop everything in reverse start order (idempotent). */
  async stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#abort.abort();
      for (const [name, stop] of this.#stops.reverse()) {
        try {
          await stop();
        } catch (err) {
          this.#log.error({ err, component: name }, 'error while stopping');
        }
      }
      await this.#backend?.close?.();
      this.#log.info('node stopped');
    })();
    return this.#stopping;
  }
}
