import { ChainNodeError, Penalty } from '../errors.js';
import { decodeCompact, MAX_UINT256 } from './compact.js';

const TWO_256 = 1n << 256n;

/** Work of a block with `target` (SPEC 3): floor(2^256 / (target + 1)). `target` must be in [0, 2^256). */
export function blockWork(target: bigint): bigint {
  if (target < 0n || target > MAX_UINT256) {
    throw new ChainNodeError('TARGET_OUT_OF_RANGE', 'target must be in [0, 2^256)');
  }
  return TWO_256 / (target + 1n);
}

/**
 * Work of a block with compact `bits`. Throws `BITS_INVALID` for bits no block can carry (negative, overflowing or
 * zero target), where Bitcoin's `GetBlockProof` would silently count zero work.
 */
export function blockWorkFromBits(bits: number): bigint {
  const d = decodeCompact(bits);
  if (d.negative || d.overflow || d.target === 0n) {
    throw new ChainNodeError('BITS_INVALID', `compact bits 0x${(bits >>> 0).toString(16)} carry no work`, {
      penalty: Penalty.high,
    });
  }
  return blockWork(d.target);
}
