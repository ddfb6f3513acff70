import type { PenaltyBookOptions } from './penalties.js';

/** Options of the peer-to-peer network (the `p2p.*` config keys plus tuning knobs with defaults). */
export interface P2pOptions {
  /** Data directory: holds `p2p-key` and `peers.json`. */
  datadir: string;
  /** Listen address (`0.0.0.0`, `::`, or one interface). */
  host: string;
  /** TCP port (0 = any free port). */
  port: number;
  /** Bootstrap peers: multiaddrs or `host:port` (optionally `host:port/p2p/<id>`), resolved with DNS. */
  bootstrap: readonly string[];
  /** Discover peers on the LAN with mDNS. */
  mdns: boolean;
  /** Addresses announced to peers instead of the listen addresses (multiaddrs or `host:port`). */
  announce: readonly string[];
  /** Most connected peers. */
  maxPeers: number;
  /** Most inbound connections from one address (0 = no cap); loopback is exempt unless `loopbackLimits`. */
  maxInboundPerAddress?: number;
  /** Apply address bans and the per-address cap to loopback peers too (default false; see AddressBans). */
  loopbackLimits?: boolean;
  /** Peers the node tries to keep connected (default min(8, maxPeers)). */
  targetPeers?: number;
  /** Run the Kademlia DHT for discovery (default true). */
  dht?: boolean;
  /** How often the peer manager checks the peer count and redials (ms). */
  maintenanceIntervalMs?: number;
  /** mDNS query interval (ms). */
  mdnsIntervalMs?: number;
  /** How long an admin-disconnected peer is refused (ms). */
  disconnectCooldownMs?: number;
  /** Most known peers persisted in `peers.json`. */
  maxKnownPeers?: number;
  /** Penalty and ban policy. */
  penalties?: PenaltyBookOptions;
  /** How long the node waits for missing compact-block transactions before fetching the full block (ms). */
  compactTimeoutMs?: number;
}

/** Defaults of the optional {@link P2pOptions}. */
export const P2P_DEFAULTS = {
  targetPeers: 8,
  dht: true,
  maintenanceIntervalMs: 5_000,
  mdnsIntervalMs: 5_000,
  disconnectCooldownMs: 10 * 60_000,
  maxKnownPeers: 256,
  compactTimeoutMs: 3_000,
  maxInboundPerAddress: 8,
  loopbackLimits: false,
} as const;

/** Options with every default filled in. */
export type ResolvedP2pOptions = Required<Omit<P2pOptions, 'penalties'>> & { penalties: PenaltyBookOptions };

/** Fill in defaults; the target never exceeds the maximum. */
export function resolveP2pOptions(o: P2pOptions): ResolvedP2pOptions {
  const maxPeers = Math.max(1, o.maxPeers);
  return {
    ...P2P_DEFAULTS,
    ...o,
    maxPeers,
    targetPeers: Math.min(o.targetPeers ?? P2P_DEFAULTS.targetPeers, maxPeers),
    penalties: o.penalties ?? {},
  };
}
