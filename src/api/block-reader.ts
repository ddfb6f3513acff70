import type { ChainReader } from '../chain/reader.js';
import { blockTxBytes, blockTxRanges, outlineBlock, type BlockOutline } from '../primitives/block-outline.js';
import { toHex } from '../util/bytes.js';
import { Transaction } from '../primitives/transaction.js';

/** Per-request bounds on stored block bytes read. */
export interface ReadBudget {
  /** Most stored block bytes one request reads (past it, a page ends early with a cursor). */
  maxBodyBytes: number;
  /** Most encoded transaction bytes one page returns. */
  maxTxBytes: number;
}

/** Defaults: a few whole maximal blocks read per request, a few MiB of transactions returned. */
export const READ_BUDGET: ReadBudget = { maxBodyBytes: 16 * 1024 * 1024, maxTxBytes: 4 * 1024 * 1024 };

interface Body {
  bytes: Uint8Array;
  outline: BlockOutline;
  ranges?: Uint32Array;
}

/**
 * Reads what one API request needs from stored blocks: a block's outline (tx count, meta) or single transactions,
 * each body read once per request and never decoded whole. `exhausted` turns true when the next read would pass
 * the budget (the first read is always allowed, so every request makes progress).
 */
export class BlockReader {
  readonly #chain: ChainReader;
  readonly #budget: ReadBudget;
  readonly #bodies = new Map<string, Body>();
  #bodyBytes = 0;
  #txBytes = 0;

  constructor(chain: ChainReader, budget: ReadBudget = READ_BUDGET) {
    this.#chain = chain;
    this.#budget = budget;
  }

  /** Whether the request spent its budget (callers stop and hand out a cursor). */
  get exhausted(): boolean {
    return this.#bodyBytes >= this.#budget.maxBodyBytes || this.#txBytes >= this.#budget.maxTxBytes;
  }

  /** The stored block's bytes and outline (undefined when there is no body). */
  async body(hash: Uint8Array): Promise<Body | undefined> {
    const hex = toHex(hash);
    let b = this.#bodies.get(hex);
    if (b !== undefined) return b;
    // A body still queued for its write is in the chain's cache, which getBlockBytes reads first.
    const bytes = await this.#chain.getBlockBytes(hash);
    if (bytes === undefined) return undefined;
    this.#bodyBytes += bytes.byteLength;
    b = { bytes, outline: outlineBlock(bytes) };
    this.#bodies.set(hex, b);
    return b;
  }

  /** The encoded transaction at `index` of a stored block (a view into its body; not counted as returned). */
  async txBytes(hash: Uint8Array, index: number): Promise<Uint8Array | undefined> {
    const b = await this.body(hash);
    if (b === undefined) return undefined;
    b.ranges ??= blockTxRanges(b.bytes, b.outline);
    return blockTxBytes(b.bytes, b.ranges, index);
  }

  /** The transaction at `index` of a stored block, decoded alone. */
  async tx(hash: Uint8Array, index: number): Promise<Transaction | undefined> {
    const bytes = await this.txBytes(hash, index);
    if (bytes === undefined) return undefined;
    this.#txBytes += bytes.byteLength;
    // Stored blocks were fully validated on the way in; decode without the network's size cap.
    return Transaction.decode(bytes, { maxBytes: Number.MAX_SAFE_INTEGER });
  }
}
