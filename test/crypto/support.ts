// Test-only helpers: fixture loading, a strict DER decoder for published vectors, and a naive recursive RFC 6962
// reference (written straight from the RFC's definitions) to cross-check the iterative implementation.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { bytesToBigintBE, bigintToBytesBE, concatBytes, fromHex } from '../../src/util/bytes.js';

/** Parsed JSON fixture from test/fixtures/crypto. */
export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/crypto/${name}`, import.meta.url), 'utf8')) as T;
}

/** Bytes of a hex string. */
export const hex = fromHex;

/** SHA-256, independent of src/crypto/hash.ts. */
export function refSha256(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** Copy of `b` with bit `bit` (0 = most significant bit of byte 0) flipped. */
export function flipBit(b: Uint8Array, bit: number): Uint8Array {
  const out = Uint8Array.from(b);
  out[bit >> 3]! ^= 0x80 >> (bit & 7);
  return out;
}

/** Deterministic PRNG (mulberry32) so failures reproduce. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Strict DER ECDSA signature -> 64-byte compact r || s; null when not strict DER or r, s do not fit 32 bytes. */
export function derToCompact(der: Uint8Array): Uint8Array | null {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2 || der[1]! >= 0x80) return null;
  let pos = 2;
  const ints: bigint[] = [];
  for (let k = 0; k < 2; k++) {
    if (der[pos] !== 0x02) return null;
    const len = der[pos + 1]!;
    if (len === 0 || len >= 0x80 || pos + 2 + len > der.length) return null;
    const body = der.subarray(pos + 2, pos + 2 + len);
    if (body[0]! & 0x80) return null; // negative
    if (body[0] === 0 && len > 1 && !(body[1]! & 0x80)) return null; // not minimal
    const v = bytesToBigintBE(body);
    if (v >= 1n << 256n) return null;
    ints.push(v);
    pos += 2 + len;
  }
  if (pos !== der.length) return null;
  return concatBytes(bigintToBytesBE(ints[0]!, 32), bigintToBytesBE(ints[1]!, 32));
}

/** Compressed SEC1 form of an uncompressed (0x04 || x || y) public key. */
export function compress(uncompressed: Uint8Array): Uint8Array {
  const y = uncompressed[64]!;
  return concatBytes(Uint8Array.of(y & 1 ? 0x03 : 0x02), uncompressed.subarray(1, 33));
}

const refLeaf = (d: Uint8Array): Uint8Array => refSha256(Uint8Array.of(0), d);
const refNode = (l: Uint8Array, r: Uint8Array): Uint8Array => refSha256(Uint8Array.of(1), l, r);

/** RFC 6962 leaf hash, reference copy. */
export const referenceLeafHash = refLeaf;
/** RFC 6962 node hash, reference copy. */
export const referenceNodeHash = refNode;

function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) by the RFC 6962 recursive definition, over leaf hashes. */
export function referenceRoot(h: readonly Uint8Array[]): Uint8Array {
  if (h.length === 0) return refSha256();
  if (h.length === 1) return h[0]!;
  const k = splitPoint(h.length);
  return refNode(referenceRoot(h.slice(0, k)), referenceRoot(h.slice(k)));
}

/** PATH(m, D[n]) by the RFC 6962 definition, with the side of each sibling ('L' or 'R'), bottom-up. */
export function referencePath(m: number, h: readonly Uint8Array[]): { proof: Uint8Array[]; shape: string } {
  if (h.length <= 1) return { proof: [], shape: '' };
  const k = splitPoint(h.length);
  if (m < k) {
    const sub = referencePath(m, h.slice(0, k));
    return { proof: [...sub.proof, referenceRoot(h.slice(k))], shape: sub.shape + 'R' };
  }
  const sub = referencePath(m - k, h.slice(k));
  return { proof: [...sub.proof, referenceRoot(h.slice(0, k))], shape: sub.shape + 'L' };
}

/** Fold shape of leaf `m` in a tree of `n` leaves ('' for n = 1), or null when m >= n. */
export function referenceShape(m: number, n: number): string | null {
  if (m < 0 || m >= n) return null;
  if (n === 1) return '';
  const k = splitPoint(n);
  return m < k ? referenceShape(m, k) + 'R' : referenceShape(m - k, n - k) + 'L';
}

/** PROOF(m, D[n]) by the RFC 6962 SUBPROOF definition. */
export function referenceConsistency(m: number, h: readonly Uint8Array[]): Uint8Array[] {
  if (m === 0 || m === h.length) return [];
  const sub = (mm: number, d: readonly Uint8Array[], b: boolean): Uint8Array[] => {
    if (mm === d.length) return b ? [] : [referenceRoot(d)];
    const k = splitPoint(d.length);
    if (mm <= k) return [...sub(mm, d.slice(0, k), b), referenceRoot(d.slice(k))];
    return [...sub(mm - k, d.slice(k), false), referenceRoot(d.slice(0, k))];
  };
  return sub(m, h, true);
}

/** Hash of the perfect subtree node [level, index] (transparency-dev compact.NodeID). */
export function subtreeHash(h: readonly Uint8Array[], level: number, index: number): Uint8Array {
  const width = 2 ** level;
  return referenceRoot(h.slice(index * width, (index + 1) * width));
}

/** Builds a proof from node ids, folding the ephemeral [begin, end) range right-to-left as transparency-dev does. */
export function proofFromNodes(h: readonly Uint8Array[], nodes: readonly (readonly [number, number])[], rehash?: readonly [number, number]): Uint8Array[] {
  const hashes = nodes.map(([level, index]) => subtreeHash(h, level, index));
  if (rehash === undefined) return hashes;
  const [begin, end] = rehash;
  let acc = hashes[begin]!;
  for (let i = begin + 1; i < end; i++) acc = refNode(hashes[i]!, acc);
  return [...hashes.slice(0, begin), acc, ...hashes.slice(end)];
}
