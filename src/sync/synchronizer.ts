import type { Logger } from 'pino';
import type { TreeNode } from '../chain/block-tree.js';
import type { Chain } from '../chain/chain.js';
import type { SignatureCache } from '../chain/signature-cache.js';
import { BlockError } from '../chain/errors.js';
import type { BatchVerifier } from '../crypto/verify-pool.js';
import { ChainNodeError } from '../errors.js';
import { P2pErrorCode, P2pPenalty } from '../wire/errors.js';
import type { PenaltyInput } from '../wire/penalty.js';
import { Block } from '../primitives/block.js';
import { bytesEqual, toHex } from '../util/bytes.js';
import type { CborValue } from '../primitives/cbor.js';
import { DecodeError } from '../primitives/errors.js';
import { BlockDownloader } from './downloader.js';
import { fetchHeaderChain } from './header-chain.js';
import type { HeaderNode } from './headers.js';
import { decodeBlocks, decodeStatus, encodeGetBlocks, encodeGetHeaders, encodeStatus, MAX_HEADERS, type ChainStatus } from './messages.js';
import { resolveSyncOptions, type ResolvedSyncOptions, type SyncOptions } from './options.js';
import { SyncProgress, type SyncState } from './progress.js';
import { localStatus, SyncServer, type SyncProtocol } from './server.js';

/** How sync reaches peers; the p2p network implements it over libp2p protocols. */
export interface SyncTransport {
  /** One request/response exchange on a sync protocol. */
  request(peer: string, protocol: SyncProtocol, message: CborValue, signal?: AbortSignal): Promise<CborValue>;
  /** Penalise a peer: a typed penalty, or the error its message was rejected with. */
  penalise(peer: string, penalty: PenaltyInput): void;
  disconnect(peer: string, reason: string): void;
}

/** Dependencies of the synchronizer. */
export interface SyncDependencies {
  chain: Chain;
  transport: SyncTransport;
  logger: Logger;
  progress?: SyncProgress;
  /** Verify pool and signature cache shared with the chain: signatures are checked ahead of connecting. */
  verifyPool?: BatchVerifier;
  sigCache?: SignatureCache;
  /** Called with each block received from a peer before it is processed (the network does not re-publish it). */
  onBlock?: (block: Block) => void;
  now?: () => number;
}

interface PeerState {
  status?: ChainStatus;
  lastRequest: number;
  /** Claimed work that a session failed to get: not retried until the peer reports other work or it expires. */
  failedWork?: bigint;
  failedAt?: number;
}

// A block from a peer was rejected while connecting: its sender is already penalised.
class BlockRejected extends Error {}

/**
 * Headers-first synchronisation (SPEC 9). Peers' statuses are exchanged on connect and re-checked periodically;
 * when a peer reports more cumulative work, its headers are fetched by locator and fully checked (linkage, proof
 * of work, ASERT bits, time) and their total work compared with ours before any body is downloaded. Bodies then
 * come from several peers in parallel and are connected in order, which also covers catching up after downtime
 * and reorganising onto a heavier fork.
 */
export class Synchronizer {
  readonly server: SyncServer;
  readonly progress: SyncProgress;
  readonly #o: ResolvedSyncOptions;
  readonly #d: SyncDependencies;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #peers = new Map<string, PeerState>();
  readonly #abort = new AbortController();
  #running: Promise<void> | undefined;
  #finalFetch: Promise<boolean> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: SyncOptions, deps: SyncDependencies) {
    this.#o = resolveSyncOptions(options);
    this.#d = deps;
    this.#log = deps.logger.child({ module: 'sync' });
    this.#now = deps.now ?? Date.now;
    this.progress = deps.progress ?? new SyncProgress();
    this.server = new SyncServer(this.#o, { chain: deps.chain, onStatus: (peer, s) => this.#setStatus(peer, s), now: deps.now });
  }

  /** Start the periodic status re-check. */
  start(): void {
    this.#timer = setInterval(() => {
      for (const peer of this.#peers.keys()) void this.refresh(peer);
    }, this.#o.statusIntervalMs);
    this.#timer.unref();
  }

  /** Stop syncing and wait for the current session to wind down. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#abort.abort(new Error('sync stopped'));
    await this.#running?.catch(() => undefined);
    this.progress.end();
  }

  /** Sync state for the API. */
  state(): SyncState {
    return this.progress.state();
  }

  /** Height a peer last reported. */
  peerHeight(peer: string): number | undefined {
    return this.#peers.get(peer)?.status?.height;
  }

  /** A peer relayed a valid block at `height`: it has at least that height (for the peer list and downloads). */
  peerHasHeight(peer: string, height: number): void {
    const s = this.#peers.get(peer)?.status;
    if (s !== undefined && height > s.height) s.height = height;
  }

  /** A peer connected: exchange statuses. */
  peerConnected(peer: string): void {
    if (!this.#peers.has(peer)) this.#peers.set(peer, { lastRequest: 0 });
    void this.refresh(peer, true);
  }

  /** A peer disconnected. */
  peerDisconnected(peer: string): void {
    this.#peers.delete(peer);
  }

  /** A peer announced a block we cannot place (unknown parent): re-check its status. */
  blockAnnounced(peer: string): void {
    void this.refresh(peer);
  }

  /** Ask a peer for its status (at most once per `statusMinIntervalMs` unless forced); may start a sync. */
  async refresh(peer: string, force = false): Promise<void> {
    const st = this.#peers.get(peer);
    if (st === undefined || this.#abort.signal.aborted) return;
    const now = this.#now();
    if (!force && now - st.lastRequest < this.#o.statusMinIntervalMs) return;
    st.lastRequest = now;
    try {
      const reply = await this.#d.transport.request(peer, 'status', encodeStatus(localStatus(this.#d.chain)), this.#abort.signal);
      this.#setStatus(peer, decodeStatus(reply));
    } catch (err) {
      this.#fault(peer, err, 'status');
    }
  }

  #setStatus(peer: string, status: ChainStatus): void {
    let st = this.#peers.get(peer);
    if (st === undefined) this.#peers.set(peer, (st = { lastRequest: 0 }));
    if (!bytesEqual(status.genesis, localStatus(this.#d.chain).genesis)) {
      this.#log.warn({ peer }, 'peer follows another genesis block; disconnecting');
      this.#d.transport.penalise(peer, { code: P2pErrorCode.wrongGenesis, points: P2pPenalty.wrongGenesis, detail: 'peer follows another genesis block' });
      this.#d.transport.disconnect(peer, 'different genesis');
      this.#peers.delete(peer);
      return;
    }
    if (st.failedWork !== undefined && (status.work !== st.failedWork || this.#now() - (st.failedAt ?? 0) > this.#o.statusIntervalMs))
      st.failedWork = undefined;
    st.status = status;
    this.#maybeSync();
  }

  #fault(peer: string, err: unknown, what: string): void {
    if (this.#abort.signal.aborted) return;
    if (err instanceof BlockRejected) {
      // Already penalised.
    } else if (err instanceof DecodeError) {
      this.#d.transport.penalise(peer, { code: err.code, points: P2pPenalty.malformed, detail: `${what}: ${err.message}` });
    } else if (err instanceof ChainNodeError) {
      if (err.penalty > 0) this.#d.transport.penalise(peer, { code: err.code, points: err.penalty, detail: what });
    }
    this.#log.debug({ peer, err: (err as Error).message }, `${what} failed`);
  }

  #bestPeer(): [string, ChainStatus] | undefined {
    const ours = this.#d.chain.tip.chainWork;
    let best: [string, ChainStatus] | undefined;
    for (const [peer, st] of this.#peers) {
      const s = st.status;
      if (s === undefined || s.work <= ours || st.failedWork === s.work) continue;
      if (this.#d.chain.hasBlock(s.tip)) continue;
      if (best === undefined || s.work > best[1].work) best = [peer, s];
    }
    return best;
  }

  #maybeSync(): void {
    if (this.#abort.signal.aborted) return;
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    const best = this.#bestPeer();
    if (best === undefined) return;
    this.#running = this.#session(best[0], best[1])
      .catch((err: unknown) => {
        this.#noProgress(best[0], best[1]);
        this.#fault(best[0], err, 'sync');
        if (!(err instanceof BlockRejected)) this.#log.info({ peer: best[0], err: (err as Error).message }, 'sync round failed');
      })
      .finally(() => {
        this.#running = undefined;
        this.progress.end();
        if (this.#again || this.#bestPeer() !== undefined) {
          this.#again = false;
          // Let the event loop breathe between sessions (gossip, API).
          setImmediate(() => this.#maybeSync());
        }
      });
  }

  async #session(peer: string, status: ChainStatus): Promise<void> {
    const chain = this.#d.chain;
    const startWork = chain.tip.chainWork;
    this.#log.debug({ peer, height: status.height, ours: chain.height }, 'peer has more work; fetching headers');
    const fetched = await fetchHeaderChain(
      chain,
      status,
      (locator) => this.#d.transport.request(peer, 'headers', encodeGetHeaders({ locator, max: MAX_HEADERS }), this.#abort.signal),
      this.#now,
    );
    const headers = fetched.headers;
    // Headers that arrived before a failed request are kept: their blocks are downloaded now, the rest next round.
    if (fetched.error !== undefined) this.#fault(peer, fetched.error, 'headers');
    const last = headers.at(-1);
    if (last === undefined || last.chainWork <= chain.tip.chainWork) {
      // The peer claimed more work than its headers show (or we caught up meanwhile): do not ask again for it.
      this.#noProgress(peer, status);
      // Only a peer whose answers ended short of its claim is lying; a round cut short (cap, failure) proves nothing.
      if (fetched.complete && chain.tip.chainWork <= startWork && (last?.chainWork ?? 0n) < status.work)
        this.#d.transport.penalise(peer, { code: P2pErrorCode.falseWork, points: P2pPenalty.falseWork, detail: 'claimed work not backed by headers' });
      return;
    }
    const items = headers.filter((h) => !chain.hasBlock(h.hash));
    if (items.length === 0) {
      this.#noProgress(peer, status);
      return;
    }
    const base = chain.tree.get(items[0]!.parent.hash);
    if (base !== undefined && !chain.branchAllowed(base)) {
      // Deeper than the chain follows (or below a final checkpoint): not a fault of the peer, and not followed.
      this.#log.warn({ peer, fork: base.height, height: chain.height }, "peer's heavier chain forks too far below our tip; not following it");
      this.#noProgress(peer, status);
      return;
    }
    const from = items[0]!.height - 1;
    this.#log.info({ peer, from, to: last.height, blocks: items.length }, 'headers checked; downloading blocks');
    this.progress.begin(Math.min(from, chain.height), last.height);
    const t0 = this.#now();
    const downloader = new BlockDownloader(this.#o, {
      fetch: (p, hashes, signal) => this.#fetchBlocks(p, hashes, signal),
      peers: (height) => this.#servingPeers(height, peer),
      penalise: (p, penalty) => this.#d.transport.penalise(p, penalty),
      decode: (bytes) => Block.decode(bytes, { maxBlockBytes: chain.ctx.params.maxBlockBytes, maxTxBytes: chain.ctx.params.maxTxBytes }),
      process: (block, p) => this.#process(block, p),
      preverify: this.#d.verifyPool !== undefined && this.#d.sigCache !== undefined ? (blocks) => this.#preverify(blocks) : undefined,
      logger: this.#log,
    });
    await downloader.run(items, this.#abort.signal, () => this.progress.update(chain.height));
    if (chain.tip.chainWork <= startWork) this.#noProgress(peer, status);
    const secs = (this.#now() - t0) / 1000;
    this.#log.info({ height: chain.height, tip: chain.tip.header.hashHex, blocks: items.length, seconds: Number(secs.toFixed(1)) }, 'sync round complete');
  }

  // A round that did not raise our chain work is not retried with this peer until its status changes or expires.
  #noProgress(peer: string, status: ChainStatus): void {
    const st = this.#peers.get(peer);
    if (st === undefined) return;
    st.failedWork = status.work;
    st.failedAt = this.#now();
  }

  // Peers that may hold block `height` of the chain being downloaded, the session's peer first.
  #servingPeers(height: number, primary: string): string[] {
    const out: string[] = [];
    for (const [p, st] of this.#peers) if (p !== primary && (st.status?.height ?? -1) >= height) out.push(p);
    return this.#peers.has(primary) ? [primary, ...out] : out;
  }

  async #fetchBlocks(peer: string, hashes: Uint8Array[], signal: AbortSignal): Promise<Array<Uint8Array | null>> {
    const reply = await this.#d.transport.request(peer, 'blocks', encodeGetBlocks({ hashes }), signal);
    return decodeBlocks(reply, hashes.length);
  }

  async #process(block: Block, peer: string): Promise<void> {
    this.#d.onBlock?.(block);
    try {
      // Requested: its header chain showed more work than our tip, so its branch is stored while still behind.
      await this.#d.chain.processBlock(block, { peer, requested: true });
    } catch (err) {
      if (!(err instanceof BlockError)) throw err;
      if (err.penalty > 0) this.#d.transport.penalise(peer, { code: err.code, points: err.penalty, detail: `in block ${block.header.hashHex}` });
      throw new BlockRejected(`${err.code}: ${err.message}`);
    }
  }

  async #preverify(blocks: readonly Block[]): Promise<void> {
    const cache = this.#d.sigCache!;
    const txs = blocks.flatMap((b) => b.txs).filter((tx) => !cache.has(tx.txidHex));
    if (txs.length === 0) return;
    try {
      const ok = await this.#d.verifyPool!.verifyBatch(txs.map((tx) => ({ sig: tx.fields.sig, msgHash: tx.sigHash, publicKey: tx.fields.from })));
      for (let i = 0; i < txs.length; i++) if (ok[i]) cache.add(txs[i]!.txidHex);
    } catch (err) {
      // Connecting verifies whatever is not cached, so a failed pre-check only costs time.
      this.#log.debug({ err: (err as Error).message }, 'signature pre-verification failed');
    }
  }

  /**
   * Fetch the branch of a final checkpoint this node is not on (SPEC 12): headers by locator from each peer in
   * turn until one's chain has, at height `size - 1`, a header whose log root at `size` is the checkpoint's; then
   * its missing blocks up to that header are downloaded as requested blocks (stored even with less work) for the
   * finality engine to adopt. One fetch at a time (a call while one runs joins it); each peer's round is bounded by
   * `finalFetchTimeoutMs`. A peer is never penalised for serving a lighter branch, only for invalid data. Resolves
   * true when the branch's last block is stored.
   */
  fetchFinalBranch(target: { size: number; root: Uint8Array }): Promise<boolean> {
    this.#finalFetch ??= this.#fetchFinal(target).finally(() => {
      this.#finalFetch = undefined;
    });
    return this.#finalFetch;
  }

  async #fetchFinal(target: { size: number; root: Uint8Array }): Promise<boolean> {
    const chain = this.#d.chain;
    const genesis = localStatus(chain).genesis;
    for (const peer of [...this.#peers.keys()]) {
      if (this.#abort.signal.aborted) return false;
      const signal = AbortSignal.any([this.#abort.signal, AbortSignal.timeout(this.#o.finalFetchTimeoutMs)]);
      try {
        const status: ChainStatus = { genesis, tip: genesis, height: target.size - 1, work: 0n };
        const fetched = await fetchHeaderChain(
          chain,
          status,
          (locator) => this.#d.transport.request(peer, 'headers', encodeGetHeaders({ locator, max: MAX_HEADERS }), signal),
          this.#now,
        );
        const items = await this.#finalPath(fetched.headers, target);
        if (items === undefined) continue;
        // Already stored: nothing to fetch (the engine's failure to adopt it is not cured by fetching again).
        if (items.length === 0) return false;
        this.#log.info({ peer, size: target.size, blocks: items.length }, 'downloading the branch of a final checkpoint');
        const downloader = new BlockDownloader(this.#o, {
          fetch: (p, hashes, s) => this.#fetchBlocks(p, hashes, s),
          peers: () => (this.#peers.has(peer) ? [peer] : []),
          penalise: (p, penalty) => this.#d.transport.penalise(p, penalty),
          decode: (bytes) => Block.decode(bytes, { maxBlockBytes: chain.ctx.params.maxBlockBytes, maxTxBytes: chain.ctx.params.maxTxBytes }),
          process: (block, p) => this.#process(block, p),
          logger: this.#log,
        });
        await downloader.run(items, signal);
        return true;
      } catch (err) {
        // Bad headers or blocks are faults; a branch that conflicts with our own final block (or a timeout) is not.
        if (!(err instanceof ChainNodeError && err.code === 'HEADERS_CONFLICT_FINAL')) this.#fault(peer, err, 'final branch fetch');
        this.#log.debug({ peer, err: (err as Error).message }, 'final branch fetch failed');
      }
    }
    return false;
  }

  // The headers (from a peer's chain) up to the checkpoint's last leaf, when their log root at `size` matches.
  async #finalPath(headers: readonly HeaderNode[], target: { size: number; root: Uint8Array }): Promise<HeaderNode[] | undefined> {
    const chain = this.#d.chain;
    const end = headers.findIndex((h) => h.height === target.size - 1);
    if (end < 0) return undefined;
    const path = headers.slice(0, end + 1);
    // The fetched headers start on a stored block, maybe on a side branch: the log leaves from the main chain's fork.
    const base = chain.tree.get(path[0]!.parent.hash);
    if (base === undefined) return undefined;
    const fork = chain.tree.fork(chain.tip, base);
    if (fork === undefined || fork.height + 1 > chain.headerLog.size) return undefined;
    const stored = [];
    for (let n: TreeNode | undefined = base; n !== undefined && n !== fork; n = n.parent) stored.unshift(n.header);
    const root = await chain.headerLog.rootWithBranch(fork.height + 1, [...stored, ...path.map((h) => h.header)]);
    if (!bytesEqual(root, target.root)) return undefined;
    return path.filter((h) => !chain.hasBlock(h.hash));
  }

  /** Status of every peer that reported one (hex tip, height). */
  statuses(): Array<{ peer: string; height: number; tip: string }> {
    return [...this.#peers].flatMap(([peer, st]) => (st.status === undefined ? [] : [{ peer, height: st.status.height, tip: toHex(st.status.tip) }]));
  }
}
