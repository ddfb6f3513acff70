import t from 'tap';
import * as dagCbor from '@ipld/dag-cbor';
import { encode as cborgEncode } from 'cborg';
import { canonicalForm, decodeCbor } from '../../src/primitives/cbor.js';
import { bytesEqual } from '../../src/util/bytes.js';

// The fast canonical check must agree with the definition: bytes are canonical iff re-encoding the decoded value
// gives them back. Random values from the JSON-like space payloads use, plus hand-made non-canonical cases.
function randomValue(depth: number): unknown {
  const r = Math.random();
  if (depth > 3 || r < 0.3) {
    const k = Math.floor(Math.random() * 7);
    return [
      null,
      true,
      Math.floor(Math.random() * 2 ** 40) - 2 ** 39,
      Math.random() * 1000 - 500,
      'sé' + Math.random(),
      new Uint8Array([1, 2, 3]),
      2 ** 60 + 0.5,
    ][k];
  }
  if (r < 0.6) return Array.from({ length: Math.floor(Math.random() * 4) }, () => randomValue(depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = 0; i < Math.floor(Math.random() * 6); i++)
    o[['a', 'bb', 'b', 'ab', 'ccc', '10', '2', 'zz', 'é'][Math.floor(Math.random() * 9)]!] = randomValue(depth + 1);
  return o;
}

t.test('canonical encodings pass the fast check', async (t) => {
  for (let i = 0; i < 500; i++) {
    const bytes = dagCbor.encode(randomValue(0));
    t.equal(canonicalForm(bytes), 'ok');
  }
});

t.test('fast check agrees with re-encoding on reordered maps and odd floats', async (t) => {
  const cases: [string, Uint8Array][] = [
    ['keys reversed', cborgEncode({ b: 1, a: 2 }, { mapSorter: () => 1 } as never)],
    [
      'longer key first',
      cborgEncode({ aa: 1, b: 2 }, { mapSorter: (x: [{ value: string }], y: [{ value: string }]) => y[0].value.length - x[0].value.length } as never),
    ],
    ['float32', new Uint8Array([0xfa, 0x3f, 0xc0, 0x00, 0x00])],
    ['integral float64', new Uint8Array([0xfb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0])],
    ['negative zero', new Uint8Array([0xfb, 0x80, 0, 0, 0, 0, 0, 0, 0])],
    ['invalid utf-8', new Uint8Array([0x62, 0xc3, 0x28])],
  ];
  for (const [name, bytes] of cases) {
    let decoded: unknown;
    try {
      decoded = dagCbor.decode(bytes);
    } catch {
      t.pass(`${name}: rejected by the strict decoder already`);
      continue;
    }
    const reencodeSaysCanonical = bytesEqual(dagCbor.encode(decoded), bytes);
    t.equal(reencodeSaysCanonical, false, `${name} is not canonical by definition`);
    t.equal(canonicalForm(bytes), 'bad', `${name}: fast check says bad`);
    t.throws(() => decodeCbor(bytes, 'x'), { code: 'DECODE_NON_CANONICAL' }, name);
  }
  t.equal(canonicalForm(new Uint8Array([0xfb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0])), 'ok', '1.5 as float64 is canonical');
});
