import { ChainNodeError } from '../errors.js';
import { emptyRoot, nodeHash } from '../crypto/merkle.js';

/**
 * Stored-hash arithmetic of an append-only RFC 6962 tree (as golang.org/x/mod/sumdb/tlog stores it): the hash of
 * every complete, aligned subtree is kept, addressed by (level, index) where the subtree covers leaves
 * `[index * 2^level, (index + 1) * 2^level)`. Appending leaf n adds the leaf hash and the hashes of the subtrees
 * it completes; any subtree hash, and so any inclusion or consistency proof, is O(log n) stored hashes.
 */
export interface StoredIndex {
  level: number;
  index: number;
}

/** A range of leaves `[lo, hi)` whose RFC 6962 subtree hash a proof needs. */
export type LeafRange = readonly [lo: number, hi: number];

/** A complete subtree hash on the tree's right edge (the state needed to append). */
export interface FrontierEntry extends StoredIndex {
  hash: Uint8Array;
}

/** Stored hashes created when leaf `n` is appended: the leaf, then each subtree it completes (bottom-up). */
export function indexesCreatedBy(n: number): StoredIndex[] {
  const out: StoredIndex[] = [{ level: 0, index: n }];
  let level = 0;
  let i = n;
  while (i % 2 === 1) {
    level++;
    i = Math.floor(i / 2);
    out.push({ level, index: i });
  }
  return out;
}

/**
 * Appends leaf hash `leaf` as leaf `frontier`-size: returns the new frontier and the stored hashes to write.
 * `frontier` is the decomposition of the current tree into complete subtrees, largest first.
 */
export function appendLeaf(frontier: readonly FrontierEntry[], leaf: Uint8Array, n: number): { frontier: FrontierEntry[]; stored: FrontierEntry[] } {
  const next = frontier.slice();
  const stored: FrontierEntry[] = [];
  let cur: FrontierEntry = { level: 0, index: n, hash: leaf };
  stored.push(cur);
  while (next.length > 0 && next[next.length - 1]!.level === cur.level) {
    const left = next.pop()!;
    cur = { level: cur.level + 1, index: left.index / 2, hash: nodeHash(left.hash, cur.hash) };
    stored.push(cur);
  }
  next.push(cur);
  return { frontier: next, stored };
}

/** Decomposition of leaves `[lo, hi)` (lo aligned as in any RFC 6962 subtree) into complete subtrees, left to right. */
export function rangeParts(lo: number, hi: number): StoredIndex[] {
  const out: StoredIndex[] = [];
  while (lo < hi) {
    let size = 1;
    let level = 0;
    while (size * 2 <= hi - lo && lo % (size * 2) === 0) {
      size *= 2;
      level++;
    }
    out.push({ level, index: lo / size });
    lo += size;
  }
  return out;
}

/** Folds a range's complete-subtree hashes (left to right) into the range's RFC 6962 hash. */
export function foldParts(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return emptyRoot();
  let h = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) h = nodeHash(hashes[i]!, h);
  return h;
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Ranges whose hashes form the inclusion proof (audit path, bottom-up) of leaf `index` in the tree of `size`. */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new ChainNodeError('LOG_BAD_INDEX', `leaf ${String(index)} is not in a log of size ${String(size)}`);
  }
  const out: LeafRange[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = largestPowerOfTwoBelow(hi - lo);
    if (index < lo + k) {
      out.push([lo + k, hi]);
      hi = lo + k;
    } else {
      out.push([lo, lo + k]);
      lo += k;
    }
  }
  return out.reverse();
}

/** Ranges whose hashes form the RFC 6962 consistency proof from size `m` to size `n`. */
export function consistencyRanges(m: number, n: number): LeafRange[] {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 0 || m > n) {
    throw new ChainNodeError('LOG_BAD_SIZE', `cannot prove size ${String(m)} against size ${String(n)}`);
  }
  if (m === 0 || m === n) return [];
  const out: LeafRange[] = [];
  const sub = (mm: number, lo: number, hi: number, b: boolean): void => {
    const size = hi - lo;
    if (mm === size) {
      if (!b) out.push([lo, hi]);
      return;
    }
    const k = largestPowerOfTwoBelow(size);
    if (mm <= k) {
      sub(mm, lo, lo + k, b);
      out.push([lo + k, hi]);
    } else {
      sub(mm - k, lo + k, hi, false);
      out.push([lo, lo + k]);
    }
  };
  sub(m, 0, n, true);
  return out;
}

/** Reads stored hashes (one batched read); must return one 32-byte hash per index, in order. */
export type StoredHashReader = (indexes: readonly StoredIndex[]) => Promise<Uint8Array[]>;

/** Hashes of `ranges`, reading every stored hash they need in one call. */
export async function rangeHashes(ranges: readonly LeafRange[], read: StoredHashReader): Promise<Uint8Array[]> {
  const parts = ranges.map(([lo, hi]) => rangeParts(lo, hi));
  const flat = parts.flat();
  const hashes = flat.length === 0 ? [] : await read(flat);
  let o = 0;
  return parts.map((p) => {
    const h = foldParts(hashes.slice(o, o + p.length));
    o += p.length;
    return h;
  });
}
