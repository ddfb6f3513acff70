// Differential test of the hand-written fast decoder against the definition (the strict @ipld/dag-cbor decode
// plus "re-encoding gives the same bytes"): whenever the fast path accepts bytes, the strict path must accept
// them too and decode the same value. Random canonical values, real transactions, and mutated bytes.
import t from 'tap';
import * as dagCbor from '@ipld/dag-cbor';
import { decodeCanonicalFast } from '../../src/primitives/cbor.js';
import { bytesEqual } from '../../src/util/bytes.js';
import { makeTx } from './support.js';

let seed = 0x2545f491;
function rnd(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
}

const KEYS = ['a', 'b', 'ab', 'ba', 'v', 'sig', 'kind', 'time', 'é', '10', '2', '__proto__x', 'payload', 'zz'];
function value(depth: number): unknown {
  const r = rnd();
  if (depth > 4 || r < 0.35) {
    switch (Math.floor(rnd() * 11)) {
      case 0:
        return null;
      case 1:
        return rnd() < 0.5;
      case 2:
        return Math.floor(rnd() * 30);
      case 3:
        return Math.floor(rnd() * 2 ** 52) * (rnd() < 0.5 ? -1 : 1);
      case 4:
        return rnd() * 1e6 - 5e5;
      case 5:
        return 'ascii-' + Math.floor(rnd() * 1e6);
      case 6:
        return 'ünïcødé ✓ ' + 'x'.repeat(Math.floor(rnd() * 40));
      case 7:
        return new Uint8Array(Math.floor(rnd() * 70)).map(() => Math.floor(rnd() * 256));
      case 8:
        return 2n ** 64n - 1n;
      case 9:
        return 1.5e300;
      default:
        return '';
    }
  }
  if (r < 0.65) return Array.from({ length: Math.floor(rnd() * 5) }, () => value(depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(rnd() * 6); i > 0; i--) o[KEYS[Math.floor(rnd() * KEYS.length)]!] = value(depth + 1);
  return o;
}

function strict(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false } {
  try {
    const v = dagCbor.decode(bytes);
    return bytesEqual(dagCbor.encode(v), bytes) ? { ok: true, value: v } : { ok: false };
  } catch {
    return { ok: false };
  }
}

t.test('fast decode equals strict decode on canonical values', async (t) => {
  let fastHits = 0;
  for (let i = 0; i < 3000; i++) {
    const bytes = dagCbor.encode(value(0));
    const fast = decodeCanonicalFast(bytes);
    const ref = strict(bytes);
    if (fast === undefined) continue;
    fastHits++;
    if (!ref.ok) t.fail(`fast accepted bytes the strict path rejects: ${Buffer.from(bytes).toString('hex')}`);
    else t.same(fast.value, ref.value);
  }
  t.ok(fastHits > 1500, `the fast path handled ${fastHits} of 3000 values`);
});

t.test('fast decode never accepts what the strict path rejects (mutated bytes)', async (t) => {
  const samples = [
    ...Array.from({ length: 40 }, (_, i) => makeTx(undefined, { nonce: i, payload: value(1) as never }).bytes),
    ...Array.from({ length: 200 }, () => dagCbor.encode(value(0))),
  ];
  let accepted = 0;
  let checked = 0;
  for (const base of samples) {
    for (let m = 0; m < 40; m++) {
      const b = Uint8Array.from(base);
      const kind = Math.floor(rnd() * 3);
      let bytes: Uint8Array;
      if (kind === 0 && b.length > 0) {
        b[Math.floor(rnd() * b.length)] ^= 1 << Math.floor(rnd() * 8);
        bytes = b;
      } else if (kind === 1) bytes = b.subarray(0, Math.floor(rnd() * b.length));
      else bytes = Uint8Array.from([...b, Math.floor(rnd() * 256)]);
      const fast = decodeCanonicalFast(bytes);
      checked++;
      if (fast === undefined) continue;
      accepted++;
      const ref = strict(bytes);
      if (!ref.ok) t.fail(`fast accepted non-canonical or malformed bytes: ${Buffer.from(bytes).toString('hex')}`);
      else t.same(fast.value, ref.value);
    }
  }
  t.pass(`${checked} mutations checked, ${accepted} still canonical and equal`);
});
