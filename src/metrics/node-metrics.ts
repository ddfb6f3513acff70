import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Values the metrics read at scrape time. */
export interface MetricsSources {
  height(): number;
  tipTime(): number;
  mempoolCount(): number;
  mempoolBytes(): number;
  hashrate(): number;
  /** native-cpu: the hashing path in use (null for other backends) and the calibration figures of every path. */
  cpuPaths?(): { chosen: string | null; figures: ReadonlyArray<{ path: string; hashesPerSecond: number }> };
  peers(): number;
  /** Mempool totals since start: accepted transactions and refusals by code (whatever their source). */
  mempoolTotals(): { accepted: number; rejected: Partial<Record<string, number>> };
  now?: () => number;
}

/**
 * Prometheus metrics of one node, in a registry of its own (no global state): default process metrics plus
 * chain, mempool, mining and API figures. Names carry their units.
 */
export class NodeMetrics {
  readonly registry = new Registry();
  readonly blocksConnected: Counter;
  readonly blocksDisconnected: Counter;
  readonly reorgs: Counter;
  readonly txAccepted: Counter;
  readonly txRejected: Counter<'code'>;
  readonly blocksRejected: Counter<'code'>;
  readonly apiLatency: Histogram<'method' | 'route' | 'status'>;
  readonly sseClients: Gauge;
  readonly sseDropped: Counter<'reason'>;
  readonly sseRefused: Counter<'reason'>;

  constructor(sources: MetricsSources) {
    const r = this.registry;
    collectDefaultMetrics({ register: r, prefix: 'chain_node_' });
    const now = sources.now ?? Date.now;
    new Gauge({
      name: 'chain_node_chain_height',
      help: 'Main-chain height',
      registers: [r],
      collect() {
        this.set(sources.height());
      },
    });
    new Gauge({
      name: 'chain_node_chain_tip_age_seconds',
      help: 'Seconds since the tip block time',
      registers: [r],
      collect() {
        this.set(Math.max(0, now() / 1000 - sources.tipTime()));
      },
    });
    new Gauge({
      name: 'chain_node_mempool_transactions',
      help: 'Transactions in the mempool',
      registers: [r],
      collect() {
        this.set(sources.mempoolCount());
      },
    });
    new Gauge({
      name: 'chain_node_mempool_bytes',
      help: 'Encoded bytes of mempool transactions',
      registers: [r],
      collect() {
        this.set(sources.mempoolBytes());
      },
    });
    new Gauge({
      name: 'chain_node_mining_hashrate_hashes_per_second',
      help: 'Current mining hashrate',
      registers: [r],
      collect() {
        this.set(sources.hashrate());
      },
    });
    new Gauge({
      name: 'chain_node_mining_cpu_path_calibrated_hashes_per_second',
      help: 'Hash rate each native CPU mining path measured at calibration',
      labelNames: ['path'],
      registers: [r],
      collect() {
        this.reset();
        for (const f of sources.cpuPaths?.().figures ?? []) this.set({ path: f.path }, f.hashesPerSecond);
      },
    });
    new Gauge({
      name: 'chain_node_mining_cpu_path_selected',
      help: 'Native CPU mining path in use (1 for the selected path)',
      labelNames: ['path'],
      registers: [r],
      collect() {
        this.reset();
        const chosen = sources.cpuPaths?.().chosen;
        if (chosen !== null && chosen !== undefined) this.set({ path: chosen }, 1);
      },
    });
    new Gauge({
      name: 'chain_node_p2p_peers',
      help: 'Connected peers',
      registers: [r],
      collect() {
        this.set(sources.peers());
      },
    });
    this.blocksConnected = new Counter({ name: 'chain_node_chain_blocks_connected_total', help: 'Blocks connected to the main chain', registers: [r] });
    this.blocksDisconnected = new Counter({ name: 'chain_node_chain_blocks_disconnected_total', help: 'Blocks disconnected by reorgs', registers: [r] });
    this.reorgs = new Counter({ name: 'chain_node_chain_reorgs_total', help: 'Chain reorganisations', registers: [r] });
    // The mempool counts every admission (API, gossip, reorg aside); the counters catch up with it at scrape time.
    let seenAccepted = 0;
    const seenRejected = new Map<string, number>();
    this.txAccepted = new Counter({
      name: 'chain_node_mempool_tx_accepted_total',
      help: 'Transactions accepted into the mempool',
      registers: [r],
      collect() {
        const { accepted } = sources.mempoolTotals();
        if (accepted > seenAccepted) this.inc(accepted - seenAccepted);
        seenAccepted = Math.max(seenAccepted, accepted);
      },
    });
    this.txRejected = new Counter({
      name: 'chain_node_mempool_tx_rejected_total',
      help: 'Transactions rejected, by code (mempool refusals, plus API decode failures)',
      labelNames: ['code'],
      registers: [r],
      collect() {
        for (const [code, n] of Object.entries(sources.mempoolTotals().rejected)) {
          const seen = seenRejected.get(code) ?? 0;
          if (n !== undefined && n > seen) {
            this.inc({ code }, n - seen);
            seenRejected.set(code, n);
          }
        }
      },
    });
    this.blocksRejected = new Counter({
      name: 'chain_node_chain_blocks_rejected_total',
      help: 'Blocks rejected, by code',
      labelNames: ['code'],
      registers: [r],
    });
    this.apiLatency = new Histogram({
      name: 'chain_node_api_request_duration_seconds',
      help: 'HTTP API request latency',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [r],
    });
    this.sseClients = new Gauge({ name: 'chain_node_api_sse_clients', help: 'Open /events streams', registers: [r] });
    this.sseDropped = new Counter({
      name: 'chain_node_api_sse_dropped_total',
      help: '/events streams the node closed, by reason (slow: unsent output past the buffer limit)',
      labelNames: ['reason'],
      registers: [r],
    });
    this.sseRefused = new Counter({
      name: 'chain_node_api_sse_refused_total',
      help: '/events streams refused, by reason (global or per-address cap)',
      labelNames: ['reason'],
      registers: [r],
    });
  }

  /** Text exposition for /metrics. */
  async render(): Promise<string> {
    return this.registry.metrics();
  }
}
