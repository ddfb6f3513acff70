import type { EventEmitter } from 'node:events';
import type { RecordProof } from '../consensus/record-proof.js';
import type { IdentityIndex } from '../ident/identity-index.js';
import type { Block } from '../primitives/block.js';
import type { BlockKeyHex } from '../primitives/header.js';
import type { TxLocation } from '../store/chain-store.js';
import type { Page, PageRequest } from '../store/pages.js';
import type { QueryIndexOptions } from '../store/query-index.js';
import type { QueryReader } from '../store/query-reader.js';
import type { TreeNode } from './block-tree.js';
import type { ChainEvents } from './events.js';
import type { HeaderLog } from './header-log.js';

/** The identity index as readers see it (DIDs, rotations, flags): no batch builders. */
export type IdentityReader = Pick<IdentityIndex, 'keyRecord' | 'identity' | 'note' | 'flagsOfMany'>;

/** The header log as readers see it (SPEC 12 proofs): no append or removal. */
export type HeaderLogReader = Pick<HeaderLog, 'size' | 'rootAt' | 'inclusionProof' | 'consistencyProof'>;

/**
 * What read-only consumers (the API, event streams) may see of the chain: blocks, the main chain, indexes and
 * proofs, and the chain's events. Nothing here writes, and neither the store nor the block tree is reachable, so
 * a route cannot depend on their internals. {@link Chain} implements it.
 */
export interface ChainReader extends Pick<EventEmitter<ChainEvents>, 'on' | 'off'> {
  /** The main-chain tip. */
  readonly tip: TreeNode;
  /** Main-chain height. */
  readonly height: number;
  /** The network's chain id (SPEC 2). */
  readonly chainId: Uint8Array;
  /** The last main-chain block covered by the latest final checkpoint (SPEC 12), if any. */
  readonly finalNode: TreeNode | undefined;
  readonly identity: IdentityReader;
  readonly headerLog: HeaderLogReader;
  /** Counts, ranges, rows and aggregates of the query indexes. */
  readonly query: QueryReader;
  /** Options of the query indexes in force (which kinds are aggregated). */
  readonly queryOptions: QueryIndexOptions;
  /** A known block's tree node (hash bytes, or hex in natural order), main chain or not. */
  node(hash: Uint8Array | BlockKeyHex): TreeNode | undefined;
  /** The main-chain block at a height. */
  nodeAt(height: number): TreeNode | undefined;
  /**
   * Main-chain blocks removed so far (reorgs): the same value before and after an index read means every block
   * the read saw entries of is still on the main chain at its height, so the entries need no second check.
   */
  readonly mainRemovals: number;
  /** True when the block is on the main chain. */
  isMain(node: TreeNode): boolean;
  /** A stored block (decoded), main chain or not. */
  getBlock(hash: Uint8Array | BlockKeyHex): Promise<Block | undefined>;
  /** A stored block's canonical encoding. */
  getBlockBytes(hash: Uint8Array | BlockKeyHex): Promise<Uint8Array | undefined>;
  /** Record proof (SPEC 5) of a main-chain transaction; undefined if not mined. */
  getRecordProof(txid: Uint8Array): Promise<RecordProof | undefined>;
  /** Where a main-chain transaction is. */
  txLocation(txid: Uint8Array): Promise<TxLocation | undefined>;
  /** The next nonce of an actor on the main chain (its record count). */
  nextNonce(actor: Uint8Array): Promise<number>;
  /** {@link nextNonce} of several actors in one read. */
  nextNonces(actors: readonly Uint8Array[]): Promise<number[]>;
  /** An actor's records in nonce order. */
  actionsByActor(actor: Uint8Array, page?: PageRequest): Promise<Page<{ nonce: number; txid: Uint8Array }>>;
  /** A subject's records in chain order. */
  actionsBySubject(subject: string, page?: PageRequest): Promise<Page<{ height: number; index: number; txid: Uint8Array }>>;
}
