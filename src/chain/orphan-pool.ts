import { fromHex, toHex } from '../util/bytes.js';
import { blockHashToHex, blockKeyHex, type BlockKeyHex } from '../primitives/header.js';
import type { Block } from '../primitives/block.js';

/** Limits of the orphan pool. */
export interface OrphanPoolOptions {
  maxCount?: number;
  maxBytes?: number;
  /** Orphans older than this are dropped. */
  expiryMs?: number;
}

/** Default orphan pool limits. */
export const ORPHAN_POOL_DEFAULTS: Required<OrphanPoolOptions> = { maxCount: 256, maxBytes: 64 * 1024 * 1024, expiryMs: 20 * 60 * 1000 };

interface Orphan {
  block: Block;
  /** Natural-order hex of the block hash (as toHex(hash), like the parent keys). */
  hex: BlockKeyHex;
  parentHex: BlockKeyHex;
  added: number;
  peer: string | undefined;
}

/**
 * Blocks whose parent is unknown, bounded by count and bytes (oldest dropped first) and by age. When a block is
 * accepted, its waiting children are taken out and processed.
 */
export class OrphanPool {
  readonly #opts: Required<OrphanPoolOptions>;
  readonly #now: () => number;
  readonly #byHash = new Map<string, Orphan>();
  readonly #byParent = new Map<string, Set<string>>();
  #bytes = 0;

  constructor(options: OrphanPoolOptions = {}, deps: { now?: () => number } = {}) {
    this.#opts = { ...ORPHAN_POOL_DEFAULTS, ...options };
    this.#now = deps.now ?? Date.now;
  }

  /** Number of orphans held. */
  get size(): number {
    return this.#byHash.size;
  }

  /** Bytes of orphans held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** True when the block is held. */
  has(hash: Uint8Array): boolean {
    return this.#byHash.has(toHex(hash));
  }

  /** Hold a block until its parent arrives. Oversized blocks (more than the byte limit) are not held. */
  add(block: Block, peer?: string): void {
    this.expire();
    const hex = blockKeyHex(block.hash);
    if (this.#byHash.has(hex) || block.size > this.#opts.maxBytes) return;
    const parentHex = blockKeyHex(block.header.prevHash);
    this.#byHash.set(hex, { block, hex, parentHex, added: this.#now(), peer });
    let set = this.#byParent.get(parentHex);
    if (set === undefined) this.#byParent.set(parentHex, (set = new Set()));
    set.add(hex);
    this.#bytes += block.size;
    // Map iteration is insertion order, so the first entries are the oldest.
    for (const old of this.#byHash.values()) {
      if (this.#byHash.size <= this.#opts.maxCount && this.#bytes <= this.#opts.maxBytes) break;
      this.#remove(old);
    }
  }

  /** Remove and return the orphans whose parent is `parentHash`. */
  takeChildren(parentHash: Uint8Array): { block: Block; peer: string | undefined }[] {
    const set = this.#byParent.get(toHex(parentHash));
    if (set === undefined) return [];
    const out: { block: Block; peer: string | undefined }[] = [];
    for (const hex of set) {
      const o = this.#byHash.get(hex);
      if (o !== undefined) {
        out.push({ block: o.block, peer: o.peer });
        this.#remove(o);
      }
    }
    return out;
  }

  /** The root ancestor hash (display hex) an orphan chain is waiting for, to ask peers for it. */
  missingRoot(hash: Uint8Array): string | undefined {
    let o = this.#byHash.get(toHex(hash));
    let guard = 0;
    while (o !== undefined && guard++ < this.#opts.maxCount) {
      const parent = this.#byHash.get(o.parentHex);
      if (parent === undefined) return blockHashToHex(fromHex(o.parentHex));
      o = parent;
    }
    return undefined;
  }

  /** Drop orphans past their expiry. */
  expire(): void {
    const cutoff = this.#now() - this.#opts.expiryMs;
    for (const o of this.#byHash.values()) {
      if (o.added >= cutoff) break;
      this.#remove(o);
    }
  }

  #remove(o: Orphan): void {
    this.#byHash.delete(o.hex);
    this.#bytes -= o.block.size;
    const set = this.#byParent.get(o.parentHex);
    set?.delete(o.hex);
    if (set !== undefined && set.size === 0) this.#byParent.delete(o.parentHex);
  }
}
