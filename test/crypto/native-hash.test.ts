import { hash as nodeHash, randomBytes } from 'node:crypto';
import t from 'tap';
import { sha256, sha256Concat, sha256d } from '../../src/crypto/hash.js';
import { nativeSha256, nativeSha256Impl } from '../../src/crypto/native-hash.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

t.test('the native SHA-256 matches node:crypto at every padding boundary and on random inputs', (t) => {
  const native = nativeSha256();
  if (native === null) {
    t.fail('the native addon is not built (run `npm run build:native`)');
    return t.end();
  }
  t.match(nativeSha256Impl(), /^(sha-ni|portable)$/);
  const out = new Uint8Array(new ArrayBuffer(32));
  const big = new Uint8Array(randomBytes(70_000));
  for (let len = 0; len <= 300; len++) {
    native(big.subarray(len, 2 * len), out);
    if (hex(out) !== nodeHash('sha256', big.subarray(len, 2 * len), 'hex')) t.fail(`length ${len}`);
  }
  for (const len of [1000, 4096, 16_383, 16_384, 16_385, 70_000]) {
    native(big.subarray(0, len), out);
    t.equal(hex(out), nodeHash('sha256', big.subarray(0, len), 'hex'), `length ${len}`);
  }
  t.throws(() => native(big, new Uint8Array(16)), TypeError, 'a short output is refused');
  native(big, out, 100);
  t.equal(hex(out), nodeHash('sha256', big.subarray(0, 100), 'hex'), 'a length hashes a prefix');
  for (const bad of [-1, 1.5, 70_001, Number.NaN]) t.throws(() => native(big, out, bad), RangeError, `length ${bad} is refused`);
  t.end();
});

t.test('sha256, sha256Concat and sha256d agree with node:crypto (whichever backend runs)', (t) => {
  for (let i = 0; i < 200; i++) {
    const a = new Uint8Array(randomBytes(i * 7));
    const b = new Uint8Array(randomBytes(i % 40));
    t.equal(hex(sha256(a)), nodeHash('sha256', a, 'hex'));
    t.equal(hex(sha256Concat(a, b, a)), nodeHash('sha256', Buffer.concat([a, b, a]), 'hex'));
    t.equal(hex(sha256d(b)), nodeHash('sha256', nodeHash('sha256', b, 'buffer'), 'hex'));
  }
  const huge = new Uint8Array(randomBytes(40_000));
  t.equal(hex(sha256(huge)), nodeHash('sha256', huge, 'hex'), 'inputs larger than the scratch buffer');
  t.equal(hex(sha256Concat(huge, huge)), nodeHash('sha256', Buffer.concat([huge, huge]), 'hex'));
  // Digests are independent copies, not views of a shared buffer.
  const d1 = sha256(new Uint8Array([1]));
  const d2 = sha256(new Uint8Array([2]));
  t.not(hex(d1), hex(d2));
  t.equal(hex(d1), nodeHash('sha256', new Uint8Array([1]), 'hex'));
  t.end();
});
