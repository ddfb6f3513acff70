import t from 'tap';
import { keyExpander } from '../../src/crypto/key-expander.mjs';
import { generateSecretKey, publicKeyFromSecret } from '../../src/crypto/signature.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';

t.test('keys are expanded once, correctly, and a bad key is never remembered', (t) => {
  let calls = 0;
  const expand = keyExpander((key) => {
    calls++;
    return secp256k1.Point.fromBytes(key).toBytes(false);
  });
  const keys = Array.from({ length: 300 }, () => publicKeyFromSecret(generateSecretKey()));
  for (let round = 0; round < 3; round++) {
    for (const k of keys) t.same(Buffer.from(expand(k)), Buffer.from(secp256k1.Point.fromBytes(k).toBytes(false)));
  }
  t.ok(calls >= 300 && calls < 330, `converted about once per key (${calls} for 300 keys, 900 lookups)`);
  const bad = Uint8Array.of(2, ...new Uint8Array(32).fill(0xff));
  t.throws(() => expand(bad));
  t.throws(() => expand(bad), 'still thrown the second time: nothing was cached');
  t.end();
});
