import t from 'tap';
import { BlockHeader, decodeHeader, encodeHeader, hashHeader, blockHashToHex } from '../../src/primitives/header.js';
import { fromHex, toHex } from '../../src/util/bytes.js';

const GENESIS =
  '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c';

t.test('Bitcoin genesis header decodes, re-encodes and hashes to its known hash', async (t) => {
  const bytes = fromHex(GENESIS);
  const h = BlockHeader.decode(bytes);
  t.equal(h.version, 1);
  t.equal(h.time, 1231006505);
  t.equal(h.bits, 0x1d00ffff);
  t.equal(h.nonce, 2083236893);
  t.equal(toHex(h.merkleRoot), '3ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a');
  t.equal(toHex(encodeHeader(decodeHeader(bytes))), GENESIS);
  t.equal(h.hashHex, '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f');
  t.equal(blockHashToHex(hashHeader(bytes)), h.hashHex);
  t.equal(h.size, 80);
});

t.test('with() changes only the named fields', async (t) => {
  const h = BlockHeader.decode(fromHex(GENESIS));
  const h2 = h.with({ nonce: 5 });
  t.equal(h2.nonce, 5);
  t.equal(toHex(h2.bytes.subarray(0, 76)), toHex(h.bytes.subarray(0, 76)));
  t.not(h2.hashHex, h.hashHex);
});

t.test('bad lengths and out-of-range fields are rejected with codes', async (t) => {
  t.throws(() => decodeHeader(new Uint8Array(79)), { code: 'DECODE_BAD_VALUE' });
  t.throws(() => decodeHeader(new Uint8Array(81)), { code: 'DECODE_BAD_VALUE' });
  const base = decodeHeader(fromHex(GENESIS));
  t.throws(() => encodeHeader({ ...base, nonce: 2 ** 32 }), { code: 'DECODE_BAD_VALUE' });
  t.throws(() => encodeHeader({ ...base, time: -1 }), { code: 'DECODE_BAD_VALUE' });
  t.throws(() => encodeHeader({ ...base, prevHash: new Uint8Array(31) }), { code: 'DECODE_BAD_VALUE' });
});

t.test('random headers round-trip', async (t) => {
  for (let i = 0; i < 200; i++) {
    const bytes = new Uint8Array(80);
    crypto.getRandomValues(bytes);
    t.same(toHex(encodeHeader(decodeHeader(bytes))), toHex(bytes));
  }
});
