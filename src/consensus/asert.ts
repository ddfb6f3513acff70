import { ChainNodeError } from '../errors.js';
import { bitLength, decodeCompact, targetToCompact } from './compact.js';

/** The ASERT anchor block: its height, its parent's time and its own bits (SPEC 4). */
export interface AsertAnchor {
  /** Height of the anchor block (unsigned 64-bit). */
  height: bigint;
  /** Timestamp of the anchor block's parent (signed 64-bit). */
  parentTime: bigint;
  /** Compact target of the anchor block. */
  bits: number;
}

/** The block the next target is computed for the child of: its height and time. */
export interface AsertTip {
  /** Height of the tip (unsigned 64-bit, `>=` the anchor height). */
  height: bigint;
  /** Timestamp of the tip (signed 64-bit). */
  time: bigint;
}

/** Network parameters of ASERT (SPEC 4, 8). */
export interface AsertParams {
  /** Target block spacing in seconds. */
  targetSpacing: bigint;
  /** Half-life in seconds. */
  halfLife: bigint;
  /** Largest allowed target; must be below 2^224 as the reference implementation requires. */
  powLimit: bigint;
}

const RBITS = 16n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;
const EXPONENT_LIMIT = 1n << (63n - RBITS);

/**
 * The aserti3-2d target computation, a line-for-line port of Bitcoin Cash Node's `CalculateASERT` in `pow.cpp`
 * (integer exact). `timeDiff` is the tip's time minus the anchor's parent's time, `heightDiff` the tip's height
 * minus the anchor's height. The reference's `assert`s become `ChainNodeError`s: `ASERT_INVALID_PARAMS`,
 * `ASERT_INVALID_ANCHOR` (refTarget not in (0, powLimit]), `ASERT_HEIGHT_BEFORE_ANCHOR` and `ASERT_OUT_OF_RANGE`.
 */
export function calculateAsert(refTarget: bigint, targetSpacing: bigint, timeDiff: bigint, heightDiff: bigint, powLimit: bigint, halfLife: bigint): bigint {
  // The reference asserts powLimit < 2^224 so its uint256 product below cannot overflow. BigInt products are
  // exact, so easier limits (devnet, regtest) give the mathematically same result; only < 2^256 is required.
  if (halfLife <= 0n || targetSpacing <= 0n || powLimit <= 0n || powLimit >> 256n !== 0n) {
    throw new ChainNodeError('ASERT_INVALID_PARAMS', 'ASERT needs halfLife > 0, targetSpacing > 0, 0 < powLimit < 2^256');
  }
  if (refTarget <= 0n || refTarget > powLimit) {
    throw new ChainNodeError('ASERT_INVALID_ANCHOR', 'the anchor target must be in (0, powLimit]');
  }
  if (heightDiff < 0n) {
    throw new ChainNodeError('ASERT_HEIGHT_BEFORE_ANCHOR', 'ASERT can only compute targets after the anchor block');
  }
  const drift = timeDiff - targetSpacing * heightDiff;
  // The reference asserts this bound so that the int64 exponent arithmetic below cannot overflow.
  if (heightDiff > INT64_MAX || drift >= EXPONENT_LIMIT || -drift >= EXPONENT_LIMIT) {
    throw new ChainNodeError('ASERT_OUT_OF_RANGE', 'time or height difference out of ASERT range');
  }

  // BigInt division truncates toward zero, like C++ int64 division.
  const exponent = ((timeDiff - targetSpacing * (heightDiff + 1n)) << RBITS) / halfLife;

  // BigInt >> is an arithmetic (flooring) shift, as the reference requires for negative exponents; the low 16 bits
  // of the two's complement value are the fraction, so exponent == shifts * 65536 + frac with 0 <= frac < 65536.
  let shifts = exponent >> RBITS;
  const frac = exponent & 0xffffn;

  // 65536 * 2^(frac / 65536), cubic approximation; the sum stays below 2^64 for every frac (max at 65535).
  const factor = 65536n + ((195766423245049n * frac + 971821376n * frac * frac + 5127n * frac * frac * frac + (1n << 47n)) >> 48n);
  let nextTarget = refTarget * factor;

  shifts -= RBITS;
  if (shifts <= 0n) {
    nextTarget >>= -shifts;
  } else {
    // Beyond 255 bits a 256-bit integer would lose high bits; the true value is >= 2^256 > powLimit anyway.
    if (BigInt(bitLength(nextTarget)) + shifts > 255n) return powLimit;
    nextTarget <<= shifts;
  }

  if (nextTarget === 0n) return 1n; // 0 is not a valid target, but 1 is
  if (nextTarget > powLimit) return powLimit;
  return nextTarget;
}

/** Next target after `tip` under aserti3-2d anchored at `anchor` (SPEC 4). See `calculateAsert` for errors. */
export function asertTarget(anchor: AsertAnchor, tip: AsertTip, params: AsertParams): bigint {
  checkUint64(anchor.height, 'anchor height');
  checkUint64(tip.height, 'tip height');
  checkInt64(anchor.parentTime, 'anchor parent time');
  checkInt64(tip.time, 'tip time');
  const anchorTarget = decodeCompact(anchor.bits);
  if (anchorTarget.negative || anchorTarget.overflow) {
    throw new ChainNodeError('ASERT_INVALID_ANCHOR', 'the anchor bits are negative or overflow');
  }
  return calculateAsert(anchorTarget.target, params.targetSpacing, tip.time - anchor.parentTime, tip.height - anchor.height, params.powLimit, params.halfLife);
}

/** Compact bits required of the block after `tip` under aserti3-2d anchored at `anchor` (SPEC 4). */
export function asertNextBits(anchor: AsertAnchor, tip: AsertTip, params: AsertParams): number {
  return targetToCompact(asertTarget(anchor, tip, params));
}

function checkUint64(v: bigint, what: string): void {
  if (v < 0n || v > UINT64_MAX) throw new ChainNodeError('ASERT_OUT_OF_RANGE', `${what} is not a 64-bit height`);
}

function checkInt64(v: bigint, what: string): void {
  if (v < INT64_MIN || v > INT64_MAX) throw new ChainNodeError('ASERT_OUT_OF_RANGE', `${what} is not a 64-bit time`);
}
