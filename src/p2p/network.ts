import { TopicValidatorResult } from '@libp2p/gossipsub';
import type { Finality, FinalCheckpoint } from '../finality/finality.js';
import type { IdentifyResult, PeerId, PeerInfo } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { PeerBans, PeerControls, PeerSummary } from './peer-view.js';
import type { Chain } from '../chain/chain.js';
import type { BlockEvent } from '../chain/events.js';
import type { SignatureCache } from '../chain/signature-cache.js';
import type { BatchVerifier } from '../crypto/verify-pool.js';
import { ChainNodeError } from '../errors.js';
import type { Mempool } from '../mempool/mempool.js';
import { addressSource } from '../mempool/sources.js';
import type { TxAddedEvent } from '../mempool/types.js';
import type { CborValue } from '../primitives/cbor.js';
import type { SyncOptions } from '../sync/options.js';
import { decodeBlocks, encodeGetBlocks } from '../sync/messages.js';
import { SyncProgress, type SyncNotifier, type SyncState } from '../sync/progress.js';
import { Synchronizer } from '../sync/synchronizer.js';
import { ipOf, peerIdOf, resolvePeerAddress, type Lookup } from './addresses.js';
import { P2pErrorCode, P2pError } from '../wire/errors.js';
import { SCORE_THRESHOLDS, topicsFor, type Topics } from './gossip.js';
import { createHost, type Host } from './host.js';
import { resolveP2pOptions, type P2pOptions, type ResolvedP2pOptions } from './options.js';
import { P2pMetrics } from './metrics.js';
import { PeerManager } from './peer-manager.js';
import { AddressBans } from './address-bans.js';
import { bansJson } from './bans-view.js';
import { BanCode, PenaltyBook, type BanEvent } from './penalties.js';
import { penaltyReason, toPenalty, type PenaltyInput } from '../wire/penalty.js';
import { protocolIds, protocolLimits, type ProtocolName } from './protocols.js';
import { RequestPacer } from './pacer.js';
import { PROTOCOL_RATE_LIMITS } from '../wire/rate-limit.js';
import { BoundedSet } from '../util/bounded-map.js';
import { encodeGetBlockTxn, Relay } from './relay.js';
import { rpcHandler, rpcRequest, type RpcLimits } from '../wire/rpc.js';

/** Dependencies of the network. */
export interface P2pDependencies {
  chain: Chain;
  mempool: Mempool;
  logger: Logger;
  /** Shared with the chain: sync and compact blocks pre-verify signatures through them. */
  verifyPool?: BatchVerifier;
  sigCache?: SignatureCache;
  /** The node's metrics registry (sync gauges). */
  registry?: Registry;
  /** Told of sync downloads (a progress bar when stdout is a terminal). */
  syncNotifier?: SyncNotifier;
  lookup?: Lookup;
  now?: () => number;
  /** Witnessing and finality: cosignatures travel on the checkpoint topic (SPEC 12). */
  finality?: Finality;
}

/**
 * The peer-to-peer side of a node (SPEC 9): a libp2p host (TCP, Noise, Yamux, identify, ping, mDNS, Kademlia
 * DHT) with a persisted identity, gossip of transactions and compact blocks, the sync protocols and headers-first
 * synchronisation, application-level penalties and bans, and peer management.
 */
export class P2pNetwork {
  readonly options: ResolvedP2pOptions;
  readonly penalties: PenaltyBook;
  /** Bans by address (a banned peer's address is banned with it). */
  readonly addressBans: AddressBans;
  readonly topics: Topics;
  /** Paces this node's requests to each peer's published limits. */
  readonly pacer: RequestPacer<ProtocolName>;
  readonly #d: P2pDependencies;
  readonly #log: Logger;
  readonly #remoteBlocks = new BoundedSet<string>(4096);
  readonly #cleanups: Array<() => void> = [];
  #node: Host | undefined;
  #relay: Relay | undefined;
  #sync: Synchronizer | undefined;
  #peers: PeerManager | undefined;
  readonly #progress: SyncProgress;
  readonly #protocols: Record<ProtocolName, string>;
  readonly #limits: Record<ProtocolName, RpcLimits>;
  readonly #syncOptions: SyncOptions;
  readonly #metrics: P2pMetrics;

  constructor(options: P2pOptions & { sync?: SyncOptions }, deps: P2pDependencies) {
    this.options = resolveP2pOptions(options);
    this.#syncOptions = options.sync ?? {};
    this.#d = deps;
    this.#log = deps.logger.child({ module: 'p2p' });
    this.penalties = new PenaltyBook(this.options.penalties, { now: deps.now });
    this.addressBans = new AddressBans({ loopback: this.options.loopbackLimits }, { now: deps.now });
    const params = deps.chain.ctx.params;
    this.topics = topicsFor(params);
    this.#protocols = protocolIds(params);
    this.#limits = protocolLimits(params, this.options.compactTimeoutMs);
    this.#progress = new SyncProgress({}, { registry: deps.registry, notifier: deps.syncNotifier });
    this.#metrics = new P2pMetrics(deps.registry, { banned: () => this.penalties.bans().length, bannedAddresses: () => this.addressBans.list() });
    // Real time (not the injected clock): the pacer sleeps on real timers.
    this.pacer = new RequestPacer(PROTOCOL_RATE_LIMITS, {}, { onRefused: (_peer, protocol) => this.#metrics.refusedRetried.inc({ protocol }) });
  }

  /** The libp2p host (after start). */
  get node(): Host {
    if (this.#node === undefined) throw new Error('network not started');
    return this.#node;
  }

  /** Our peer id. */
  get peerId(): string {
    return this.node.peerId.toString();
  }

  /** Relay statistics. */
  get relay(): Relay {
    if (this.#relay === undefined) throw new Error('network not started');
    return this.#relay;
  }

  /** Start listening, join the topics, serve the protocols and begin dialling. */
  async start(): Promise<void> {
    const { chain, mempool } = this.#d;
    const node = await createHost(this.options, chain.ctx.params, this.topics, this.penalties, this.addressBans);
    this.#node = node;
    // Every request of ours is paced to the peer's published limits; a rate-limit refusal is retried, not an error.
    const request = (peer: string, p: ProtocolName, message: unknown, signal?: AbortSignal): Promise<CborValue> =>
      this.pacer.request(peer, p, () => rpcRequest(node, peerIdFromString(peer), this.#protocols[p], message, this.#limits[p], signal), signal);
    const sync = (this.#sync = new Synchronizer(this.#syncOptions, {
      chain,
      logger: this.#d.logger,
      progress: this.#progress,
      verifyPool: this.#d.verifyPool,
      sigCache: this.#d.sigCache,
      onBlock: (b) => this.#remoteBlocks.add(b.header.hashHex),
      transport: {
        request,
        penalise: (peer, penalty) => this.penalise(peer, penalty),
        disconnect: (peer) => void node.hangUp(peerIdFromString(peer)).catch(() => undefined),
      },
      now: this.#d.now,
    }));
    const relay = (this.#relay = new Relay({
      chain,
      mempool,
      logger: this.#log,
      sigCache: this.#d.sigCache,
      penalise: (peer, penalty) => this.penalise(peer, penalty),
      requestTxs: (peer, block, indexes) => request(peer, 'getblocktxn', encodeGetBlockTxn({ block, indexes })),
      requestBlock: async (peer, hash) => decodeBlocks(await request(peer, 'blocks', encodeGetBlocks({ hashes: [hash] })), 1)[0] ?? null,
      blockAnnounced: (peer) => sync.blockAnnounced(peer),
      onBlock: (b) => this.#remoteBlocks.add(b.header.hashHex),
      onAccepted: (peer, height) => sync.peerHasHeight(peer, height),
      sourceOf: (peer) => this.#sourceOf(node, peer),
    }));
    await this.#serve(node, sync, relay);
    this.#gossip(node, relay);
    const peers = (this.#peers = new PeerManager(this.options, {
      node,
      penalties: this.penalties,
      logger: this.#log,
      score: (p) => this.#score(p),
      graylistThreshold: SCORE_THRESHOLDS.graylistThreshold,
      defaultPort: chain.ctx.params.ports.p2p,
      randomWalk: this.options.dht ? (signal) => this.#randomWalk(signal) : undefined,
      lookup: this.#d.lookup,
      now: this.#d.now,
    }));
    this.#events(node, sync, peers);
    try {
      await node.start();
    } catch (err) {
      const o = this.options;
      const why = /EADDRINUSE/.test((err as Error).message) ? 'address in use' : (err as Error).message;
      throw new P2pError(
        P2pErrorCode.listenFailed,
        `cannot listen for peers on ${o.host}:${o.port} (${why}); choose another --p2p-port (0 = any free port) or --no-p2p`,
        { cause: err },
      );
    }
    node.services.pubsub.subscribe(this.topics.tx);
    node.services.pubsub.subscribe(this.topics.block);
    if (this.#d.finality !== undefined) node.services.pubsub.subscribe(this.topics.checkpoint);
    sync.start();
    await peers.start();
    this.#log.info({ peerId: this.peerId, addresses: this.addresses() }, 'p2p listening (bootstrap other nodes with one of these addresses)');
  }

  // Request/response protocol handlers; a request's penalty (abuse, malformed) goes to its sender.
  async #serve(node: Host, sync: Synchronizer, relay: Relay): Promise<void> {
    const onError = (peer: string, err: ChainNodeError): void => {
      if (err.penalty > 0) this.penalise(peer, err);
    };
    for (const p of ['status', 'headers', 'blocks'] as const) {
      await node.handle(
        this.#protocols[p],
        rpcHandler(this.#protocols[p], this.#limits[p], (req, peer) => sync.server.handle(p, req, peer), onError),
        { maxInboundStreams: 8 },
      );
    }
    await node.handle(
      this.#protocols.getblocktxn,
      rpcHandler(this.#protocols.getblocktxn, this.#limits.getblocktxn, (req, peer) => relay.handleGetBlockTxn(req, peer), onError),
      { maxInboundStreams: 8 },
    );
  }

  // Topic validators, subscriptions, and publication of our own transactions and blocks.
  #gossip(node: Host, relay: Relay): void {
    const { chain, mempool } = this.#d;
    const pubsub = node.services.pubsub;
    // A validator that fails for our own reasons (store error, shutdown) ignores the message: not the sender's fault.
    const guard = (what: string, p: Promise<TopicValidatorResult>): Promise<TopicValidatorResult> =>
      p
        .catch((err: unknown) => {
          this.#log.warn({ err: (err as Error).message }, `${what} validation failed`);
          return TopicValidatorResult.Ignore;
        })
        .then((result) => {
          this.#metrics.gossip.inc({ topic: what, result });
          return result;
        });
    pubsub.topicValidators.set(this.topics.tx, (peer, msg) => guard('tx', relay.validateTx(peer.toString(), msg.data)));
    pubsub.topicValidators.set(this.topics.block, (peer, msg) => guard('block', relay.validateBlock(peer.toString(), msg.data)));
    const publish = (topic: string, data: Uint8Array): void =>
      void pubsub.publish(topic, data).catch((err: unknown) => this.#log.debug({ err: (err as Error).message, topic }, 'publish failed'));
    // Transactions accepted through the API (not those being validated from gossip, which gossipsub forwards).
    const onTx = (e: TxAddedEvent): void => {
      if (e.source === 'add' && !relay.isFromGossip(e.txid)) publish(this.topics.tx, e.tx.bytes);
    };
    mempool.on('tx:added', onTx);
    this.#cleanups.push(() => mempool.off('tx:added', onTx));
    // Blocks that became our tip without coming from the network: mined here (or submitted locally).
    const onBlock = ({ block, entry }: BlockEvent): void => {
      if (chain.tip === entry && !this.#remoteBlocks.has(block.header.hashHex)) publish(this.topics.block, relay.encodeBlock(block));
    };
    chain.on('block:connected', onBlock);
    this.#cleanups.push(() => chain.off('block:connected', onBlock));
    const finality = this.#d.finality;
    if (finality !== undefined) {
      pubsub.topicValidators.set(this.topics.checkpoint, (peer, msg) => guard('checkpoint', this.#validateCheckpoint(finality, peer.toString(), msg.data)));
      const enc = new TextEncoder();
      // Our own signatures, and each newly final checkpoint with all its signatures (for peers that missed some).
      const onSigned = (note: string): void => publish(this.topics.checkpoint, enc.encode(note));
      const onFinal = (f: FinalCheckpoint): void => publish(this.topics.checkpoint, enc.encode(f.note));
      // A final checkpoint whose branch is not stored: fetch it (one fetch at a time; the engine retries it).
      const onMissing = (cp: { size: number; root: Uint8Array }): void => {
        void this.#sync?.fetchFinalBranch(cp).then((ok) => {
          if (ok) finality.retryPending();
        });
      };
      finality.on('signed', onSigned);
      finality.on('final', onFinal);
      finality.on('missing', onMissing);
      this.#cleanups.push(() => {
        finality.off('signed', onSigned);
        finality.off('final', onFinal);
        finality.off('missing', onMissing);
      });
    }
  }

  // A cosignature note: new valid signatures are relayed, duplicates and unknown signers ignored, bad ones penalised.
  async #validateCheckpoint(finality: Finality, peer: string, data: Uint8Array): Promise<TopicValidatorResult> {
    try {
      return (await finality.addCosignatures(data)) > 0 ? TopicValidatorResult.Accept : TopicValidatorResult.Ignore;
    } catch (err) {
      if (!(err instanceof ChainNodeError)) throw err;
      if (err.penalty === 0) return TopicValidatorResult.Ignore;
      this.penalise(peer, err);
      return TopicValidatorResult.Reject;
    }
  }

  // Connection events: status exchange, peer bookkeeping, discovery, bans.
  #events(node: Host, sync: Synchronizer, peers: PeerManager): void {
    this.#listen(node, 'peer:connect', (e: CustomEvent<PeerId>) => {
      this.#log.debug({ peer: e.detail.toString() }, 'peer connected');
      sync.peerConnected(e.detail.toString());
    });
    this.#listen(node, 'peer:disconnect', (e: CustomEvent<PeerId>) => {
      this.#log.debug({ peer: e.detail.toString() }, 'peer disconnected');
      sync.peerDisconnected(e.detail.toString());
    });
    this.#listen(node, 'peer:identify', (e: CustomEvent<IdentifyResult>) =>
      peers.remember(e.detail.peerId.toString(), e.detail.listenAddrs, e.detail.connection),
    );
    this.#listen(node, 'peer:discovery', (e: CustomEvent<PeerInfo>) => peers.discovered(e.detail.id));
    const onBan = (b: BanEvent): void => {
      // Its addresses too, so a fresh key from the same place is refused (loopback is exempt by default).
      const addresses: string[] = [];
      for (const c of node.getConnections().filter((x) => x.remotePeer.toString() === b.peer)) {
        const ip = ipOf(c.remoteAddr);
        if (ip !== undefined && this.addressBans.ban(ip, b.until, b.reason, b.peer, b.code)) addresses.push(ip);
      }
      this.#log.warn({ peer: b.peer, addresses, reason: b.reason, until: new Date(b.until).toISOString() }, 'peer banned');
      peers.book.forget(b.peer);
      void node.hangUp(peerIdFromString(b.peer)).catch(() => undefined);
    };
    this.penalties.on('ban', onBan);
    this.#cleanups.push(() => this.penalties.off('ban', onBan));
  }

  // A peer's transactions are accounted to its address (peer ids are free to make), for fair mempool eviction.
  #sourceOf(node: Host, peer: string): string {
    const conn = node.getConnections(peerIdFromString(peer))[0];
    const ip = conn === undefined ? undefined : ipOf(conn.remoteAddr);
    return ip === undefined ? `peer:${peer}` : addressSource('peer', ip);
  }

  // The gossipsub implementation scores peers; its public interface type does not declare getScore.
  #score(peer: string): number {
    const impl = this.#node?.services.pubsub as unknown as { getScore?: (p: string) => number } | undefined;
    return impl?.getScore?.(peer) ?? 0;
  }

  #listen<E extends Event>(node: Host, name: string, fn: (e: E) => void): void {
    const listener = fn as unknown as (e: Event) => void;
    node.addEventListener(name as 'peer:connect', listener);
    this.#cleanups.push(() => node.removeEventListener(name as 'peer:connect', listener));
  }

  async #randomWalk(signal: AbortSignal): Promise<void> {
    for await (const _ of this.node.peerRouting.getClosestPeers(PeerManager.randomKey(), { signal })) {
      if (this.#peers!.connected >= this.options.targetPeers) break;
    }
  }

  /** Add penalty points to a peer (bans it at the threshold): a typed penalty, or the error it was rejected with. */
  penalise(peer: string, input: PenaltyInput): void {
    const penalty = toPenalty(input);
    const { code, points } = penalty;
    if (points <= 0) return;
    const reason = penaltyReason(penalty);
    const total = this.penalties.penalise(peer, points, reason, code);
    this.#metrics.penalties.inc({ code }, points);
    this.#log.info({ peer, points, total: Math.round(total), reason }, 'peer penalised');
  }

  /** Stop everything (idempotent). */
  async stop(): Promise<void> {
    for (const c of this.#cleanups.splice(0)) c();
    await this.#peers?.stop();
    await this.#sync?.stop();
    await this.#node?.stop();
    // Blocks handed to the chain by gossip validators finish before the store closes.
    await this.#d.chain.idle();
  }

  /** Sync state for /status and /health/ready. */
  syncState(): SyncState {
    return this.#sync?.state() ?? { progress: 1, syncing: false };
  }

  /** Connected peer count. */
  peerCount(): number {
    return this.#node?.getPeers().length ?? 0;
  }

  /** Our multiaddrs with /p2p/<id>, for other nodes' bootstrap lists. */
  addresses(): string[] {
    return this.#node?.getMultiaddrs().map((a) => a.toString()) ?? [];
  }

  /** Connected peers with gossip score, addresses, direction and reported height. */
  peers(): PeerSummary[] {
    const node = this.#node;
    if (node === undefined) return [];
    const out = new Map<string, PeerSummary>();
    for (const c of node.getConnections()) {
      const id = c.remotePeer.toString();
      const p = out.get(id);
      if (p !== undefined) {
        p.addresses.push(c.remoteAddr.toString());
        continue;
      }
      const height = this.#sync?.peerHeight(id);
      out.set(id, {
        id,
        addresses: [c.remoteAddr.toString()],
        score: Math.round(this.#score(id) * 100) / 100,
        direction: c.direction,
        ...(height === undefined ? {} : { height }),
      });
    }
    return [...out.values()];
  }

  /** Bans in force: peer ids, and addresses and subnets banned with them. */
  bans(): PeerBans {
    return bansJson(this.penalties, this.addressBans, (this.#d.now ?? Date.now)());
  }

  /** Dial a peer by multiaddr or host:port (an operator's choice also lifts a ban on that peer). */
  async connect(addr: string): Promise<string> {
    const node = this.node;
    const addrs = await resolvePeerAddress(addr, this.#d.chain.ctx.params.ports.p2p, this.#d.lookup);
    const id = peerIdOf(addrs[0]!);
    if (id !== undefined) this.penalties.unban(id);
    for (const a of addrs) {
      const ip = ipOf(a);
      if (ip !== undefined) this.addressBans.unban(ip);
    }
    let last: unknown;
    for (const a of addrs) {
      try {
        const conn = await node.dial(a, { signal: AbortSignal.timeout(10_000) });
        const peer = conn.remotePeer.toString();
        this.penalties.unban(peer);
        return peer;
      } catch (err) {
        last = err;
      }
    }
    throw new P2pError(P2pErrorCode.dialFailed, `cannot connect to ${addr}: ${(last as Error | undefined)?.message ?? 'no address'}`, { cause: last });
  }

  /** Disconnect a peer and refuse it (both ways) for the disconnect cooldown. */
  async disconnect(id: string): Promise<void> {
    let peer: PeerId;
    try {
      peer = peerIdFromString(id);
    } catch (err) {
      throw new P2pError(P2pErrorCode.badPeerId, `'${id}' is not a peer id`, { cause: err });
    }
    this.penalties.ban(id, this.options.disconnectCooldownMs, `${BanCode.operator}: disconnected by the operator`, BanCode.operator);
    await this.node.hangUp(peer);
  }

  /** Peer management for the node (the API serves it). */
  control(): PeerControls {
    return {
      list: () => this.peers(),
      addresses: () => this.addresses(),
      bans: () => this.bans(),
      connect: async (addr) => void (await this.connect(addr)),
      disconnect: (id) => this.disconnect(id),
    };
  }
}
