import t from 'tap';
import { MAX_UINT256, checkBits, compactToTarget, decodeCompact, targetToCompact } from '../../src/consensus/compact.js';
import { hasCode } from '../../src/errors.js';

// Bitcoin Core src/test/arith_uint256_tests.cpp, BOOST_AUTO_TEST_CASE(bignum_SetCompact): SetCompact(bits) must give
// `hex` with the negative/overflow flags, and GetCompact(negative) must give `compact` back.
const CORE_SET_COMPACT: { bits: number; hex: string; compact: number; negative: boolean; overflow: boolean }[] = [
  { bits: 0x00000000, hex: '00', compact: 0, negative: false, overflow: false },
  { bits: 0x00123456, hex: '00', compact: 0, negative: false, overflow: false },
  { bits: 0x01003456, hex: '00', compact: 0, negative: false, overflow: false },
  { bits: 0x02000056, hex: '00', compact: 0, negative: false, overflow: false },
  { bits: 0x03000000, hex: '00', compact: 0, negative: false, overflow: false },
  { bits: 0x04000000, hex: '00', compact: 0, negative: false, overflow: false },
  { bits: 0x00923456, hex: '00', compact: 0, negative: false, overflow: false },
  { bits: 0x01803456, hex: '00', compact: 0, negative: false, overflow: false },
  { bits: 0x02800056, hex: '00', compact: 0, negative: false, overflow: false },
  { bits: 0x03800000, hex: '00', compact: 0, negative: false, overflow: false },
  { bits: 0x04800000, hex: '00', compact: 0, negative: false, overflow: false },
  { bits: 0x01123456, hex: '12', compact: 0x01120000, negative: false, overflow: false },
  { bits: 0x01fedcba, hex: '7e', compact: 0x01fe0000, negative: true, overflow: false },
  { bits: 0x02123456, hex: '1234', compact: 0x02123400, negative: false, overflow: false },
  { bits: 0x03123456, hex: '123456', compact: 0x03123456, negative: false, overflow: false },
  { bits: 0x04123456, hex: '12345600', compact: 0x04123456, negative: false, overflow: false },
  { bits: 0x04923456, hex: '12345600', compact: 0x04923456, negative: true, overflow: false },
  { bits: 0x05009234, hex: '92340000', compact: 0x05009234, negative: false, overflow: false },
  {
    bits: 0x20123456,
    hex: '1234560000000000000000000000000000000000000000000000000000000000',
    compact: 0x20123456,
    negative: false,
    overflow: false,
  },
];

t.test('decodeCompact / targetToCompact match Bitcoin Core bignum_SetCompact', async (t) => {
  for (const v of CORE_SET_COMPACT) {
    const d = decodeCompact(v.bits);
    const label = `0x${v.bits.toString(16).padStart(8, '0')}`;
    t.equal(d.target, BigInt(`0x${v.hex}`), `${label} target`);
    t.equal(d.negative, v.negative, `${label} negative`);
    t.equal(d.overflow, v.overflow, `${label} overflow`);
    t.equal(targetToCompact(d.target, v.negative), v.compact, `${label} GetCompact(${v.negative})`);
  }
  // 0xff123456: not negative, overflow (Core checks only the flags).
  const big = decodeCompact(0xff123456);
  t.equal(big.negative, false);
  t.equal(big.overflow, true);
  // "Make sure that we don't generate compacts with the 0x00800000 bit set": 0x80 -> 0x02008000.
  t.equal(targetToCompact(0x80n), 0x02008000);
});

t.test('compactToTarget throws on negative and overflowing encodings', async (t) => {
  t.throws(() => compactToTarget(0x01fedcba), { code: 'BITS_NEGATIVE' });
  t.throws(() => compactToTarget(0x04923456), { code: 'BITS_NEGATIVE' });
  t.throws(() => compactToTarget(0xff123456), { code: 'BITS_OVERFLOW' });
  // Negative zero-mantissa encodings are not negative (nWord == 0).
  t.equal(compactToTarget(0x00923456), 0n);
  t.equal(compactToTarget(0x04800000), 0n);
  t.equal(compactToTarget(0x20123456), 0x123456n << 232n);
  t.equal(compactToTarget(0x1d00ffff), 0xffffn << 208n);
});

t.test('overflow boundaries follow SetCompact pfOverflow exactly', async (t) => {
  // size 34 fits one mantissa byte, 33 two, 32 three.
  t.equal(decodeCompact(0x220000ff).overflow, false);
  t.equal(decodeCompact(0x220000ff).target, 0xffn << 248n);
  t.equal(decodeCompact(0x22000100).overflow, true);
  t.equal(decodeCompact(0x2100ffff).overflow, false);
  t.equal(decodeCompact(0x21010000).overflow, true);
  t.equal(decodeCompact(0x207fffff).overflow, false);
  t.equal(decodeCompact(0x23000001).overflow, true);
  t.equal(decodeCompact(0xff000000).overflow, false, 'zero mantissa never overflows');
  // Core pow_tests CheckProofOfWork_test_overflow_target uses ~0x00800000.
  t.equal(decodeCompact(0xff7fffff).overflow, true);
});

t.test('bits must be an unsigned 32-bit integer', async (t) => {
  for (const bad of [-1, 2 ** 32, 1.5, Number.NaN]) {
    t.throws(() => decodeCompact(bad), { code: 'BITS_NOT_UINT32' });
  }
  t.throws(() => targetToCompact(-1n), { code: 'TARGET_OUT_OF_RANGE' });
  t.throws(() => targetToCompact(MAX_UINT256 + 1n), { code: 'TARGET_OUT_OF_RANGE' });
  t.equal(targetToCompact(MAX_UINT256), 0x2100ffff);
});

t.test('checkBits mirrors Core CheckProofOfWork range checks (pow_tests.cpp)', async (t) => {
  const powLimit = (1n << 224n) - 1n; // Bitcoin mainnet powLimit
  const invalid = (bits: number): boolean => {
    try {
      checkBits(bits, powLimit);
      return false;
    } catch (e) {
      return hasCode(e, 'BITS_INVALID') && (e as { penalty: number }).penalty > 0;
    }
  };
  t.ok(invalid(targetToCompact(powLimit, true)), 'negative target');
  t.ok(invalid(~0x00800000 >>> 0), 'overflow target');
  t.ok(invalid(targetToCompact(powLimit * 2n)), 'too easy target');
  t.ok(invalid(targetToCompact(0n)), 'zero target');
  t.equal(checkBits(0x1d00ffff, powLimit), 0xffffn << 208n);
  t.equal(checkBits(0x1b04864c, powLimit), 0x04864cn << 192n);
  // exactly at the limit passes, one step above fails
  const limit = compactToTarget(0x1d00ffff);
  t.equal(checkBits(0x1d00ffff, limit), limit);
  t.throws(() => checkBits(0x1d010000, limit), { code: 'BITS_INVALID' });
});

// Deterministic xorshift so failures are reproducible.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

t.test('random round trips', async (t) => {
  const next = rng(0x5eed1234);
  for (let i = 0; i < 5000; i++) {
    // Canonical compact values as GetCompact emits them: size 3..32, mantissa in [0x8000, 0x7fffff].
    const size = 3 + (next() % 30);
    const mantissa = 0x8000 + (next() % (0x800000 - 0x8000));
    const bits = ((size << 24) | mantissa) >>> 0;
    if (targetToCompact(compactToTarget(bits)) !== bits) t.fail(`0x${bits.toString(16)} does not round trip`);
  }
  for (const bits of [0x01010000, 0x017f0000, 0x02008000, 0x027fff00, 0x21008000, 0x2100ffff]) {
    t.equal(targetToCompact(compactToTarget(bits)), bits, `0x${bits.toString(16)}`);
  }
  t.pass('5000 random canonical bits');

  for (let i = 0; i < 5000; i++) {
    // Random targets of random bit length: encoding keeps the top bytes (truncation, never rounding up).
    const len = 1 + (next() % 256);
    let v = 0n;
    for (let w = 0; w < 8; w++) v = (v << 32n) | BigInt(next());
    v &= (1n << BigInt(len)) - 1n;
    v |= 1n << BigInt(len - 1);
    const bits = targetToCompact(v);
    const back = compactToTarget(bits);
    const size = bits >>> 24;
    const expected = size <= 3 ? v : (v >> BigInt(8 * (size - 3))) << BigInt(8 * (size - 3));
    if (back !== expected) t.fail(`target ${v.toString(16)} -> 0x${bits.toString(16)} -> ${back.toString(16)}`);
    if ((bits & 0x00800000) !== 0) t.fail('sign bit set');
    if (targetToCompact(back) !== bits) t.fail('re-encoding not stable');
  }
  t.pass('5000 random targets');
});
