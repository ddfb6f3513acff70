import { ChainNodeError, Penalty } from '../errors.js';

/** 2^256 - 1, the largest value of a 256-bit target. */
export const MAX_UINT256 = (1n << 256n) - 1n;

/** Raw result of decoding a compact `bits` value, with Bitcoin's `SetCompact` flags. */
export interface DecodedCompact {
  /** The decoded target, truncated to 256 bits exactly as `arith_uint256` does. */
  target: bigint;
  /** The sign bit is set with a non-zero mantissa. */
  negative: boolean;
  /** The encoded value does not fit in 256 bits. */
  overflow: boolean;
}

function assertUint32(bits: number): void {
  if (!Number.isInteger(bits) || bits < 0 || bits > 0xffffffff) {
    throw new ChainNodeError('BITS_NOT_UINT32', `bits must be an unsigned 32-bit integer, got ${bits}`);
  }
}

/**
 * Decode compact `bits` with the exact semantics of Bitcoin's `arith_uint256::SetCompact`, including its
 * `pfNegative` and `pfOverflow` flags. Never throws for a valid uint32; the caller judges the flags.
 */
export function decodeCompact(bits: number): DecodedCompact {
  assertUint32(bits);
  const size = bits >>> 24;
  let word = bits & 0x007fffff;
  let target: bigint;
  if (size <= 3) {
    word >>>= 8 * (3 - size);
    target = BigInt(word);
  } else {
    // arith_uint256's left shift silently drops bits above 2^256; the overflow flag reports it.
    target = (BigInt(word) << BigInt(8 * (size - 3))) & MAX_UINT256;
  }
  const negative = word !== 0 && (bits & 0x00800000) !== 0;
  const overflow = word !== 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
  return { target, negative, overflow };
}

/**
 * Target encoded by compact `bits` (SPEC 3). Throws `BITS_NEGATIVE` for a negative encoding and
 * `BITS_OVERFLOW` for one that does not fit in 256 bits; a zero target is returned as 0n.
 */
export function compactToTarget(bits: number): bigint {
  const d = decodeCompact(bits);
  if (d.negative) {
    throw new ChainNodeError('BITS_NEGATIVE', `compact bits 0x${hex32(bits)} encode a negative target`, {
      penalty: Penalty.high,
    });
  }
  if (d.overflow) {
    throw new ChainNodeError('BITS_OVERFLOW', `compact bits 0x${hex32(bits)} overflow 256 bits`, {
      penalty: Penalty.high,
    });
  }
  return d.target;
}

/** Number of significant bits of a non-negative bigint (0 for 0), like `arith_uint256::bits()`. */
export function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

/**
 * Compact encoding of `target`, exactly Bitcoin's `arith_uint256::GetCompact(negative)`. The target must be in
 * [0, 2^256). `negative` only exists to reproduce Core's signed test vectors; consensus code never sets it.
 */
export function targetToCompact(target: bigint, negative = false): number {
  if (target < 0n || target > MAX_UINT256) {
    throw new ChainNodeError('TARGET_OUT_OF_RANGE', 'target must be in [0, 2^256)');
  }
  let size = (bitLength(target) + 7) >> 3;
  let compact = size <= 3 ? Number(target << BigInt(8 * (3 - size))) : Number((target >> BigInt(8 * (size - 3))) & 0xffffffffn);
  // 0x00800000 is the sign bit: if the mantissa would set it, shift one byte into the exponent.
  if ((compact & 0x00800000) !== 0) {
    compact >>>= 8;
    size += 1;
  }
  compact = (compact | (size << 24)) >>> 0;
  if (negative && (compact & 0x007fffff) !== 0) compact = (compact | 0x00800000) >>> 0;
  return compact;
}

/**
 * Validate block `bits` against the network's `powLimit` (SPEC 3): throws `BITS_INVALID` (penalty high) when the
 * encoding is negative, overflows, decodes to zero, or exceeds `powLimit`. Returns the target.
 */
export function checkBits(bits: number, powLimit: bigint): bigint {
  const d = decodeCompact(bits);
  let why: string | undefined;
  if (d.negative) why = 'negative';
  else if (d.overflow) why = 'overflowing';
  else if (d.target === 0n) why = 'zero';
  else if (d.target > powLimit) why = 'above powLimit';
  if (why !== undefined) {
    throw new ChainNodeError('BITS_INVALID', `compact bits 0x${hex32(bits)} are invalid: ${why}`, {
      penalty: Penalty.high,
    });
  }
  return d.target;
}

function hex32(v: number): string {
  return (v >>> 0).toString(16).padStart(8, '0');
}
