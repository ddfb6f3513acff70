import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { asertNextBits, asertTarget, calculateAsert, type AsertParams } from '../../src/consensus/asert.js';
import { compactToTarget, targetToCompact } from '../../src/consensus/compact.js';

// Bitcoin Cash mainnet parameters, as SPEC 4 prescribes for the reference vectors.
const BCH: AsertParams = { targetSpacing: 600n, halfLife: 172800n, powLimit: compactToTarget(0x1d00ffff) };

interface Run {
  name: string;
  description: string;
  anchorHeight: bigint;
  anchorParentTime: bigint;
  anchorBits: number;
  startHeight: bigint;
  startTime: bigint;
  iterations: number;
  rows: { iteration: number; height: bigint; time: bigint; bits: number }[];
}

const DIR = new URL('../fixtures/consensus/asert/', import.meta.url);

function parseRun(name: string, text: string): Run {
  const header = new Map<string, string>();
  const rows: Run['rows'] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('##')) {
      const colon = line.indexOf(':');
      header.set(line.slice(2, colon).trim(), line.slice(colon + 1).trim());
    } else if (!line.startsWith('#')) {
      const [it, h, tm, bits] = line.split(/\s+/);
      rows.push({ iteration: Number(it), height: BigInt(h!), time: BigInt(tm!), bits: Number.parseInt(bits!, 16) });
    }
  }
  const get = (k: string): string => {
    const v = header.get(k);
    if (v === undefined) throw new Error(`${name}: missing header "${k}"`);
    return v;
  };
  return {
    name,
    description: get('description'),
    anchorHeight: BigInt(get('anchor height')),
    anchorParentTime: BigInt(header.get('anchor ancestor time') ?? get('anchor parent time')),
    anchorBits: Number.parseInt(get('anchor nBits'), 16),
    startHeight: BigInt(get('start height')),
    startTime: BigInt(get('start time')),
    iterations: Number(get('iterations')),
    rows,
  };
}

const runFiles = readdirSync(DIR)
  .filter((f) => /^run\d+$/.test(f))
  .sort();

const runs = runFiles.map((file) => parseRun(file, readFileSync(new URL(file, DIR), 'utf8')));

t.test('published aserti3-2d reference vectors: every row of every run file', async (t) => {
  t.ok(runs.length >= 10, `${runs.length} run files`);
  // run01..run10 hold 10 + 10 + 10 + 225 + 225 + 1000 + 1000 + 500 + 10 + 10 rows.
  const total = runs.reduce((n, r) => n + r.rows.length, 0);
  t.ok(total >= 3000, `${total} rows`);
  for (const run of runs) {
    t.test(`${run.name}: ${run.description}`, async (t) => {
      // The header duplicates the data; a mismatch would mean a damaged fixture.
      t.equal(run.rows.length, run.iterations, 'row count = iterations');
      t.equal(run.rows[0]!.height, run.startHeight, 'first row at start height');
      t.equal(run.rows[0]!.time, run.startTime, 'first row at start time');
      run.rows.forEach((r, i) => {
        if (r.iteration !== i + 1) t.fail(`row ${i + 1} has iteration ${r.iteration}`);
      });
      const anchor = { height: run.anchorHeight, parentTime: run.anchorParentTime, bits: run.anchorBits };
      let mismatches = 0;
      for (const r of run.rows) {
        const got = asertNextBits(anchor, { height: r.height, time: r.time }, BCH);
        if (got !== r.bits) {
          mismatches++;
          t.fail(`iteration ${r.iteration}: got 0x${got.toString(16)}, want 0x${r.bits.toString(16)}`);
        }
      }
      t.equal(mismatches, 0, `${run.rows.length} rows match`);
    });
  }
});

// Bitcoin ABC src/test/pow/aserti32d_tests.cpp, calculate_asert_test (the upstream of BCHN's CalculateASERT tests),
// with Bitcoin's real powLimit 2^224 - 1. timeDiff there excludes parent_time_diff = 600, added here as in the test.
t.test('CalculateASERT unit vectors (aserti32d_tests.cpp calculate_asert_test)', async (t) => {
  const powLimit = (1n << 224n) - 1n;
  const powLimitBits = targetToCompact(powLimit);
  t.equal(powLimitBits, 0x1d00ffff);
  const SINGLE_300_TARGET = BigInt('0x00000000ffb1ffffffffffffffffffffffffffffffffffffffffffffffffffff');
  const FUNNY_REF_TARGET = BigInt('0x000000008000000000000000000fffffffffffffffffffffffffffffffffffff');
  const calc = (ref: bigint, timeDiff: bigint, heightDiff: bigint): bigint => calculateAsert(ref, 600n, 600n + timeDiff, heightDiff, powLimit, 172800n);

  // [refTarget, timeDiff, heightDiff, expectedTarget, expectedBits]
  const cases: [bigint, bigint, bigint, bigint, number][] = [
    [powLimit, 0n, 2n * 144n, powLimit >> 1n, 0x1c7fffff],
    [powLimit, 0n, 4n * 144n, powLimit >> 2n, 0x1c3fffff],
    [powLimit >> 1n, 0n, 2n * 144n, powLimit >> 2n, 0x1c3fffff],
    [powLimit >> 2n, 0n, 2n * 144n, powLimit >> 3n, 0x1c1fffff],
    [powLimit >> 3n, 0n, 2n * 144n, powLimit >> 4n, 0x1c0fffff],
    [powLimit, 0n, 2n * (256n - 34n) * 144n, 3n, 0x01030000],
    [powLimit, 0n, 2n * (256n - 34n) * 144n + 119n, 3n, 0x01030000],
    [powLimit, 0n, 2n * (256n - 34n) * 144n + 120n, 2n, 0x01020000],
    [powLimit, 0n, 2n * (256n - 33n) * 144n - 1n, 2n, 0x01020000],
    [powLimit, 0n, 2n * (256n - 33n) * 144n, 1n, 0x01010000],
    [powLimit, 0n, 2n * (256n - 32n) * 144n, 1n, 0x01010000],
    [1n, 0n, 2n * (256n - 32n) * 144n, 1n, 0x01010000],
    [powLimit, 2n * (512n - 32n) * 144n, 0n, powLimit, powLimitBits],
    [1n, (512n - 64n) * 144n * 600n, 0n, powLimit, powLimitBits],
    [powLimit, 300n, 1n, SINGLE_300_TARGET, 0x1d00ffb1],
    [FUNNY_REF_TARGET, 600n * 2n * 33n * 144n, 0n, powLimit, powLimitBits],
    [1n, 600n * 2n * 256n * 144n, 0n, powLimit, powLimitBits],
    [1n, 600n * 2n * 224n * 144n - 1n, 0n, 0xffff8n << 204n, powLimitBits],
  ];
  cases.forEach(([ref, timeDiff, heightDiff, target, bits], i) => {
    const got = calc(ref, timeDiff, heightDiff);
    t.equal(got, target, `case ${i} target`);
    t.equal(targetToCompact(got), bits, `case ${i} bits`);
  });

  // The scripted part of the same test.
  const initial = powLimit >> 4n;
  t.equal(calc(initial, 600n, 1n), initial, 'steady');
  const fast = calc(initial, 600n + 300n, 2n);
  t.ok(fast < initial, 'half-time block lowers the target');
  const back = calc(initial, 600n + 300n + 900n, 3n);
  t.ok(back > fast);
  t.equal(back, initial, 'making up the shortfall restores the target');
  t.equal(calc(initial, 288n * 1200n, 288n), initial * 2n, 'two days ahead doubles');
  t.equal(calc(initial * 2n, 0n, 288n), initial, 'two days behind halves');
  t.equal(targetToCompact(calc(powLimit, 512n * 144n * 600n, 0n)), powLimitBits, 'no overflow past powLimit');
  t.equal(targetToCompact(calculateAsert(powLimit, 600n, 0n, 2n * (256n - 33n) * 144n, powLimit, 172800n)), 0x01010000, 'underflow stops at target 1');
});

// Bitcoin ABC aserti32d_tests.cpp asert_activation_anchor_test, reduced to the anchor/tip form: each activation
// block is the anchor and the tip, so heightDiff = 0 and timeDiff = its solvetime after the pre-activation block.
t.test('anchor cases (aserti32d_tests.cpp asert_activation_anchor_test)', async (t) => {
  const T = 1_269_211_443n + 1000n * 600n; // any parent time: only differences matter
  const next = (anchorBits: number, solvetime: bigint, extraBlocks = 0n, extraTime = 0n): number =>
    asertNextBits({ height: 4000n, parentTime: T, bits: anchorBits }, { height: 4000n + extraBlocks, time: T + solvetime + extraTime }, BCH);
  t.equal(next(0x180236e1, 600n), 0x180236e1, 'expected solvetime keeps the target');
  t.equal(next(0x18023456, 0n), 0x180232fd, 'zero solvetime');
  t.equal(next(0x180210fe, 600n), 0x180210fe);
  t.equal(next(0x18034567, 86400n * 90n), 0x1d00ffff, 'three-month solvetime hits powLimit');
  t.equal(next(0x18034567, 86400n * 90n, 1n, -86400n * 90n + 1200n), 0x18034567, 'jumping back restores it');
  // Anchor timestamped at the pre-activation block's MTP: 11 blocks 500 s apart, median is 2500 s back.
  t.equal(next(0x18011111, -2500n), 0x18010db3, 'backwards timestamp');
});

t.test('asertTarget/asertNextBits reject what the reference asserts against', async (t) => {
  const anchor = { height: 10n, parentTime: 0n, bits: 0x1d00ffff };
  const code = (c: string): { code: string } => ({ code: c });
  t.throws(() => asertTarget(anchor, { height: 9n, time: 0n }, BCH), code('ASERT_HEIGHT_BEFORE_ANCHOR'));
  t.throws(() => asertTarget({ ...anchor, bits: 0x1d01ffff }, { height: 10n, time: 0n }, BCH), code('ASERT_INVALID_ANCHOR'));
  t.throws(() => asertTarget({ ...anchor, bits: 0 }, { height: 10n, time: 0n }, BCH), code('ASERT_INVALID_ANCHOR'));
  t.throws(() => asertTarget({ ...anchor, bits: 0x01fedcba }, { height: 10n, time: 0n }, BCH), code('ASERT_INVALID_ANCHOR'));
  t.throws(() => asertTarget(anchor, { height: 10n, time: 0n }, { ...BCH, halfLife: 0n }), code('ASERT_INVALID_PARAMS'));
  t.throws(() => asertTarget(anchor, { height: 10n, time: 0n }, { ...BCH, powLimit: 1n << 256n }), code('ASERT_INVALID_PARAMS'));
  t.throws(() => asertTarget(anchor, { height: 10n, time: 1n << 47n }, BCH), code('ASERT_OUT_OF_RANGE'));
  t.throws(() => asertTarget(anchor, { height: 10n, time: -(1n << 47n) }, BCH), code('ASERT_OUT_OF_RANGE'));
  t.throws(() => asertTarget(anchor, { height: 1n << 64n, time: 0n }, BCH), code('ASERT_OUT_OF_RANGE'));
  // Just inside the bound still computes (and clamps).
  t.equal(asertNextBits(anchor, { height: 10n, time: (1n << 47n) - 1n }, BCH), 0x1d00ffff);
  t.equal(asertNextBits(anchor, { height: 10n, time: -(1n << 47n) + 1n }, BCH), 0x01010000);
});
