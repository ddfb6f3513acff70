import type { Chain } from '../chain/chain.js';
import { chainId } from '../consensus/networks.js';
import { P2pErrorCode, P2pPenalty, P2pError } from '../wire/errors.js';
import { EncodedReply } from '../wire/rpc.js';
import { enforceRateLimit, ServedRateLimit } from '../wire/rate-limit.js';
import type { CborValue } from '../primitives/cbor.js';
import { DecodeError } from '../primitives/errors.js';
import { locatorFork, mainChainAfter } from './locator.js';
import {
  decodeGetBlocks,
  decodeGetHeaders,
  decodeStatus,
  encodeBlocksBytes,
  encodeHeaders,
  encodeStatus,
  MAX_BLOCKS_RESPONSE_BYTES,
  type ChainStatus,
} from './messages.js';
import type { ResolvedSyncOptions } from './options.js';

const READ_GROUP = 16;

/** The request/response protocols sync serves and uses. */
export type SyncProtocol = 'status' | 'headers' | 'blocks';

/** The node's own status. */
export function localStatus(chain: Chain): ChainStatus {
  const tip = chain.tip;
  return { genesis: chainId(chain.ctx.params), tip: tip.hash, height: tip.height, work: tip.chainWork };
}

/**
 * Server side of the sync protocols: answers status, headers by locator and blocks by hash from the chain, with
 * per-peer token-bucket rate limits (over the limit: refused without penalty unless abusive). `onStatus` receives the status a peer sends with its request.
 */
export class SyncServer {
  readonly #chain: Chain;
  readonly #onStatus: (peer: string, status: ChainStatus) => void;
  readonly #limits: Record<SyncProtocol, ServedRateLimit>;

  constructor(options: ResolvedSyncOptions, deps: { chain: Chain; onStatus: (peer: string, status: ChainStatus) => void; now?: () => number }) {
    this.#chain = deps.chain;
    this.#onStatus = deps.onStatus;
    const now = deps.now ?? Date.now;
    this.#limits = {
      status: new ServedRateLimit(options.rateLimits.status, now),
      headers: new ServedRateLimit(options.rateLimits.headers, now),
      blocks: new ServedRateLimit(options.rateLimits.blocks, now),
    };
  }

  /** Answer one request (throws ChainNodeError with a penalty for abuse). */
  async handle(protocol: SyncProtocol, request: CborValue, peer: string): Promise<CborValue | EncodedReply> {
    enforceRateLimit(this.#limits[protocol], peer, protocol);
    try {
      switch (protocol) {
        case 'status': {
          const theirs = decodeStatus(request);
          this.#onStatus(peer, theirs);
          return encodeStatus(localStatus(this.#chain));
        }
        case 'headers': {
          const req = decodeGetHeaders(request);
          const tree = this.#chain.tree;
          const nodes = mainChainAfter(tree, locatorFork(tree, req.locator), req.max);
          return encodeHeaders(nodes.map((n) => n.header.bytes));
        }
        case 'blocks':
          return await this.#blocks(request);
      }
    } catch (err) {
      if (err instanceof DecodeError) throw new P2pError(P2pErrorCode.malformed, `${protocol}: ${err.message}`, { penalty: P2pPenalty.malformed, cause: err });
      throw err;
    }
  }

  async #blocks(request: CborValue): Promise<EncodedReply> {
    const req = decodeGetBlocks(request);
    const out: Array<Uint8Array | null> = [];
    let bytes = 0;
    // Bodies are read a group at a time (one read each), so a request for many large blocks stops reading soon
    // after the response is full.
    for (let start = 0; start < req.hashes.length; start += READ_GROUP) {
      const group = req.hashes.slice(start, start + READ_GROUP);
      const known = group.filter((h) => this.#chain.hasBlock(h));
      const bodies = await this.#chain.store.getBlocksBytes(known);
      let k = 0;
      for (const h of group) {
        const b = k < known.length && known[k] === h ? bodies[k++] : undefined;
        if (b !== undefined && out.length > 0 && bytes + b.byteLength > MAX_BLOCKS_RESPONSE_BYTES) return new EncodedReply(encodeBlocksBytes(out));
        out.push(b ?? null);
        bytes += b?.byteLength ?? 0;
      }
    }
    return new EncodedReply(encodeBlocksBytes(out));
  }
}
