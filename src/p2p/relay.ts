import { TopicValidatorResult } from '@libp2p/gossipsub';
import type { Logger } from 'pino';
import type { Chain } from '../chain/chain.js';
import type { SignatureCache } from '../chain/signature-cache.js';
import { BlockError } from '../chain/errors.js';
import { checkProofOfWork } from '../consensus/pow.js';
import { ChainNodeError, Penalty } from '../errors.js';
import type { Mempool } from '../mempool/mempool.js';
import { Block } from '../primitives/block.js';
import { blockTxSlices } from '../primitives/block-txs.js';
import { bytesEqual, toHex } from '../util/bytes.js';
import { checkKeys, isCborMap, read, type CborValue } from '../primitives/cbor.js';
import { decodeCode, DecodeError, DecodeErrorCode } from '../primitives/errors.js';
import { Transaction } from '../primitives/transaction.js';
import {
  compactLimits,
  compactRootMatches,
  completeBlock,
  decodeCompact,
  encodeCompact,
  fillMissing,
  rebuildFrom,
  toCompact,
  type CompactBlock,
  type CompactLimits,
} from './compact.js';
import { P2pErrorCode, P2pPenalty, P2pError } from '../wire/errors.js';
import type { PenaltyInput } from '../wire/penalty.js';
import { enforceRateLimit, PROTOCOL_RATE_LIMITS, ServedRateLimit, type RateLimit } from '../wire/rate-limit.js';

/** What the relay needs from the network. */
export interface RelayDependencies {
  chain: Chain;
  mempool: Mempool;
  logger: Logger;
  /** Signature cache shared with the chain: mempool transactions were verified on entry. */
  sigCache?: SignatureCache;
  /** Penalise a peer: a typed penalty, or the error its message was rejected with. */
  penalise(peer: string, penalty: PenaltyInput): void;
  /** Ask `peer` for transactions of a block by position (getblocktxn). */
  requestTxs(peer: string, blockHash: Uint8Array, indexes: number[]): Promise<CborValue>;
  /** Ask `peer` for one full block by hash (the blocks-by-hash protocol). */
  requestBlock(peer: string, hash: Uint8Array): Promise<Uint8Array | null>;
  /** A peer announced a block whose parent we lack: check whether it is ahead of us. */
  blockAnnounced(peer: string): void;
  /** A block from the network is about to be processed (so it is not published again as our own). */
  onBlock(block: Block): void;
  /** A peer relayed a valid block at `height` (so it has at least that height). */
  onAccepted?(peer: string, height: number): void;
  /** Per-peer limit of served getblocktxn requests (default: the published one). */
  getBlockTxnLimit?: RateLimit;
  now?: () => number;
  /** The mempool source of a peer's transactions (its address; see `addressSource`); default the peer id. */
  sourceOf?(peer: string): string;
}

/** Counters of relay outcomes (for logs, metrics and tests). */
export interface RelayStats {
  compactBlocks: number;
  /** Compact blocks rebuilt entirely from the mempool. */
  rebuiltFromMempool: number;
  /** Compact blocks completed with getblocktxn. */
  txsFetched: number;
  /** Compact blocks that fell back to the full block. */
  fullBlockFallbacks: number;
}

/**
 * Gossip validation and compact block relay. Topic validators map outcomes to Accept, Reject (the sender is
 * penalised: invalid signature, bad proof of work, wrong bits, bad Merkle root, malformed) and Ignore
 * (duplicate, unknown parent, future time, mempool full, a side block behind the tip or one too far from it to
 * become best): a rejection's penalty decides (0 = Ignore).
 */
export class Relay {
  readonly stats: RelayStats = { compactBlocks: 0, rebuiltFromMempool: 0, txsFetched: 0, fullBlockFallbacks: 0 };
  readonly limits: CompactLimits;
  readonly #d: RelayDependencies;
  readonly #log: Logger;
  readonly #getBlockTxnLimit: ServedRateLimit;
  // Txids being added from gossip: their `tx:added` events must not be published again.
  readonly #fromGossip = new Set<string>();

  constructor(deps: RelayDependencies) {
    this.#d = deps;
    this.#log = deps.logger;
    this.limits = compactLimits(deps.chain.ctx.params.maxBlockBytes);
    this.#getBlockTxnLimit = new ServedRateLimit(deps.getBlockTxnLimit ?? PROTOCOL_RATE_LIMITS.getblocktxn, deps.now);
  }

  /** True while a transaction is being added from gossip. */
  isFromGossip(txid: string): boolean {
    return this.#fromGossip.has(txid);
  }

  /** Topic validator of the tx topic. */
  async validateTx(peer: string, data: Uint8Array): Promise<TopicValidatorResult> {
    const maxTxBytes = this.#d.chain.ctx.params.maxTxBytes;
    let tx: Transaction;
    try {
      tx = Transaction.decode(data, { maxBytes: maxTxBytes });
    } catch (err) {
      this.#d.penalise(peer, { code: decodeCode(err, 'TX_MALFORMED'), points: Penalty.high, detail: (err as Error).message });
      return TopicValidatorResult.Reject;
    }
    const id = tx.txidHex;
    this.#fromGossip.add(id);
    try {
      await this.#d.mempool.add(tx, this.#d.sourceOf?.(peer) ?? `peer:${peer}`);
      return TopicValidatorResult.Accept;
    } catch (err) {
      if (!(err instanceof ChainNodeError)) throw err;
      if (err.penalty === 0) return TopicValidatorResult.Ignore;
      this.#d.penalise(peer, { code: err.code, points: err.penalty, detail: `tx ${id}` });
      return TopicValidatorResult.Reject;
    } finally {
      this.#fromGossip.delete(id);
    }
  }

  /** Topic validator of the block topic (compact blocks). */
  async validateBlock(peer: string, data: Uint8Array): Promise<TopicValidatorResult> {
    const chain = this.#d.chain;
    let c: CompactBlock;
    try {
      c = decodeCompact(data, this.limits);
    } catch (err) {
      this.#d.penalise(peer, { code: decodeCode(err, 'BLOCK_MALFORMED'), points: Penalty.high, detail: `compact block: ${(err as Error).message}` });
      return TopicValidatorResult.Reject;
    }
    this.stats.compactBlocks++;
    const hash = c.header.hash;
    if (chain.hasBlock(hash) && chain.invalidReason(hash) === undefined) return TopicValidatorResult.Ignore;
    // Cheap checks before fetching anything: known invalid, proof of work, Merkle root over the txids.
    const reason = chain.invalidReason(hash);
    if (reason !== undefined) return this.#reject(peer, new BlockError('BLOCK_KNOWN_INVALID', `block was rejected before (${reason})`, c.header.hashHex));
    if (!checkProofOfWork(c.header.bytes, chain.ctx.powLimit))
      return this.#reject(peer, new BlockError('BLOCK_BAD_POW', 'block hash does not meet its target', c.header.hashHex));
    if (!compactRootMatches(c))
      return this.#reject(peer, new BlockError('BLOCK_BAD_MERKLE_ROOT', 'merkle root does not match [meta, ...txids]', c.header.hashHex));
    let block: Block | undefined;
    try {
      block = await this.#rebuild(peer, c);
    } catch (err) {
      if (err instanceof ChainNodeError && err.penalty > 0) return this.#reject(peer, err);
      this.#log.debug({ peer, block: c.header.hashHex, err: (err as Error).message }, 'could not rebuild compact block');
      return TopicValidatorResult.Ignore;
    }
    if (block === undefined) return TopicValidatorResult.Ignore;
    try {
      this.#d.onBlock(block);
      const r = await chain.processBlock(block, { peer });
      if (r.status === 'duplicate') return TopicValidatorResult.Ignore;
      // A side block is relayed only while it rivals the tip (a race); one behind it is stored quietly, if at all.
      if (r.status === 'side' && (chain.tree.get(hash)?.chainWork ?? 0n) < chain.tip.chainWork) return TopicValidatorResult.Ignore;
      this.#d.onAccepted?.(peer, r.height);
      return TopicValidatorResult.Accept;
    } catch (err) {
      if (!(err instanceof BlockError)) throw err;
      // The peer may be on a heavier branch we have not seen: its status tells, and sync fetches it headers first.
      if (err.code === 'BLOCK_UNKNOWN_PARENT' || err.code === 'BLOCK_LOW_WORK') this.#d.blockAnnounced(peer);
      if (err.penalty === 0) return TopicValidatorResult.Ignore;
      return this.#reject(peer, err);
    }
  }

  #reject(peer: string, err: ChainNodeError): TopicValidatorResult {
    this.#d.penalise(peer, err);
    return TopicValidatorResult.Reject;
  }

  // Fill from the mempool, fetch what is missing from the sender, else fall back to the full block.
  async #rebuild(peer: string, c: CompactBlock): Promise<Block | undefined> {
    const mempool = this.#d.mempool;
    const cache = this.#d.sigCache;
    const r = rebuildFrom(c, (id) => {
      const tx = mempool.get(id);
      // Pooled transactions passed their signature check on entry: connecting the block need not repeat it.
      if (tx !== undefined) cache?.add(id);
      return tx;
    });
    if (r.missing.length === 0) {
      this.stats.rebuiltFromMempool++;
      return completeBlock(c, r);
    }
    try {
      const reply = await this.#d.requestTxs(peer, c.header.hash, r.missing);
      const txs = decodeTxsReply(reply, r.missing.length, this.#d.chain.ctx.params.maxTxBytes);
      if (!fillMissing(c, r, txs))
        throw new P2pError(P2pErrorCode.malformed, 'getblocktxn reply holds other transactions than requested', { penalty: P2pPenalty.unrequested });
      this.stats.txsFetched++;
      return completeBlock(c, r);
    } catch (err) {
      if (err instanceof ChainNodeError && err.penalty >= P2pPenalty.unrequested) throw err;
      this.#log.debug({ peer, block: c.header.hashHex, missing: r.missing.length, err: (err as Error).message }, 'getblocktxn failed; fetching the full block');
    }
    const bytes = await this.#d.requestBlock(peer, c.header.hash);
    if (bytes === null) return undefined;
    const p = this.#d.chain.ctx.params;
    const block = Block.decode(bytes, { maxBlockBytes: p.maxBlockBytes, maxTxBytes: p.maxTxBytes });
    if (!bytesEqual(block.hash, c.header.hash))
      throw new P2pError(P2pErrorCode.malformed, 'blocks reply holds another block', { penalty: P2pPenalty.unrequested });
    this.stats.fullBlockFallbacks++;
    return block;
  }

  /**
   * Server side of getblocktxn: transactions of a stored block by position, rate limited per peer like the other
   * protocols, sliced out of the stored encoding without decoding the block.
   */
  async handleGetBlockTxn(request: CborValue, peer: string): Promise<CborValue> {
    enforceRateLimit(this.#getBlockTxnLimit, peer, 'getblocktxn');
    let req: GetBlockTxn;
    try {
      req = decodeGetBlockTxn(request, this.limits.maxTxids);
    } catch (err) {
      if (err instanceof DecodeError) throw new P2pError(P2pErrorCode.malformed, `getblocktxn: ${err.message}`, { penalty: P2pPenalty.malformed, cause: err });
      throw err;
    }
    const bytes = await this.#d.chain.getBlockBytes(req.block);
    if (bytes === undefined) throw new P2pError(P2pErrorCode.refused, `unknown block ${toHex(req.block)}`);
    const txs = blockTxSlices(bytes, req.indexes);
    if (txs === undefined)
      throw new P2pError(P2pErrorCode.malformed, `getblocktxn: index ${Math.max(...req.indexes)} out of range`, { penalty: P2pPenalty.malformed });
    return { txs };
  }

  /** The compact form of a block, as published. */
  encodeBlock(block: Block): Uint8Array {
    return encodeCompact(toCompact(block));
  }
}

/** A getblocktxn request: the block and the positions of the wanted transactions. */
export interface GetBlockTxn {
  block: Uint8Array;
  indexes: number[];
}

/** Wire form of a getblocktxn request. */
export function encodeGetBlockTxn(r: GetBlockTxn): CborValue {
  return { block: r.block, indexes: r.indexes };
}

/** Decode a getblocktxn request. */
export function decodeGetBlockTxn(v: CborValue, maxIndexes: number): GetBlockTxn {
  if (!isCborMap(v)) throw new DecodeError(DecodeErrorCode.wrongType, 'getblocktxn must be a map');
  checkKeys(v, ['block', 'indexes'], [], 'getblocktxn');
  const block = read.bytes(v, 'block', 'getblocktxn', { exact: 32 });
  const raw = v.indexes;
  if (!Array.isArray(raw) || raw.length > maxIndexes) throw new DecodeError(DecodeErrorCode.badValue, 'getblocktxn: bad indexes');
  const indexes = raw.map((i) => {
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0)
      throw new DecodeError(DecodeErrorCode.wrongType, 'getblocktxn: indexes must be unsigned integers');
    return i;
  });
  return { block, indexes };
}

/**
 * Decode a getblocktxn reply: exactly `count` strictly decoded transactions. A reply of the wrong shape is
 * P2P_RPC_MALFORMED; a transaction in it that does not decode keeps its own code (e.g. DECODE_TOO_DEEP), the
 * verdict every other path gives the same bytes.
 */
export function decodeTxsReply(v: CborValue, count: number, maxTxBytes: number): Transaction[] {
  let raw: CborValue[];
  try {
    if (!isCborMap(v)) throw new DecodeError(DecodeErrorCode.wrongType, 'blocktxn must be a map');
    checkKeys(v, ['txs'], [], 'blocktxn');
    const txs = v.txs;
    if (!Array.isArray(txs) || txs.length !== count) throw new DecodeError(DecodeErrorCode.badValue, `blocktxn: expected ${count} transactions`);
    raw = txs;
  } catch (err) {
    if (err instanceof DecodeError) throw new P2pError(P2pErrorCode.malformed, err.message, { penalty: P2pPenalty.malformed, cause: err });
    throw err;
  }
  return raw.map((b) => {
    if (!(b instanceof Uint8Array)) throw new P2pError(P2pErrorCode.malformed, 'blocktxn: txs must be bytes', { penalty: P2pPenalty.malformed });
    return Transaction.decode(b, { maxBytes: maxTxBytes });
  });
}
