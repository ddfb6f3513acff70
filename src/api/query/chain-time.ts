import type { TreeNode } from '../../chain/block-tree.js';
import type { ChainReader } from '../../chain/reader.js';

/** What chain time reads of the chain: the main chain by height. */
export type MainChain = Pick<ChainReader, 'tip' | 'nodeAt'>;

/**
 * Maps times to main-chain heights for `since`/`until`. Block header times are not monotonic (a block may carry
 * an earlier time than its parent, within the consensus bounds), so ranges use the chain time of a block: the
 * largest header time of the block and its ancestors. It never decreases along the chain, so a time bound is one
 * binary search, and for the usual chain, whose times rise, it is the block's own time. Kept incrementally: a
 * query re-reads only the heights above the last block it saw still on the main chain.
 */
export class ChainTime {
  readonly #chain: MainChain;
  readonly #nodes: TreeNode[] = [];
  readonly #max: number[] = [];

  constructor(chain: MainChain) {
    this.#chain = chain;
  }

  /** Chain time (unix seconds) of the main-chain block at `height`. */
  at(height: number): number | undefined {
    this.#sync();
    return this.#max[height];
  }

  /** Lowest height whose chain time is at or after `t` (the tip height + 1 when none is). */
  firstAtOrAfter(t: number): number {
    this.#sync();
    let lo = 0;
    let hi = this.#max.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#max[mid]! >= t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Highest height whose chain time is at or before `t` (-1 when none is). */
  lastAtOrBefore(t: number): number {
    this.#sync();
    let lo = 0;
    let hi = this.#max.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#max[mid]! > t) hi = mid;
      else lo = mid + 1;
    }
    return lo - 1;
  }

  #sync(): void {
    const tip = this.#chain.tip.height;
    let n = Math.min(this.#nodes.length, tip + 1);
    // Walk down to the last height whose block is still on the main chain (reorgs replace the ones above).
    while (n > 0 && this.#chain.nodeAt(n - 1) !== this.#nodes[n - 1]) n--;
    this.#nodes.length = n;
    this.#max.length = n;
    for (let h = n; h <= tip; h++) {
      const node = this.#chain.nodeAt(h)!;
      this.#nodes.push(node);
      this.#max.push(Math.max(node.header.time, h === 0 ? 0 : this.#max[h - 1]!));
    }
  }
}

const chainTimes = new WeakMap<MainChain, ChainTime>();

/** The one ChainTime of a chain. */
export function chainTimeOf(chain: MainChain): ChainTime {
  let t = chainTimes.get(chain);
  if (t === undefined) chainTimes.set(chain, (t = new ChainTime(chain)));
  return t;
}
