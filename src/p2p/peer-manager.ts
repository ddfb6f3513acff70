import type { Libp2p, PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import type { Multiaddr } from '@multiformats/multiaddr';
import { multiaddr } from '@multiformats/multiaddr';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { ipOf, peerIdOf, resolvePeerAddress, type Lookup } from './addresses.js';
import type { ResolvedP2pOptions } from './options.js';
import { MAX_ADDRS_PER_PEER, PeerBook } from './peer-book.js';
import { BanCode, type PenaltyBook } from './penalties.js';

/** Dependencies of the peer manager. */
export interface PeerManagerDependencies {
  node: Libp2p;
  penalties: PenaltyBook;
  logger: Logger;
  /** Gossip score of a peer (the network disconnects graylisted peers). */
  score(peer: string): number;
  graylistThreshold: number;
  /** Default port for `host` bootstrap entries without one. */
  defaultPort: number;
  /** Run a DHT random walk to discover peers (when the DHT is on). */
  randomWalk?: (signal: AbortSignal) => Promise<void>;
  lookup?: Lookup;
  now?: () => number;
}

interface Backoff {
  until: number;
  delay: number;
}

const MIN_BACKOFF_MS = 2_000;
const MAX_BACKOFF_MS = 60_000;
const DIAL_TIMEOUT_MS = 10_000;

/**
 * Keeps the node connected: dials bootstrap peers (re-resolving their names), known peers from `peers.json` and
 * discovered peers (mDNS, DHT) while below the target count, backs off from unreachable ones, persists the peers
 * it was connected to, and disconnects peers whose gossip score fell below the graylist threshold.
 */
export class PeerManager {
  readonly book: PeerBook;
  readonly #o: ResolvedP2pOptions;
  readonly #d: PeerManagerDependencies;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #backoff = new Map<string, Backoff>();
  // Peer id learned for each bootstrap entry without one, so a connected bootstrap peer is not dialled again.
  readonly #bootstrapIds = new Map<string, string>();
  readonly #abort = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #lastWalk = 0;
  #lastSave = 0;

  constructor(options: ResolvedP2pOptions, deps: PeerManagerDependencies) {
    this.#o = options;
    this.#d = deps;
    this.#log = deps.logger;
    this.#now = deps.now ?? Date.now;
    this.book = new PeerBook({ datadir: options.datadir, maxPeers: options.maxKnownPeers }, { logger: deps.logger });
  }

  /** Load known peers and start the maintenance loop (first round right away). */
  async start(): Promise<void> {
    await this.book.load();
    for (const p of this.book.list()) {
      try {
        peerIdFromString(p.id);
        for (const a of p.addrs) multiaddr(a);
      } catch {
        this.book.forget(p.id);
      }
    }
    this.#timer = setInterval(() => void this.tick(), this.#o.maintenanceIntervalMs);
    this.#timer.unref();
    void this.tick();
  }

  /** Stop dialling and save the known peers. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#abort.abort();
    await this.book.save();
  }

  /** Number of connected peers. */
  get connected(): number {
    return this.#d.node.getPeers().length;
  }

  /**
   * Remember a connected peer's verified addresses (for `peers.json` and redialling): the address an outbound
   * connection to it reached, and those of its self-reported listen addresses whose IP is the one we observe
   * the connection coming from. Other self-reported addresses are dropped from the peer store too, so they are
   * never saved, dialled or passed on (a peer could point us at anyone). At most {@link MAX_ADDRS_PER_PEER} per peer.
   */
  remember(peer: string, listenAddrs: readonly Multiaddr[], conn: { direction: 'inbound' | 'outbound'; remoteAddr: Multiaddr }): void {
    const verified = verifiedAddresses(listenAddrs, conn);
    if (verified.length > 0) this.book.seen(peer, verified, this.#now());
    this.#backoff.delete(peer);
    // Identify stored every claimed address in the peer store (used to redial by id and to answer DHT queries):
    // keep only the verified ones.
    void this.#d.node.peerStore
      .patch(peerIdFromString(peer), { multiaddrs: verified.map((a) => multiaddr(a)) })
      .catch((err: unknown) => this.#log.debug({ peer, err: (err as Error).message }, 'cannot update peer addresses'));
  }

  /** A discovered peer (mDNS, DHT): dial it when below the target. */
  discovered(peer: PeerId): void {
    if (this.connected >= this.#o.targetPeers) return;
    void this.#dialPeer(peer);
  }

  /** One maintenance round. */
  async tick(): Promise<void> {
    if (this.#ticking || this.#abort.signal.aborted) return;
    this.#ticking = true;
    try {
      this.#checkScores();
      if (this.#now() - this.#lastSave > 30_000) {
        this.#lastSave = this.#now();
        await this.book.save();
      }
      if (this.connected >= this.#o.targetPeers) return;
      await this.dialBootstrap();
      if (this.connected >= this.#o.targetPeers) return;
      await this.#dialKnown();
      const walk = this.#d.randomWalk;
      if (walk !== undefined && this.connected > 0 && this.connected < this.#o.targetPeers && this.#now() - this.#lastWalk > 30_000) {
        this.#lastWalk = this.#now();
        await walk(AbortSignal.any([this.#abort.signal, AbortSignal.timeout(10_000)])).catch(() => undefined);
      }
    } catch (err) {
      this.#log.debug({ err: (err as Error).message }, 'peer maintenance failed');
    } finally {
      this.#ticking = false;
    }
  }

  /** Dial every bootstrap entry we are not connected to (names are resolved again each time). */
  async dialBootstrap(): Promise<void> {
    const connected = new Set(this.#d.node.getPeers().map((p) => p.toString()));
    await Promise.all(
      this.#o.bootstrap.map(async (entry) => {
        const known = this.#bootstrapIds.get(entry);
        if (known !== undefined && (connected.has(known) || this.#self(known) || this.#d.penalties.isBanned(known))) return;
        if (!this.#ready(`bootstrap:${entry}`)) return;
        let addrs: Multiaddr[];
        try {
          addrs = await resolvePeerAddress(entry, this.#d.defaultPort, this.#d.lookup);
        } catch (err) {
          this.#failed(`bootstrap:${entry}`);
          this.#log.warn({ bootstrap: entry, err: (err as Error).message }, 'cannot resolve bootstrap peer');
          return;
        }
        const id = peerIdOf(addrs[0]!);
        if (id !== undefined && (this.#self(id) || connected.has(id) || this.#d.penalties.isBanned(id))) return;
        for (const addr of addrs) {
          try {
            const conn = await this.#d.node.dial(addr, { signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(DIAL_TIMEOUT_MS)]) });
            this.#bootstrapIds.set(entry, conn.remotePeer.toString());
            this.#backoff.delete(`bootstrap:${entry}`);
            return;
          } catch (err) {
            if (/dial self|self/i.test((err as Error).message)) {
              this.#bootstrapIds.set(entry, this.#d.node.peerId.toString());
              return;
            }
            this.#log.debug({ bootstrap: entry, addr: addr.toString(), err: (err as Error).message }, 'bootstrap dial failed');
          }
        }
        this.#failed(`bootstrap:${entry}`);
      }),
    );
  }

  // Known peers are redialled at their verified addresses only; other peers in the peer store (found through
  // the DHT or mDNS) by id, at the addresses the store holds, which for a peer that was connected are its
  // verified ones only (see remember).
  async #dialKnown(): Promise<void> {
    const connected = new Set(this.#d.node.getPeers().map((p) => p.toString()));
    const want = this.#o.targetPeers - connected.size;
    const usable = (id: string): boolean => !connected.has(id) && !this.#self(id) && !this.#d.penalties.isBanned(id) && this.#ready(id);
    const picks: Array<{ id: string; addrs?: string[] }> = this.book.list().filter((p) => usable(p.id));
    const known = new Set(picks.map((p) => p.id));
    for (const p of await this.#d.node.peerStore.all()) {
      const id = p.id.toString();
      if (!known.has(id) && p.addresses.length > 0 && usable(id)) picks.push({ id });
    }
    await Promise.all(picks.slice(0, Math.max(0, want)).map((p) => this.#dialPeer(peerIdFromString(p.id), p.addrs)));
  }

  async #dialPeer(peer: PeerId, addrs?: readonly string[]): Promise<void> {
    const id = peer.toString();
    if (this.#self(id) || this.#d.penalties.isBanned(id) || !this.#ready(id)) return;
    if (this.#d.node.getConnections(peer).length > 0) return;
    try {
      const signal = AbortSignal.any([this.#abort.signal, AbortSignal.timeout(DIAL_TIMEOUT_MS)]);
      await this.#d.node.dial(addrs === undefined ? peer : addrs.map((a) => multiaddr(a).encapsulate(`/p2p/${id}`)), { signal });
      this.#backoff.delete(id);
    } catch (err) {
      this.#failed(id);
      this.#log.debug({ peer: id, err: (err as Error).message }, 'dial failed');
    }
  }

  #checkScores(): void {
    for (const p of this.#d.node.getPeers()) {
      const id = p.toString();
      const score = this.#d.score(id);
      if (score < this.#d.graylistThreshold && !this.#d.penalties.isBanned(id)) {
        this.#d.penalties.ban(
          id,
          this.#d.penalties.options.banDurationMs,
          `${BanCode.graylisted}: gossip score ${score.toFixed(1)} below the graylist threshold`,
          BanCode.graylisted,
        );
      }
    }
  }

  #self(id: string): boolean {
    return id === this.#d.node.peerId.toString();
  }

  #ready(key: string): boolean {
    const b = this.#backoff.get(key);
    return b === undefined || b.until <= this.#now();
  }

  #failed(key: string): void {
    const prev = this.#backoff.get(key);
    const delay = Math.min(MAX_BACKOFF_MS, prev === undefined ? MIN_BACKOFF_MS : prev.delay * 2);
    this.#backoff.set(key, { until: this.#now() + delay, delay });
  }

  /** Random bytes key for a DHT walk. */
  static randomKey(): Uint8Array {
    return randomBytes(32);
  }
}

/**
 * The addresses of a peer we can vouch for: the one an outbound connection reached; listen addresses whose IP is
 * the connection's observed remote IP (the port is the peer's word, the host is not); no unspecified addresses.
 */
export function verifiedAddresses(listenAddrs: readonly Multiaddr[], conn: { direction: 'inbound' | 'outbound'; remoteAddr: Multiaddr }): string[] {
  const remote = conn.remoteAddr.decapsulateCode(421);
  const remoteIp = ipOf(remote);
  const out = new Set<string>();
  if (conn.direction === 'outbound' && remoteIp !== undefined) out.add(remote.toString());
  for (const a of listenAddrs) {
    const bare = a.decapsulateCode(421);
    const ip = ipOf(bare);
    if (ip !== undefined && ip === remoteIp && bare.getComponents()[1]?.name === 'tcp') out.add(bare.toString());
  }
  return [...out].slice(0, MAX_ADDRS_PER_PEER);
}
