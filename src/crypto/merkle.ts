import { ChainNodeError } from '../errors.js';
import { bytesEqual } from '../util/bytes.js';
import { sha256, sha256Concat } from './hash.js';

/** Length in bytes of every Merkle hash (SHA-256). */
export const MERKLE_HASH_BYTES = 32;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/** RFC 6962 leaf hash: `H(0x00 || leaf)`. For a transaction this is its txid (SPEC 5). */
export function leafHash(leaf: Uint8Array): Uint8Array {
  return sha256Concat(LEAF_PREFIX, leaf);
}

/** RFC 6962 interior node hash: `H(0x01 || left || right)`. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256Concat(NODE_PREFIX, left, right);
}

/** Root of the empty tree: SHA-256 of nothing (RFC 6962 section 2.1). */
export function emptyRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}

/** RFC 6962 Merkle tree hash over raw leaves. */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  return merkleRootFromLeafHashes(leaves.map(leafHash));
}

/**
 * RFC 6962 Merkle tree hash from already computed leaf hashes (e.g. txids). Linear time and memory: the tree is
 * folded level by level in one scratch array.
 */
export function merkleRootFromLeafHashes(hashes: readonly Uint8Array[]): Uint8Array {
  assertHashes(hashes);
  if (hashes.length === 0) return emptyRoot();
  // Pairing adjacent nodes level by level and promoting an odd last node unchanged builds exactly the tree that
  // RFC 6962 defines by splitting at the largest power of two below n.
  const level = hashes.slice();
  let n = level.length;
  while (n > 1) {
    const half = n >>> 1;
    for (let i = 0; i < half; i++) level[i] = nodeHash(level[2 * i]!, level[2 * i + 1]!);
    if (n % 2 === 1) level[half] = level[n - 1]!;
    n = half + (n % 2);
  }
  return level[0]!;
}

/** RFC 9162 inclusion proof (audit path, bottom-up) of raw leaf `index`. Throws `MERKLE_INDEX_OUT_OF_RANGE`. */
export function inclusionProof(leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  checkIndex(index, leaves.length);
  return inclusionProofFromLeafHashes(leaves.map(leafHash), index);
}

/** RFC 9162 inclusion proof (audit path, bottom-up) of leaf `index`, from leaf hashes. */
export function inclusionProofFromLeafHashes(hashes: readonly Uint8Array[], index: number): Uint8Array[] {
  assertHashes(hashes);
  checkIndex(index, hashes.length);
  const proof: Uint8Array[] = [];
  const level = hashes.slice();
  let n = level.length;
  let i = index;
  while (n > 1) {
    const sibling = i ^ 1;
    // An odd last node has no sibling at this level: it is promoted and contributes nothing to the path.
    if (sibling < n) proof.push(level[sibling]!);
    const half = n >>> 1;
    for (let j = 0; j < half; j++) level[j] = nodeHash(level[2 * j]!, level[2 * j + 1]!);
    if (n % 2 === 1) level[half] = level[n - 1]!;
    n = half + (n % 2);
    i = Math.floor(i / 2);
  }
  return proof;
}

/**
 * Folds an inclusion proof into the root it commits to (RFC 9162 section 2.1.3.2). Returns null, never throws,
 * when the inputs cannot describe a valid proof (index >= size, wrong path length, hashes not 32 bytes, ...).
 * Recomputing the root after changing one leaf (the miner rolling `extra` in leaf 0) costs only this fold.
 */
export function rootFromInclusion(leaf: Uint8Array, index: number, size: number, proof: readonly Uint8Array[]): Uint8Array | null {
  if (!isHash(leaf) || !isCount(index) || !isCount(size) || index >= size) return null;
  if (!Array.isArray(proof)) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (!isHash(p) || sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

/**
 * True when `proof` proves leaf hash `leaf` at `index` in the tree of `size` leaves with root `root`. Never throws.
 * The root does not commit to `size` (RFC 6962): other sizes in which the leaf's path has the same shape verify
 * too, so take the size from an authenticated source when it matters.
 */
export function verifyInclusion(leaf: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!isHash(root)) return false;
  const computed = rootFromInclusion(leaf, index, size, proof);
  return computed !== null && bytesEqual(computed, root);
}

/**
 * RFC 6962 consistency proof that the tree of the first `oldSize` leaves is a prefix of the tree of all `leaves`.
 * Empty when `oldSize` is 0 or equals the leaf count. Throws `MERKLE_BAD_SIZE` when `oldSize` exceeds it.
 */
export function consistencyProof(leaves: readonly Uint8Array[], oldSize: number): Uint8Array[] {
  return consistencyProofFromLeafHashes(leaves.map(leafHash), oldSize);
}

/** Consistency proof from leaf hashes; see {@link consistencyProof}. */
export function consistencyProofFromLeafHashes(hashes: readonly Uint8Array[], oldSize: number): Uint8Array[] {
  assertHashes(hashes);
  if (!isCount(oldSize) || oldSize > hashes.length) {
    throw new ChainNodeError('MERKLE_BAD_SIZE', `old tree size ${String(oldSize)} is not in 0..${hashes.length}`);
  }
  if (oldSize === 0 || oldSize === hashes.length) return [];
  const out: Uint8Array[] = [];
  subproof(oldSize, hashes, 0, hashes.length, true, out);
  return out;
}

// RFC 6962 section 2.1.2 SUBPROOF(m, D[lo:hi], b), appending to `out` in the RFC's order.
function subproof(m: number, hashes: readonly Uint8Array[], lo: number, hi: number, b: boolean, out: Uint8Array[]): void {
  const n = hi - lo;
  if (m === n) {
    if (!b) out.push(merkleRootFromLeafHashes(hashes.slice(lo, hi)));
    return;
  }
  const k = largestPowerOfTwoBelow(n);
  if (m <= k) {
    subproof(m, hashes, lo, lo + k, b, out);
    out.push(merkleRootFromLeafHashes(hashes.slice(lo + k, hi)));
  } else {
    subproof(m - k, hashes, lo + k, hi, false, out);
    out.push(merkleRootFromLeafHashes(hashes.slice(lo, lo + k)));
  }
}

/**
 * Verifies that the tree of `oldSize` leaves with root `oldRoot` is a prefix of the tree of `newSize` leaves with
 * root `newRoot` (RFC 9162 section 2.1.4.2). Never throws; malformed input (roots or proof hashes not 32 bytes,
 * oldSize > newSize, wrong proof length) returns false.
 */
export function verifyConsistency(oldSize: number, newSize: number, oldRoot: Uint8Array, newRoot: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!isCount(oldSize) || !isCount(newSize) || oldSize > newSize) return false;
  if (!isHash(oldRoot) || !isHash(newRoot) || !Array.isArray(proof)) return false;
  if (oldSize === newSize) return proof.length === 0 && bytesEqual(oldRoot, newRoot);
  if (oldSize === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  for (const p of proof) if (!isHash(p)) return false;

  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : proof;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && bytesEqual(fr, oldRoot) && bytesEqual(sr, newRoot);
}

function isHash(h: unknown): h is Uint8Array {
  return h instanceof Uint8Array && h.byteLength === MERKLE_HASH_BYTES;
}

function isCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && largestPowerOfTwoBelow(n + 1) === n;
}

// Largest power of two strictly below n (n >= 2). Arithmetic, not bit shifts, so sizes above 2^31 work.
function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function checkIndex(index: number, size: number): void {
  if (!isCount(index) || index >= size) {
    throw new ChainNodeError('MERKLE_INDEX_OUT_OF_RANGE', `leaf index ${String(index)} is not in 0..${size - 1}`);
  }
}

function assertHashes(hashes: readonly Uint8Array[]): void {
  for (let i = 0; i < hashes.length; i++) {
    if (!isHash(hashes[i])) {
      throw new ChainNodeError('MERKLE_BAD_HASH', `leaf hash ${i} is not a ${MERKLE_HASH_BYTES}-byte Uint8Array`);
    }
  }
}
