import type { Logger } from 'pino';
import { ChainNodeError } from '../errors.js';
import { leafHash } from '../crypto/merkle.js';
import { appendLeaf, consistencyRanges, foldParts, inclusionRanges, rangeHashes, rangeParts, indexesCreatedBy, type FrontierEntry } from '../log/tree.js';
import { bytesEqual } from '../util/bytes.js';
import { type BlockHeader } from '../primitives/header.js';
import { type ChainStore } from '../store/chain-store.js';
import { Keys, u64be } from '../store/layout.js';
import { type BatchOp } from '../store/write-queue.js';
import { type BlockTree } from './block-tree.js';

/** Leaves written per batch while building the log of an existing datadir. */
export const LOG_BUILD_BATCH = 4096;

/** Progress of building the header log at start. */
export interface LogBuildProgress {
  done: number;
  total: number;
}

/** An inclusion proof of one header in the log of a given size. */
export interface HeaderInclusion {
  index: number;
  size: number;
  root: Uint8Array;
  path: Uint8Array[];
}

/**
 * The header log (SPEC 12): an RFC 6962 tree whose leaf i is the 80-byte main-chain header at height i. The
 * hashes of its complete subtrees live in the chain database (layout.ts, prefix 0x14); the chain adds the
 * operations of each append and removal to its connect and disconnect batches, so the log always has exactly
 * the main chain's height + 1 leaves on disk. In memory it keeps only the right edge (O(log n) hashes).
 */
export class HeaderLog {
  readonly #store: ChainStore;
  readonly #log: Logger | undefined;
  #frontier: FrontierEntry[] = [];
  #size = 0;

  constructor(deps: { store: ChainStore; logger?: Logger }) {
    this.#store = deps.store;
    this.#log = deps.logger?.child({ module: 'header-log' });
  }

  /** Number of leaves (main-chain height + 1 once open). */
  get size(): number {
    return this.#size;
  }

  /** Root of the whole log. */
  get root(): Uint8Array {
    return foldParts(this.#frontier.map((f) => f.hash));
  }

  /**
   * Load the log of the main chain in `tree`, building (or finishing) it when the database predates the log or
   * was written without it, with progress reports.
   */
  async open(tree: BlockTree, onProgress?: (p: LogBuildProgress) => void): Promise<void> {
    const total = tree.tip.height + 1;
    let size = (await this.#store.getLogSize()) ?? 0;
    // A log that does not end in the main chain's header at its size (a database last run by an older build that
    // then reorganised) is rebuilt from scratch; old subtree hashes are overwritten as the build proceeds.
    if (size > total || (size > 0 && !(await this.#leafMatches(tree, size - 1)))) {
      size = 0;
      await this.#store.clearLog();
    }
    await this.#loadFrontier(size);
    if (size === total) return;
    this.#log?.info({ from: size, to: total }, 'building the header log');
    const started = Date.now();
    while (size < total) {
      const end = Math.min(total, size + LOG_BUILD_BATCH);
      const ops: BatchOp[] = [];
      for (let h = size; h < end; h++) ops.push(...this.#appendOps(tree.atHeight(h)!.header, h));
      ops.push({ type: 'put', key: Keys.logSize(), value: u64be(end) });
      await this.#store.writeLogOps(ops);
      size = end;
      onProgress?.({ done: size, total });
      this.#log?.info({ done: size, total, percent: Math.floor((100 * size) / total) }, 'header log progress');
    }
    await this.#store.flush();
    this.#log?.info({ size: total, ms: Date.now() - started }, 'header log built');
  }

  async #leafMatches(tree: BlockTree, height: number): Promise<boolean> {
    const node = tree.atHeight(height);
    if (node === undefined) return false;
    const [stored] = await this.#store.getLogHashes([{ level: 0, index: height }]).catch(() => [undefined]);
    return stored !== undefined && bytesEqual(stored, leafHash(node.header.bytes));
  }

  async #loadFrontier(size: number): Promise<void> {
    const parts = rangeParts(0, size);
    const hashes = parts.length === 0 ? [] : await this.#store.getLogHashes(parts);
    this.#frontier = parts.map((p, i) => ({ ...p, hash: hashes[i]! }));
    this.#size = size;
  }

  /** Batch operations that append `header` at `height` (which must be the log's size); updates the log. */
  appendOps(header: BlockHeader, height: number): BatchOp[] {
    const ops = this.#appendOps(header, height);
    ops.push({ type: 'put', key: Keys.logSize(), value: u64be(this.#size) });
    return ops;
  }

  #appendOps(header: BlockHeader, height: number): BatchOp[] {
    if (height !== this.#size) throw new ChainNodeError('LOG_OUT_OF_ORDER', `header at height ${height} appended to a log of size ${this.#size}`);
    const { frontier, stored } = appendLeaf(this.#frontier, leafHash(header.bytes), height);
    this.#frontier = frontier;
    this.#size++;
    return stored.map((s) => ({ type: 'put' as const, key: Keys.logHash(s.level, s.index), value: s.hash }));
  }

  /** Batch operations that remove the last leaf (the header at `height` = size - 1); updates the log. */
  async removeOps(height: number): Promise<BatchOp[]> {
    if (height !== this.#size - 1 || height === 0)
      throw new ChainNodeError('LOG_OUT_OF_ORDER', `cannot remove leaf ${height} from a log of size ${this.#size}`);
    const ops: BatchOp[] = indexesCreatedBy(height).map((i) => ({ type: 'del' as const, key: Keys.logHash(i.level, i.index) }));
    ops.push({ type: 'put', key: Keys.logSize(), value: u64be(height) });
    await this.#loadFrontier(height);
    return ops;
  }

  /** Root of the log whose first `forkSize` leaves are this log's and whose next leaves are `headers`. */
  async rootWithBranch(forkSize: number, headers: readonly BlockHeader[]): Promise<Uint8Array> {
    this.#checkSize(forkSize);
    const parts = rangeParts(0, forkSize);
    const hashes = await this.#store.getLogHashes(parts);
    let frontier: FrontierEntry[] = parts.map((p, i) => ({ ...p, hash: hashes[i]! }));
    headers.forEach((h, i) => {
      frontier = appendLeaf(frontier, leafHash(h.bytes), forkSize + i).frontier;
    });
    return foldParts(frontier.map((f) => f.hash));
  }

  /** Root of the log at `size` (1..size now). */
  async rootAt(size: number): Promise<Uint8Array> {
    this.#checkSize(size);
    if (size === this.#size) return this.root;
    return (await rangeHashes([[0, size]], (ids) => this.#store.getLogHashes(ids)))[0]!;
  }

  /** Inclusion proof of the header at `index` in the log of `size` (default: now), with that size's root. */
  async inclusionProof(index: number, size = this.#size): Promise<HeaderInclusion> {
    this.#checkSize(size);
    const ranges = inclusionRanges(index, size);
    const hashes = await rangeHashes([[0, size], ...ranges], (ids) => this.#store.getLogHashes(ids));
    return { index, size, root: hashes[0]!, path: hashes.slice(1) };
  }

  /** Consistency proof from size `m` to size `n` (m <= n <= size now). */
  async consistencyProof(m: number, n: number): Promise<Uint8Array[]> {
    this.#checkSize(n);
    return rangeHashes(consistencyRanges(m, n), (ids) => this.#store.getLogHashes(ids));
  }

  #checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 1 || size > this.#size) {
      throw new ChainNodeError('LOG_BAD_SIZE', `log size ${String(size)} is not in 1..${this.#size}`);
    }
  }
}
