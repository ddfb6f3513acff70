import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { buildRecordProof, type RecordProof } from '../consensus/record-proof.js';
import { IdentityIndex } from '../ident/identity-index.js';
import type { Block } from '../primitives/block.js';
import { blockKeyHex, type BlockKeyHex } from '../primitives/header.js';
import type { ChainStore, TxLocation } from '../store/chain-store.js';
import type { Page, PageRequest } from '../store/pages.js';
import type { QueryIndexOptions } from '../store/query-index.js';
import type { QueryReader } from '../store/query-reader.js';
import { BoundedMap } from '../util/bounded-map.js';
import { toHex } from '../util/bytes.js';
import { BlockTree, type TreeNode } from './block-tree.js';
import type { ChainEvents } from './events.js';
import { HeaderLog } from './header-log.js';
import type { ChainReader } from './reader.js';
import type { ConsensusContext } from './validate.js';

/**
 * The reading half of the chain ({@link ChainReader}): the block tree, the store's indexes, a cache of recently
 * used blocks and the known-invalid set, all read-only from outside. {@link Chain} adds validation, connecting,
 * reorganising and finality on top of it.
 */
export abstract class ChainView extends EventEmitter<ChainEvents> implements ChainReader {
  readonly ctx: ConsensusContext;
  readonly tree = new BlockTree();
  /** The header log (SPEC 12), kept in every connect and disconnect batch. */
  readonly headerLog: HeaderLog;
  /** The identity index (DIDs, key rotation and revocation), kept in every connect and disconnect batch. */
  readonly identity: IdentityIndex;
  /** Codes of known-invalid blocks by natural-order hex (written by the chain as it rejects blocks). */
  protected readonly invalid = new Map<string, string>();
  readonly #store: ChainStore;
  readonly #cache: BoundedMap<string, Block>;

  protected constructor(ctx: ConsensusContext, store: ChainStore, blockCacheSize: number, logger?: Logger) {
    super();
    this.ctx = ctx;
    this.#store = store;
    this.headerLog = new HeaderLog({ store, logger });
    this.identity = new IdentityIndex({ store });
    this.#cache = new BoundedMap(blockCacheSize);
  }

  /** The last main-chain block covered by the latest final checkpoint, if any. */
  abstract get finalNode(): TreeNode | undefined;

  /** Keep a decoded block at hand (recently connected or accepted blocks are read again soon). */
  protected cacheBlock(hex: string, block: Block): void {
    this.#cache.set(hex, block);
  }

  /** Drop a block from the cache (its body is being deleted). */
  protected uncacheBlock(hex: string): void {
    this.#cache.delete(hex);
  }

  /** The main-chain tip. */
  get tip(): TreeNode {
    return this.tree.tip;
  }

  /** Main-chain removals so far (BlockTree.mainRemovals): unchanged across a read, no reorg happened during it. */
  get mainRemovals(): number {
    return this.tree.mainRemovals;
  }

  /** Main-chain height. */
  get height(): number {
    return this.tree.tip.height;
  }

  /** The store this chain writes to. */
  get store(): ChainStore {
    return this.#store;
  }

  /** The network's chain id (SPEC 2). */
  get chainId(): Uint8Array {
    return this.ctx.chainId;
  }

  /** Counts, ranges, rows and aggregates of the store's query indexes. */
  get query(): QueryReader {
    return this.#store.query;
  }

  /** Options of the query indexes in force. */
  get queryOptions(): QueryIndexOptions {
    return this.#store.queryOptions;
  }

  /** A known block's tree node (hash bytes, or hex in natural order), main chain or not. */
  node(hash: Uint8Array | BlockKeyHex): TreeNode | undefined {
    return this.tree.get(hash);
  }

  /** The main-chain block at a height. */
  nodeAt(height: number): TreeNode | undefined {
    return this.tree.atHeight(height);
  }

  /** True when the block is on the main chain. */
  isMain(node: TreeNode): boolean {
    return this.tree.isMain(node);
  }

  /** Where a main-chain transaction is. */
  txLocation(txid: Uint8Array): Promise<TxLocation | undefined> {
    return this.#store.getTxLocation(txid);
  }

  /** The next nonce of an actor on the main chain. */
  nextNonce(actor: Uint8Array): Promise<number> {
    return this.#store.getNextNonce(actor);
  }

  /** The next nonces of several actors in one read. */
  nextNonces(actors: readonly Uint8Array[]): Promise<number[]> {
    return this.#store.getNextNonces(actors);
  }

  /** An actor's records in nonce order. */
  actionsByActor(actor: Uint8Array, page?: PageRequest): Promise<Page<{ nonce: number; txid: Uint8Array }>> {
    return this.#store.actionsByActor(actor, page);
  }

  /** A subject's records in chain order. */
  actionsBySubject(subject: string, page?: PageRequest): Promise<Page<{ height: number; index: number; txid: Uint8Array }>> {
    return this.#store.actionsBySubject(subject, page);
  }

  /** True when the hash (bytes or hex) is a stored block. */
  hasBlock(hash: Uint8Array | BlockKeyHex): boolean {
    return this.tree.get(hash) !== undefined;
  }

  /** The code a block was rejected with, if it is known invalid (hash bytes, or hex in natural order). */
  invalidReason(hash: Uint8Array | BlockKeyHex): string | undefined {
    return this.invalid.get(typeof hash === 'string' ? hash : toHex(hash));
  }

  /** A stored block (decoded), main chain or not. */
  async getBlock(hash: Uint8Array | BlockKeyHex): Promise<Block | undefined> {
    const hex = typeof hash === 'string' ? hash : blockKeyHex(hash);
    const cached = this.#cache.get(hex);
    if (cached !== undefined) return cached;
    const node = this.tree.get(hex);
    return node === undefined ? undefined : this.#store.getBlock(node.hash);
  }

  /** A stored block's canonical encoding (from the decoded-block cache when there, else one read): nothing decoded. */
  async getBlockBytes(hash: Uint8Array | BlockKeyHex): Promise<Uint8Array | undefined> {
    const hex = typeof hash === 'string' ? hash : blockKeyHex(hash);
    const cached = this.#cache.get(hex);
    if (cached !== undefined) return cached.bytes;
    const node = this.tree.get(hex);
    return node === undefined ? undefined : this.#store.getBlockBytes(node.hash);
  }

  /** Record proof (SPEC 5) of a main-chain transaction, with current confirmations; undefined if not mined. */
  async getRecordProof(txid: Uint8Array): Promise<RecordProof | undefined> {
    const loc = await this.#store.getTxLocation(txid);
    if (loc === undefined) return undefined;
    const node = this.tree.get(loc.blockHash);
    const block = await this.getBlock(loc.blockHash);
    if (node === undefined || block === undefined) return undefined;
    return buildRecordProof(block, loc.index, { confirmations: this.tip.height - node.height + 1, network: this.ctx.params.name });
  }
}
