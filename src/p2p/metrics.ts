import { Counter, Gauge, type Registry } from 'prom-client';
import type { AddressBanEntry } from './address-bans.js';

/** Prometheus metrics of the peer-to-peer layer, registered in the node's registry. */
export class P2pMetrics {
  /** Gossip validation outcomes by topic (tx, block) and result (accept, ignore, reject). */
  readonly gossip: Counter<'topic' | 'result'>;
  /** Penalty points given, by reason code. */
  readonly penalties: Counter<'code'>;
  /** Our requests a peer refused as over its rate limit (sent again later, never penalised), by protocol. */
  readonly refusedRetried: Counter<'protocol'>;

  constructor(registry: Registry | undefined, sources: { banned(): number; bannedAddresses(): AddressBanEntry[] }) {
    const registers = registry === undefined ? [] : [registry];
    this.gossip = new Counter({
      name: 'chain_node_p2p_gossip_messages_total',
      help: 'Gossip messages validated, by topic and result',
      labelNames: ['topic', 'result'],
      registers,
    });
    this.penalties = new Counter({
      name: 'chain_node_p2p_penalty_points_total',
      help: 'Penalty points given to peers, by reason code',
      labelNames: ['code'],
      registers,
    });
    this.refusedRetried = new Counter({
      name: 'chain_node_p2p_rate_limit_retries_total',
      help: 'Requests of ours a peer refused as over its rate limit, sent again later (not penalised), by protocol',
      labelNames: ['protocol'],
      registers,
    });
    new Gauge({
      name: 'chain_node_p2p_banned_peers',
      help: 'Peers banned or blocked now',
      registers,
      collect() {
        this.set(sources.banned());
      },
    });
    new Gauge({
      name: 'chain_node_p2p_banned_addresses',
      help: 'Addresses banned now with a banned peer, by kind (address: an IPv4 address or IPv6 /64; subnet: an IPv4 /24)',
      labelNames: ['kind'],
      registers,
      collect() {
        const bans = sources.bannedAddresses();
        for (const kind of ['address', 'subnet'] as const) this.set({ kind }, bans.filter((b) => b.kind === kind).length);
      },
    });
  }
}
