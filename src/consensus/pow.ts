import { ChainNodeError, Penalty, hasCode } from '../errors.js';
import { readUint256LE } from '../util/bytes.js';
import { sha256d } from '../crypto/hash.js';
import { checkBits } from './compact.js';

/** Byte length of a block header (SPEC 3). */
export const HEADER_BYTES = 80;
/** Offset of the little-endian `bits` field inside the header (SPEC 3). */
export const HEADER_BITS_OFFSET = 72;

/** A 32-byte hash read as a 256-bit little-endian integer (SPEC 3: how proof of work compares it). */
export function hashToBigint(hash: Uint8Array): bigint {
  if (hash.byteLength !== 32) {
    throw new ChainNodeError('HASH_INVALID_LENGTH', `hash must be 32 bytes, got ${hash.byteLength}`);
  }
  return readUint256LE(hash);
}

// The last target in little-endian bytes: blocks in a row share their bits, so each hash is compared bytewise
// without building a bigint.
let lastTarget = -1n;
const lastTargetLE = new Uint8Array(32);

/** True iff `hash`, read as a 256-bit little-endian integer, is `<= target`. */
export function meetsTarget(hash: Uint8Array, target: bigint): boolean {
  if (hash.byteLength !== 32) return hashToBigint(hash) <= target;
  if (target < 0n) return false;
  if (target >= 1n << 256n) return true;
  if (target !== lastTarget) {
    let x = target;
    for (let i = 0; i < 32; i++, x >>= 8n) lastTargetLE[i] = Number(x & 0xffn);
    lastTarget = target;
  }
  for (let i = 31; i >= 0; i--) {
    const h = hash[i]!;
    const t = lastTargetLE[i]!;
    if (h !== t) return h < t;
  }
  return true;
}

/** The compact `bits` field (u32 LE at offset 72) of an 80-byte header. */
export function headerBits(header: Uint8Array): number {
  assertHeader(header);
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  return view.getUint32(HEADER_BITS_OFFSET, true);
}

/**
 * Proof-of-work check of an 80-byte header (SPEC 3): false when its bits are invalid for `powLimit` (see
 * `checkBits`), otherwise true iff H2(header) as a little-endian integer is `<= target`. Throws
 * `HEADER_INVALID_LENGTH` when `header` is not 80 bytes.
 */
export function checkProofOfWork(header: Uint8Array, powLimit: bigint): boolean {
  const bits = headerBits(header);
  let target: bigint;
  try {
    target = checkBits(bits, powLimit);
  } catch (err) {
    if (hasCode(err, 'BITS_INVALID')) return false;
    throw err;
  }
  return meetsTarget(sha256d(header), target);
}

function assertHeader(header: Uint8Array): void {
  if (header.byteLength !== HEADER_BYTES) {
    throw new ChainNodeError('HEADER_INVALID_LENGTH', `header must be 80 bytes, got ${header.byteLength}`, {
      penalty: Penalty.high,
    });
  }
}

/**
 * Try nonces `start .. start + count - 1` on an 80-byte header (written into `header` in place) in plain
 * JavaScript, one sha256d each; the first nonce whose hash meets `target`, or null. The one JavaScript nonce search:
 * the mining reference backend and the block solver of tests and tools both use it.
 */
export function searchNonce(header: Uint8Array, target: bigint, start: number, count: number): { nonce: number | null; hashes: number } {
  const view = new DataView(header.buffer, header.byteOffset, HEADER_BYTES);
  for (let i = 0; i < count; i++) {
    const nonce = start + i;
    view.setUint32(HEADER_BYTES - 4, nonce, true);
    if (meetsTarget(sha256d(header), target)) return { nonce, hashes: i + 1 };
  }
  return { nonce: null, hashes: count };
}
