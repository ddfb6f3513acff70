import t from 'tap';
import {
  defaultSignatureVerifier,
  generateSecretKey,
  isValidPublicKey,
  isValidSecretKey,
  loadVerifier,
  publicKeyFromSecret,
  signHash,
  verifySignature,
} from '../../src/crypto/signature.js';
import { isLowS, SECP256K1_N } from '../../src/crypto/verifier.js';
import { loadNativeVerifier } from '../../src/crypto/verify-native.js';
import { nobleVerifier } from '../../src/crypto/verify-noble.js';
import * as cryptoIndex from '../../src/index.js';
import { bigintToBytesBE, bytesToBigintBE, toHex } from '../../src/util/bytes.js';
import { derToCompact, hex, loadFixture, refSha256 } from './support.js';

interface Rfc6979Fixture {
  vectors: { key: string; msg: string; nonce: string; signature: string }[];
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const G_COMPRESSED = '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';
// The prebuilt libsecp256k1 binding ships for linux-x64 (glibc and musl); elsewhere the noble fallback is expected.
const NATIVE_EXPECTED = process.platform === 'linux' && process.arch === 'x64';

t.test('RFC 6979 deterministic signatures match published secp256k1 vectors (low-S)', async (t) => {
  const { vectors } = loadFixture<Rfc6979Fixture>('rfc6979-secp256k1.json');
  t.equal(vectors.length, 6);
  for (const v of vectors) {
    const msgHash = refSha256(utf8(v.msg));
    const want = derToCompact(hex(v.signature));
    if (want === null) throw new Error('fixture signature is not strict DER');
    const sig = signHash(msgHash, hex(v.key));
    t.equal(toHex(sig), toHex(want), `key ${v.key.slice(0, 8)}… "${v.msg.slice(0, 20)}"`);
    t.ok(isLowS(sig));
    const pk = publicKeyFromSecret(hex(v.key));
    t.ok(nobleVerifier.verify(sig, msgHash, pk));
    t.ok(verifySignature(sig, msgHash, pk));
  }
});

t.test('signHash is deterministic, low-S, 64 bytes, and verifies', async (t) => {
  let highSeen = 0;
  for (let i = 0; i < 200; i++) {
    const sk = generateSecretKey();
    const pk = publicKeyFromSecret(sk);
    const h = refSha256(utf8(`action ${i}`));
    const sig = signHash(h, sk);
    t.equal(sig.byteLength, 64);
    if (!isLowS(sig)) highSeen++;
    t.same(signHash(h, sk), sig, 'same input, same signature');
    t.notSame(signHash(refSha256(utf8(`action ${i}!`)), sk), sig);
    if (!verifySignature(sig, h, pk)) t.fail(`signature ${i} did not verify`);
  }
  t.equal(highSeen, 0, 'every signature is low-S');
});

t.test('keys', async (t) => {
  const one = bigintToBytesBE(1n, 32);
  t.equal(toHex(publicKeyFromSecret(one)), G_COMPRESSED, 'pubkey of 1 is G');
  // -G has the same x and the odd y.
  t.equal(toHex(publicKeyFromSecret(bigintToBytesBE(SECP256K1_N - 1n, 32))), '03' + G_COMPRESSED.slice(2));
  const keys = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const sk = generateSecretKey();
    t.equal(sk.byteLength, 32);
    t.ok(isValidSecretKey(sk));
    const pk = publicKeyFromSecret(sk);
    t.equal(pk.byteLength, 33);
    t.ok(pk[0] === 2 || pk[0] === 3);
    t.ok(isValidPublicKey(pk));
    keys.add(toHex(sk));
  }
  t.equal(keys.size, 50, 'secret keys are distinct');
  t.notOk(isValidSecretKey(new Uint8Array(32)), 'zero');
  t.notOk(isValidSecretKey(bigintToBytesBE(SECP256K1_N, 32)), 'n');
  t.notOk(isValidSecretKey(new Uint8Array(31).fill(1)), '31 bytes');
  t.notOk(isValidSecretKey('00' as unknown as Uint8Array), 'not bytes');
  t.ok(isValidSecretKey(bigintToBytesBE(SECP256K1_N - 1n, 32)), 'n - 1');
});

t.test('bad signing input throws with stable codes', async (t) => {
  const sk = generateSecretKey();
  const h = refSha256(utf8('x'));
  t.throws(() => signHash(h.subarray(0, 31), sk), { code: 'CRYPTO_BAD_MSG_HASH' });
  t.throws(() => signHash(new Uint8Array(33), sk), { code: 'CRYPTO_BAD_MSG_HASH' });
  t.throws(() => signHash('hash' as unknown as Uint8Array, sk), { code: 'CRYPTO_BAD_MSG_HASH' });
  for (const bad of [new Uint8Array(32), bigintToBytesBE(SECP256K1_N, 32), new Uint8Array(31).fill(1), new Uint8Array(33).fill(1)]) {
    t.throws(() => signHash(h, bad), { code: 'CRYPTO_BAD_SECRET_KEY' });
    t.throws(() => publicKeyFromSecret(bad), { code: 'CRYPTO_BAD_SECRET_KEY' });
  }
});

t.test('loadVerifier picks native when it loads, noble otherwise', async (t) => {
  t.equal(loadVerifier('noble').name, 'noble');
  const native = loadNativeVerifier();
  if (NATIVE_EXPECTED) t.not(native, null, 'libsecp256k1 prebuilt loads on linux-x64');
  if (native !== null) {
    t.equal(loadVerifier('native').name, 'native');
    t.equal(loadVerifier().name, 'native');
    t.equal(loadVerifier('auto').name, 'native');
    t.equal(defaultSignatureVerifier().name, 'native');
  } else {
    t.throws(() => loadVerifier('native'), { code: 'CRYPTO_NATIVE_UNAVAILABLE' });
    t.equal(loadVerifier('auto').name, 'noble');
  }
});

t.test('verifySignature and isValidPublicKey (auto-selected backend)', async (t) => {
  const sk = generateSecretKey();
  const pk = publicKeyFromSecret(sk);
  const h = refSha256(utf8('doc.certify'));
  const sig = signHash(h, sk);
  t.ok(verifySignature(sig, h, pk));
  const s = bytesToBigintBE(sig.subarray(32));
  const twin = Uint8Array.from([...sig.subarray(0, 32), ...bigintToBytesBE(SECP256K1_N - s, 32)]);
  t.notOk(isLowS(twin));
  t.notOk(verifySignature(twin, h, pk), 'high-S twin rejected');
  t.notOk(verifySignature(sig, refSha256(utf8('doc.certify ')), pk));
  t.notOk(verifySignature(sig, h, publicKeyFromSecret(generateSecretKey())));
  t.notOk(isValidPublicKey(new Uint8Array(33)));
  t.notOk(isValidPublicKey(hex('04' + G_COMPRESSED.slice(2))));
});

t.test('index re-exports the public crypto names', async (t) => {
  for (const name of [
    'sha256',
    'sha256Concat',
    'sha256d',
    'leafHash',
    'nodeHash',
    'merkleRoot',
    'merkleRootFromLeafHashes',
    'inclusionProof',
    'inclusionProofFromLeafHashes',
    'rootFromInclusion',
    'verifyInclusion',
    'consistencyProof',
    'consistencyProofFromLeafHashes',
    'verifyConsistency',
    'emptyRoot',
    'generateSecretKey',
    'publicKeyFromSecret',
    'signHash',
    'verifySignature',
    'isValidPublicKey',
    'isValidSecretKey',
    'loadVerifier',
    'isLowS',
    'nobleVerifier',
    'loadNativeVerifier',
    'loadAddonVerifier',
    'loadPackageVerifier',
    'SECP256K1_N',
  ]) {
    t.ok(name in cryptoIndex, name);
  }
});
