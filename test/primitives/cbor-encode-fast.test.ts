// Differential test of the hand-written encoder against @ipld/dag-cbor: for every value the fast path encodes, the
// bytes are the library's; values it gives up on go to the library, so encodeCbor as a whole encodes (or refuses)
// exactly what the library does.
import t from 'tap';
import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import { encodeCbor } from '../../src/primitives/cbor.js';
import { encodeCborFast } from '../../src/primitives/cbor-encode-fast.js';
import { bytesEqual } from '../../src/util/bytes.js';
import { makeTx } from './support.js';

let seed = 0x1b873593;
function rnd(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
}

// Keys whose UTF-16 order differs from their UTF-8 byte order ('\uffff' vs an astral character), of equal and
// unequal lengths, ASCII and not.
const KEYS = ['a', 'b', 'ab', 'ba', 'v', 'sig', 'kind', 'time', 'é', 'z', '10', '2', 'payload', '\uffff', '😀', 'ﬀ', 'é1', 'aé', '/x'];
function leaf(): unknown {
  switch (Math.floor(rnd() * 16)) {
    case 0:
      return null;
    case 1:
      return rnd() < 0.5;
    case 2:
      return Math.floor(rnd() * 30) - 10;
    case 3:
      return Math.floor(rnd() * 2 ** 53) * (rnd() < 0.5 ? -1 : 1);
    case 4:
      return (rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20);
    case 5:
      return [23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, -24, -25, -257, -65537, -(2 ** 32) - 1][Math.floor(rnd() * 13)];
    case 6:
      return 'ünïcødé ✓ 😀 ' + 'x'.repeat(Math.floor(rnd() * 300));
    case 7:
      return new Uint8Array(Math.floor(rnd() * 300)).map(() => Math.floor(rnd() * 256));
    case 8:
      return 'ascii-' + Math.floor(rnd() * 1e6);
    // Not plain: the library's to encode or refuse.
    case 9:
      return 2n ** 64n - 1n;
    case 10:
      return [undefined, -0, NaN, Infinity, 2 ** 53, 1e300, 'lone \ud800 surrogate', 'lone \udc00'][Math.floor(rnd() * 8)];
    case 11:
      return CID.parse('bafyreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku');
    case 12:
      return Object.assign(Object.create(null) as object, { a: 1 });
    case 13:
      return new Date(0);
    case 14:
      return Buffer.from('buffer bytes');
    default:
      return '';
  }
}

function value(depth: number): unknown {
  const r = rnd();
  if (depth > 4 || r < 0.4) return leaf();
  if (r < 0.65) {
    const a = Array.from({ length: Math.floor(rnd() * 6) }, () => value(depth + 1));
    // Now and then a sparse array (a hole is undefined to the library): built, not written as a literal.
    if (rnd() < 0.05) {
      const sparse: unknown[] = [1];
      sparse[2] = 2;
      return sparse;
    }
    return a;
  }
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(rnd() * 7); i > 0; i--) o[KEYS[Math.floor(rnd() * KEYS.length)]!] = value(depth + 1);
  return o;
}

function library(v: unknown): Uint8Array | 'refused' {
  try {
    return dagCbor.encode(v);
  } catch {
    return 'refused';
  }
}

function ours(v: unknown): Uint8Array | 'refused' {
  try {
    return encodeCbor(v);
  } catch {
    return 'refused';
  }
}

t.test('the fast encoder gives the library bytes, and encodeCbor encodes or refuses what the library does', async (t) => {
  let fast = 0;
  let refused = 0;
  const problems: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    const v = value(0);
    const ref = library(v);
    const got = encodeCborFast(v);
    if (got !== undefined) {
      fast++;
      if (ref === 'refused' || !bytesEqual(got, ref))
        problems.push(`fast ${Buffer.from(got).toString('hex')} vs library ${ref === 'refused' ? ref : Buffer.from(ref).toString('hex')}`);
    }
    const all = ours(v);
    if (ref === 'refused') refused++;
    if ((ref === 'refused') !== (all === 'refused') || (ref !== 'refused' && all !== 'refused' && !bytesEqual(ref, all)))
      problems.push(`encodeCbor differs from the library on value ${i}`);
  }
  t.same(problems.slice(0, 5), [], `${problems.length} differences`);
  t.ok(fast > 8000, `the fast path encoded ${fast} of 20,000 values`);
  t.ok(refused > 1000, `${refused} values refused by both`);
});

t.test('transactions encode through the fast path to the bytes they had', async (t) => {
  for (let i = 0; i < 50; i++) {
    const tx = makeTx(undefined, { nonce: i, payload: { cpuUsage: i / 7, memoryMB: 256 + i, tags: ['a', 'ü'], nested: { ok: true, n: null } } });
    const decoded = dagCbor.decode(tx.bytes);
    const fast = encodeCborFast(decoded);
    t.ok(fast !== undefined && bytesEqual(fast, tx.bytes), `tx ${i}`);
  }
});
