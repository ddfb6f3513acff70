import { ChainNodeError } from '../errors.js';
import { MiningErrorCode } from './backend.js';

/** Search arguments after validation, in the form the hashing code takes them. */
export interface SearchArgs {
  /** The 80-byte header (a copy; the nonce bytes are overwritten by the backends). */
  header: Uint8Array;
  /** The target as 32 little-endian bytes. */
  targetLE: Uint8Array;
  /** First nonce of the range. */
  start: number;
  /** Number of nonces; start + count <= 2^32. */
  count: number;
}

const TWO_256 = 1n << 256n;
const TWO_32 = 2 ** 32;

/** The target as 32 little-endian bytes; throws MINING_INVALID_ARGUMENT outside [0, 2^256). */
export function targetToBytesLE(target: bigint): Uint8Array {
  if (typeof target !== 'bigint' || target < 0n || target >= TWO_256) {
    throw new ChainNodeError(MiningErrorCode.invalidArgument, 'target must be a bigint in [0, 2^256)');
  }
  const out = new Uint8Array(32);
  let v = target;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Validates the arguments every backend's `search` takes; throws MINING_INVALID_ARGUMENT. */
export function checkSearchArgs(header: Uint8Array, target: bigint, startNonce: number, count: number): SearchArgs {
  if (!(header instanceof Uint8Array) || header.byteLength !== 80) {
    throw new ChainNodeError(MiningErrorCode.invalidArgument, 'header must be 80 bytes');
  }
  if (!Number.isInteger(startNonce) || startNonce < 0 || startNonce >= TWO_32) {
    throw new ChainNodeError(MiningErrorCode.invalidArgument, `startNonce ${startNonce} is not a uint32`);
  }
  if (!Number.isInteger(count) || count < 0 || startNonce + count > TWO_32) {
    throw new ChainNodeError(MiningErrorCode.invalidArgument, `count ${count} runs past nonce 2^32 - 1 from ${startNonce}`);
  }
  return { header: Uint8Array.from(header), targetLE: targetToBytesLE(target), start: startNonce, count };
}
