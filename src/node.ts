import { randomBytes } from 'node:crypto';
import type { Server as HttpsServer } from 'node:https';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { announcedHosts } from './api/host-check.js';
import { openApiSecurity } from './api/security-setup.js';
import { reloadTls } from './api/tls.js';
import { TOKENS_FILE } from './auth/token-store.js';
import { HookStore } from './webhooks/hook-store.js';
import { registerWebhookMetrics } from './webhooks/metrics.js';
import { WebhookService } from './webhooks/webhook-service.js';
import { webhookRoutes } from './webhooks/routes.js';
import type { ApiContext, MiningControl, PeerControl } from './api/context.js';
import { Chain } from './chain/chain.js';
import { SignatureCache } from './chain/signature-cache.js';
import { ChainNodeError } from './errors.js';
import type { NodeConfig } from './config/schema.js';
import { chainId, type NetworkParams } from './consensus/networks.js';
import { VerifyPool } from './crypto/verify-pool.js';
import { KindPolicy } from './kinds/policy.js';
import { KindRegistry, loadKindFiles } from './kinds/registry.js';
import { ActionSigner } from './keys/action-signer.js';
import { NodeKeys } from './keys/node-keys.js';
import { Mempool } from './mempool/mempool.js';
import { loadMempool, MEMPOOL_FILE, MempoolSaver } from './mempool/persist.js';
import { NodeMetrics } from './metrics/node-metrics.js';
import type { MiningBackend } from './mining/backend.js';
import { fileCalibrationStore, parseCpuFeatures } from './mining/cpu-calibration.js';
import { selectBackend, loadBackend, parseCpuImpl, type LoadBackendDependencies, type LoadBackendOptions } from './mining/loader.js';
import { formatHashrate } from './mining/format.js';
import { NativeCpuBackend } from './mining/native-cpu-backend.js';
import { Miner } from './mining/miner.js';
import { SyncProgressBar } from './notify/sync-bar.js';
import type { P2pNetwork } from './p2p/network.js';
import { PEER_KEY_FILE, PEERS_FILE } from './p2p/file-names.js';
import { ensurePrivateDir, restrictFiles, writePrivateFile } from './private-files.js';
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
  /** Passphrase of the node-held keys (bin/ reads it from keys.passphraseFile or the environment); none: locked. */
  keyPassphrase?: string;
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
/** Webhook database directory in the datadir (hooks, pending deliveries, logs). */
export const WEBHOOKS_DIR = 'webhooks';

/** File in the data directory keeping the CPU mining calibration per CPU model and addon build. */
export const CPU_CALIBRATION_FILE = 'cpu-calibration.json';

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
  #kinds: KindRegistry | undefined;
  #miner: Miner | undefined;
  /** Blocks mined by earlier Miner instances (mining stop/start makes a new one): the counter is per process. */
  #blocksMinedBefore = 0;
  #backend: MiningBackend | undefined;
  #backendLoading: Promise<void> | undefined;
  #apiUrl = '';
  #metrics: NodeMetrics | undefined;
  #network: P2pNetwork | undefined;
  #stopping: Promise<void> | undefined;
  #saver: MempoolSaver | undefined;
  #api: FastifyInstance | undefined;
  #webhooks: WebhookService | undefined;
  #failure: Error | undefined;
  #reloadTlsFiles: (() => void) | undefined;
  #apiModule: Promise<typeof import('./api/server.js')> | undefined;
  #keys: NodeKeys | undefined;
  #signer: ActionSigner | undefined;

  constructor(options: NodeOptions, deps: NodeDependencies) {
    this.options = options;
    this.#deps = deps;
    this.#log = deps.logger.child({ module: 'node' });
  }

  /** Aborted when the node stops. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Why the node stopped itself (a failed database write, a failed miner), if it did. */
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

  /**
   * For a forced exit, whatever state the stop is in: cut every API connection first (so no transaction is
   * acknowledged after the snapshot), then save the mempool; resolves the count written (0 before it exists).
   */
  async forceSaveMempool(): Promise<number> {
    this.#api?.server.closeAllConnections();
    return this.#saver === undefined ? 0 : this.#saver.save();
  }

  /** Start every component; on failure, stops what already started and rethrows. */
  async start(): Promise<void> {
    const { config, network } = this.options;
    const log = this.#deps.logger;
    try {
      // The datadir holds the admin token and the node's key: 0700, its files 0600, even when made by older versions.
      await ensurePrivateDir(config.datadir);
      await restrictFiles([COOKIE_FILE, PEERS_FILE, PEER_KEY_FILE, MEMPOOL_FILE, TOKENS_FILE].map((f) => join(config.datadir, f)));
      // The HTTP stack (fastify and its plugins, the largest part of module loading) loads while the store opens
      // on libuv's threads; a --no-api node never loads it.
      if (config.api.enabled) {
        this.#apiModule = import('./api/server.js');
        this.#apiModule.catch(() => undefined);
      }
      const id = chainId(network);
      const store = await ChainStore.open(
        {
          path: join(config.datadir, 'chain'),
          chainId: id,
          decode: { maxBlockBytes: network.maxBlockBytes, maxTxBytes: network.maxTxBytes },
          query: { aggregateKinds: config.query.aggregateKinds },
        },
        {
          logger: log,
          onWriteFailure: (err) => this.#fatal('store', err),
        },
      );
      this.#stops.push(['store', () => store.close()]);

      const pool = new VerifyPool({}, { logger: log });
      this.#stops.push(['verify pool', () => pool.close()]);

      // Shared by the chain and the network: sync and compact blocks verify signatures ahead of connecting.
      const sigCache = new SignatureCache();
      const chain = await Chain.open({ params: network }, { store, logger: log, verifyPool: pool, sigCache, now: this.#deps.now });
      this.#chain = chain;

      const finality = await openFinality(config.finality, {
        datadir: config.datadir,
        network,
        chain,
        logger: log,
        now: this.#deps.now,
        p2p: config.p2p.enabled,
      });
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

      const kinds = new KindRegistry(loadKindFiles(config.kinds.schemaFiles));
      this.#kinds = kinds;
      const policy = new KindPolicy({ enforceGossip: config.kinds.enforceGossip }, { registry: kinds });
      const mempool = new Mempool(
        { maxTxBytes: network.maxTxBytes, maxCount: config.mempool.maxCount, maxBytes: config.mempool.maxBytes, maxPerActor: config.mempool.maxPerActor },
        { chainId: id, nextNonce: (actor) => store.getNextNonce(actor), verifyPool: pool, logger: log, now: this.#deps.now, policy },
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
        cpuPaths: () => {
          const cal = this.#backend instanceof NativeCpuBackend ? this.#backend.calibration : undefined;
          return { chosen: this.#cpuPath(), figures: cal?.paths ?? [] };
        },
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
      // Pending transactions survive a restart: saved every mempool.saveIntervalMs (the most a kill -9 loses) and
      // after the API and the miner stopped, re-added here.
      const poolFile = join(config.datadir, MEMPOOL_FILE);
      await loadMempool(mempool, poolFile, { maxTxBytes: network.maxTxBytes, logger: this.#log });
      const saver = new MempoolSaver({ path: poolFile, intervalMs: config.mempool.saveIntervalMs }, { mempool, logger: this.#log });
      this.#saver = saver;
      saver.start();
      this.#stops.push([
        'mempool',
        async () => {
          clearInterval(expiry);
          saver.stop();
          await chain.idle();
          const saved = await saver.save();
          if (saved > 0) this.#log.info({ count: saved, file: poolFile }, 'mempool saved');
        },
      ]);

      const keys = new NodeKeys({ datadir: config.datadir, network: network.name }, { passphrase: this.options.keyPassphrase, logger: log });
      this.#keys = keys;
      const signer = new ActionSigner(
        { maxQueue: config.keys.maxQueue, waitMs: config.keys.signWaitMs, maxTxBytes: network.maxTxBytes },
        { keys, mempool, chainId: id, nextNonce: (actor) => store.getNextNonce(actor), now: this.#deps.now, logger: log },
      );
      this.#signer = signer;
      this.#stops.push(['signer', async () => signer.close()]);
      if (config.keys.metricsKey !== '') {
        // Found out now rather than at the first metric: a facade whose key does not open.
        await keys
          .unlock(config.keys.metricsKey)
          .catch((err: unknown) => this.#log.warn({ err, key: config.keys.metricsKey }, 'the metrics facade key cannot sign'));
      }

      if (config.p2p.enabled) {
        // Loaded only when used: libp2p is most of a node's module loading time (a --no-p2p node starts faster).
        const { P2pNetwork } = await import('./p2p/network.js');
        const net = new P2pNetwork(
          { ...config.p2p, datadir: config.datadir },
          {
            chain,
            mempool,
            finality,
            logger: log,
            verifyPool: pool,
            sigCache,
            registry: metrics.registry,
            syncNotifier: this.options.isTTY === true ? new SyncProgressBar() : undefined,
            now: this.#deps.now,
          },
        );
        this.#stops.push(['p2p', () => net.stop()]);
        await net.start();
        this.#network = net;
      }

      this.#stops.push(['miner', () => this.#stopMining()]);
      if (config.mining.enabled) {
        // The CPU calibration times slices with event-loop turns between them: it runs once the API module has
        // loaded, on an idle main thread, so its figures and duration are what they were (not overlapped).
        await this.#apiModule?.catch(() => undefined);
        await this.#startMining({});
      }

      if (config.webhooks.enabled) {
        const { enabled: _on, ...hookOptions } = config.webhooks;
        const hookStore = await HookStore.open(join(config.datadir, WEBHOOKS_DIR));
        this.#stops.push(['webhook store', () => hookStore.close()]);
        const webhooks = new WebhookService(hookOptions, {
          chain,
          store: hookStore,
          finality,
          logger: log,
          now: this.#deps.now,
          userAgent: `chain-node/${this.options.version}`,
        });
        this.#stops.push(['webhooks', () => webhooks.stop()]);
        registerWebhookMetrics(metrics.registry, webhooks);
        webhooks.start();
        this.#webhooks = webhooks;
      }

      if (config.api.enabled) await this.#startApi();
      this.#log.info({ network: network.name, height: chain.height, tip: chain.tip.header.hashHex, datadir: config.datadir }, 'node started');
      if (config.log.statusInterval > 0) {
        // A node that does not mine is otherwise silent after start-up: one line now and then shows it is alive.
        const status = setInterval(() => this.#logStatus(), config.log.statusInterval * 1000);
        status.unref();
        this.#stops.push(['status log', async () => clearInterval(status)]);
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async #startMining(opts: { threads?: number; backend?: string }): Promise<void> {
    const chain = this.chain;
    if (this.#miner?.enabled) return;
    await this.#loadBackend(opts);
    const backend = this.#backend!;
    const cfg = this.options.config.mining;
    const minIntervalMs = this.options.network.minBlockIntervalMs ?? 0;
    this.#blocksMinedBefore += this.#miner?.status().blocksMined ?? 0;
    this.#miner = new Miner(
      { minerTag: cfg.minerTag, maxBlockTxs: cfg.maxBlockTxs, minIntervalMs },
      { chain, mempool: this.mempool, backend, logger: this.#deps.logger, now: this.#deps.now },
    );
    this.#miner.on('error', (err) => this.#fatal('miner', err));
    this.#miner.start();
  }

  /** Load (or switch to) the mining backend; one load at a time (concurrent POST /mining/start calls queue). */
  #loadBackend(opts: { threads?: number; backend?: string }): Promise<void> {
    const next = (this.#backendLoading ?? Promise.resolve()).catch(() => undefined).then(() => this.#selectBackend(opts));
    this.#backendLoading = next;
    return next;
  }

  async #selectBackend(opts: { threads?: number; backend?: string }): Promise<void> {
    const cfg = this.options.config.mining;
    const threads = opts.threads ?? (cfg.threads === 0 ? undefined : cfg.threads);
    const choice = opts.backend ?? cfg.backend;
    if (this.#backend === undefined || (opts.backend !== undefined && opts.backend !== this.#backend.name)) {
      await this.#backend?.close?.();
      const loadOptions: LoadBackendOptions = {
        ...(threads === undefined ? {} : { threads }),
        cpuImpl: parseCpuImpl(cfg.cpuPath),
        hideCpuFeatures: parseCpuFeatures(cfg.cpuHide),
        calibrationStore: fileCalibrationStore(join(this.options.config.datadir, CPU_CALIBRATION_FILE)),
      };
      if (choice === 'auto') {
        const sel = await selectBackend(loadOptions, this.#deps.mining);
        for (const s of sel.skipped) {
          this.#log.info(`mining backend ${s.name} not used: ${s.advice}`);
          this.#log.debug({ backend: s.name, code: s.code, reason: s.reason }, 'mining backend skipped');
        }
        this.#backend = sel.backend;
      } else {
        this.#backend = await loadBackend(choice, loadOptions, this.#deps.mining);
      }
      const cal = this.#backend instanceof NativeCpuBackend ? this.#backend.calibration : undefined;
      if (cal !== undefined) {
        const figures = Object.fromEntries(cal.paths.map((p) => [p.path, p.hashesPerSecond]));
        this.#log.info({ chosen: cal.chosen, hashesPerSecond: figures, threads: cal.threads, ms: cal.ms, cached: cal.cached }, 'cpu mining paths calibrated');
      }
      this.#log.info({ backend: this.#backend.name, cpuPath: this.#cpuPath() }, 'mining backend selected');
    }
  }

  /**
   * The one path for a component that cannot go on (a failed database write, a miner whose backend or store
   * failed): log it, remember the first failure (the bin layer exits non-zero on it) and stop everything in
   * reverse start order, which saves the mempool.
   */
  #fatal(component: string, err: Error): void {
    this.#log.fatal({ err, component }, 'fatal component failure: stopping the node');
    this.#failure ??= err;
    void this.stop();
  }

  #logStatus(): void {
    const m = this.#miner?.status();
    const fields = {
      height: this.chain.height,
      tip: this.chain.tip.header.hashHex,
      peers: this.#network?.peerCount() ?? 0,
      mempool: this.mempool.size,
      mining: m?.enabled ?? false,
      hashrate: Math.round(m?.hashrate ?? 0),
    };
    this.#log.info(
      fields,
      `status: height ${fields.height}, ${fields.peers} peer(s), ${fields.mempool} pending tx, ${fields.mining ? `mining at ${formatHashrate(fields.hashrate)}` : 'not mining'}`,
    );
  }

  async #stopMining(): Promise<void> {
    await this.#miner?.stop();
  }

  #cpuPath(): string | null {
    return this.#backend instanceof NativeCpuBackend ? (this.#backend.implementation ?? null) : null;
  }

  #miningControl(): MiningControl {
    return {
      status: () => {
        const s = this.#miner?.status();
        const cal = this.#backend instanceof NativeCpuBackend ? this.#backend.calibration : undefined;
        return {
          enabled: s?.enabled ?? false,
          backend: this.#backend?.name ?? null,
          hashrate: s?.hashrate ?? 0,
          threads: this.options.config.mining.threads,
          blocksMined: this.#blocksMinedBefore + (s?.blocksMined ?? 0),
          cpuPath: this.#cpuPath(),
          cpuCalibration: cal === undefined ? null : { ...cal, paths: cal.paths.map((p) => ({ ...p })) },
        };
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
    const security = await openApiSecurity(config, { logger: this.#deps.logger, ...(this.#deps.now === undefined ? {} : { now: this.#deps.now }) });
    const token = randomBytes(32).toString('hex');
    await writePrivateFile(join(config.datadir, COOKIE_FILE), token);
    const ctx: ApiContext = {
      chain: this.chain,
      finality: this.#finality,
      mempool: this.mempool,
      ...(this.#kinds === undefined ? {} : { kinds: this.#kinds }),
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
      keys: this.#keys,
      signer: this.#signer,
      metricsKey: config.keys.metricsKey,
    };
    const a = config.api;
    const { API_DEFAULTS, closeApi, createApi, requireAdmin } = await (this.#apiModule ?? import('./api/server.js'));
    const app = await createApi(
      {
        host: a.host,
        port: a.port,
        cors: a.cors,
        rateLimitPerMinute: a.rateLimitPerMinute,
        bodyLimitBytes: a.bodyLimitBytes,
        allowedHosts: [a.host, ...a.allowedHosts, ...announcedHosts(config.p2p.announce)],
        maxConnections: a.maxConnections,
        requestTimeoutMs: a.requestTimeoutMs,
        closeTimeoutMs: API_DEFAULTS.closeTimeoutMs,
        explorer: a.explorer,
        requireAuth: a.requireAuth,
        tokenRateLimitPerMinute: a.tokenRateLimitPerMinute,
        ...(security.tls === undefined ? {} : { tls: security.tls }),
        sse: {
          maxClients: a.sseMaxClients,
          maxClientsPerAddress: a.sseMaxClientsPerAddress,
          maxBufferBytes: a.sseMaxBufferBytes,
          heartbeatMs: API_DEFAULTS.sse.heartbeatMs,
          historyBlocks: a.sseHistoryBlocks,
        },
      },
      {
        ctx,
        logger: this.#deps.logger,
        tokens: security.tokens,
        ...(security.jwt === undefined ? {} : { jwt: security.jwt }),
        ...(this.#webhooks === undefined ? {} : { extraRoutes: (api: FastifyInstance) => webhookRoutes(api, this.#webhooks!, requireAdmin(ctx)) }),
      },
    );
    this.#api = app;
    const load = security.reloadTls;
    if (load !== undefined) this.#reloadTlsFiles = () => reloadTls(app.server as unknown as HttpsServer, load());
    // Registered before listening: a failed listen still releases the event hub's listeners.
    this.#stops.push(['api', () => closeApi(app)]);
    try {
      await app.listen({ host: config.api.host, port: config.api.port });
    } catch (err) {
      // The stop stack (registered above) closes the app when start fails.
      // As the P2P listener reports it (src/p2p/network.ts): what failed, why, and what to change.
      const why = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'address in use' : (err as Error).message;
      throw new ChainNodeError(
        'API_LISTEN_FAILED',
        `cannot serve the HTTP API on ${config.api.host}:${config.api.port} (${why}); choose another --api-port (0 = any free port) or --no-api`,
        { cause: err },
      );
    }
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : config.api.port;
    const host = config.api.host.includes(':') ? `[${config.api.host}]` : config.api.host;
    this.#apiUrl = `${security.tls === undefined ? 'http' : 'https'}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  }

  /**
   * Re-read the API's TLS certificate and key (SIGHUP) and serve them to new connections; on a bad file the
   * old pair stays in use and the error is logged. Returns whether the new pair is in use.
   */
  reloadTls(): boolean {
    if (this.#reloadTlsFiles === undefined) {
      this.#log.info('reload requested (SIGHUP): no TLS configured, nothing to reload');
      return false;
    }
    try {
      this.#reloadTlsFiles();
      this.#log.info('TLS certificate reloaded');
      return true;
    } catch (err) {
      this.#log.error({ err, code: (err as { code?: string }).code }, 'TLS reload failed: still serving the previous certificate');
      return false;
    }
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
      await this.#backendLoading?.catch(() => undefined);
      await this.#backend?.close?.();
      this.#log.info('node stopped');
    })();
    return this.#stopping;
  }
}
