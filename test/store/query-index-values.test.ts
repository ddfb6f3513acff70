// The subject+kind value of an aggregated kind, written straight from the payload on every connect, is the value
// the reference path builds (numericFields then indexValue), on random payloads: names ASCII and not, empty and
// over the length limit, values of every CBOR type, more fields than the limit.
import t from 'tap';
import type { CborValue } from '../../src/primitives/cbor.js';
import { aggregateIndexValue, fieldOf, indexValue, MAX_FIELD_BYTES, numericFields } from '../../src/store/query-index.js';
import { bytesEqual } from '../../src/util/bytes.js';

let seed = 0x9e3779b9;
function rnd(n: number): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
}

const NAMES = [
  'cpuUsage',
  'memoryMB',
  'a',
  '',
  'température',
  '温度',
  'x'.repeat(MAX_FIELD_BYTES),
  'y'.repeat(MAX_FIELD_BYTES + 1),
  'é'.repeat(33),
  'n1',
  'n2',
  'n3',
];
const VALUES: CborValue[] = [1, -7, 0.25, 1e300, 2n ** 40n, 2n ** 60n, 'text', null, true, new Uint8Array(2), [1], { a: 1 }, Number.MAX_SAFE_INTEGER];

t.test('aggregateIndexValue equals indexValue of numericFields', async (t) => {
  const txid = new Uint8Array(32).map((_, i) => i);
  let withFields = 0;
  const problems: string[] = [];
  for (let i = 0; i < 5000; i++) {
    const payload: CborValue =
      rnd(10) === 0
        ? VALUES[rnd(VALUES.length)]!
        : Object.fromEntries(Array.from({ length: rnd(20) }, () => [NAMES[rnd(NAMES.length)]!, VALUES[rnd(VALUES.length)]!]));
    const max = 1 + rnd(16);
    const fields = numericFields(payload, max);
    if (fields.length > 0) withFields++;
    const ordinal = rnd(1_000_000);
    const want = indexValue(txid, ordinal, fields);
    const got = aggregateIndexValue(txid, ordinal, payload, max);
    if (!bytesEqual(got, want)) problems.push(`payload ${i} (max ${max}): ${Buffer.from(got).toString('hex')} vs ${Buffer.from(want).toString('hex')}`);
  }
  t.same(problems.slice(0, 3), [], `${problems.length} differences`);
  t.ok(withFields > 2500, `${withFields} payloads kept fields`);
});

t.test('kept values read back by name', async (t) => {
  const v = aggregateIndexValue(new Uint8Array(32), 5, { cpuUsage: 12.5, memoryMB: 256, note: 'x', température: -3 }, 16);
  t.equal(fieldOf(v, new TextEncoder().encode('cpuUsage')), 12.5);
  t.equal(fieldOf(v, new TextEncoder().encode('memoryMB')), 256);
  t.equal(fieldOf(v, new TextEncoder().encode('température')), -3);
  t.equal(fieldOf(v, new TextEncoder().encode('note')), undefined);
});
