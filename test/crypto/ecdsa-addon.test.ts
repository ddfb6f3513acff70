// The addon's batch verifier (native/src/ecdsa-verify.cc, vendored libsecp256k1) called directly: argument
// checks, one answer per record in order, and the per-thread parsed-key cache (hits, slot collisions, bad keys).
// The acceptance rules themselves are held against the other backends in verifier-agreement.test.ts.
import t, { type Test } from 'tap';
import { generateSecretKey, publicKeyFromSecret, signHash } from '../../src/crypto/signature.js';
import { SECP256K1_N } from '../../src/crypto/verifier.js';
import { addonEcdsa, VERIFY_RECORD_BYTES } from '../../src/crypto/verify-native.js';
import { bigintToBytesBE, bytesToBigintBE, concatBytes } from '../../src/util/bytes.js';
import { flipBit, refSha256 } from './support.js';

const ecdsa = addonEcdsa();
// The addon is part of the build (npm install builds it, CI checks it): a missing one fails here, never skips.
const opts = {};
t.test('the addon verifier loads', async (t) => {
  t.not(ecdsa, null, 'the native addon is built (run `npm run build:native` if not)');
});

interface Rec {
  sig: Uint8Array;
  msgHash: Uint8Array;
  publicKey: Uint8Array;
}

function pack(recs: readonly Rec[]): Uint8Array {
  const out = new Uint8Array(new ArrayBuffer(recs.length * VERIFY_RECORD_BYTES));
  recs.forEach((r, i) => {
    const o = i * VERIFY_RECORD_BYTES;
    out.set(r.sig, o);
    out.set(r.msgHash, o + 64);
    out.set(r.publicKey, o + 96);
  });
  return out;
}

function verifyAll(t: Test, recs: readonly Rec[]): number[] {
  const out = new Uint8Array(new ArrayBuffer(recs.length + 8)).fill(9);
  ecdsa!.ecdsaVerifyBatch(pack(recs), recs.length, out);
  t.same([...out.subarray(recs.length)], new Array(8).fill(9), 'nothing written past count');
  return [...out.subarray(0, recs.length)];
}

function signed(sk: Uint8Array, i: number): Rec {
  const msgHash = refSha256(Uint8Array.of(i, i >> 8, 42));
  return { sig: signHash(msgHash, sk), msgHash, publicKey: publicKeyFromSecret(sk) };
}

// The cache slot of a key: the low 14 bits of bytes 1..4 read little-endian (ecdsa-verify.cc, 16384 slots).
const slotOf = (key: Uint8Array): number => (key[1]! | (key[2]! << 8)) & 16383;

t.test('argument errors throw; count 0 writes nothing', opts, async (t) => {
  const e = ecdsa!;
  const recs = pack([signed(generateSecretKey(), 1)]);
  const out = new Uint8Array(4);
  t.throws(() => e.ecdsaVerifyBatch(recs, 2, out), RangeError, 'more records than given');
  t.throws(() => e.ecdsaVerifyBatch(recs, 1, new Uint8Array(0)), RangeError, 'no room for the result');
  t.throws(() => e.ecdsaVerifyBatch(recs, 0.5, out), RangeError, 'fractional count');
  t.throws(() => e.ecdsaVerifyBatch(recs, -1, out), RangeError, 'negative count');
  t.throws(() => e.ecdsaVerifyBatch(recs, Number.NaN, out), RangeError, 'NaN count');
  t.throws(() => e.ecdsaVerifyBatch(new Uint16Array(200) as unknown as Uint8Array, 1, out), TypeError, 'records not a Uint8Array');
  t.throws(() => e.ecdsaVerifyBatch(recs, '1' as unknown as number, out), TypeError, 'count not a number');
  t.throws(() => e.ecdsaPublicKeyValid('02' as unknown as Uint8Array), TypeError);
  e.ecdsaVerifyBatch(recs, 0, out);
  t.same([...out], [0, 0, 0, 0]);
});

t.test('one answer per record, in order, over a mixed batch', opts, async (t) => {
  const sk = generateSecretKey();
  const recs: Rec[] = [];
  const want: number[] = [];
  for (let i = 0; i < 60; i++) {
    const r = signed(i % 3 === 0 ? sk : generateSecretKey(), i);
    const kind = i % 5;
    if (kind === 1) recs.push({ ...r, msgHash: flipBit(r.msgHash, i) });
    else if (kind === 2) recs.push({ ...r, sig: concatBytes(r.sig.subarray(0, 32), bigintToBytesBE(SECP256K1_N - bytesToBigintBE(r.sig.subarray(32)), 32)) });
    else if (kind === 3) recs.push({ ...r, publicKey: Uint8Array.from([4, ...r.publicKey.subarray(1)]) });
    else recs.push(r);
    want.push(kind === 0 || kind === 4 ? 1 : 0);
  }
  t.same(verifyAll(t, recs), want, 'valid, tampered, high-S and wrong-prefix records');
});

t.test('cached keys: repeats hit, slot collisions and bad keys never answer for another key', opts, async (t) => {
  // Find two keys that share a cache slot (birthday bound: a few hundred keys).
  const bySlot = new Map<number, Uint8Array>();
  let a: Uint8Array | undefined;
  let b: Uint8Array | undefined;
  while (a === undefined) {
    const sk = generateSecretKey();
    const slot = slotOf(publicKeyFromSecret(sk));
    const other = bySlot.get(slot);
    if (other !== undefined) [a, b] = [other, sk];
    else bySlot.set(slot, sk);
  }
  const ra = signed(a, 1);
  const rb = signed(b!, 2);
  t.equal(slotOf(ra.publicKey), slotOf(rb.publicKey), 'same slot');
  t.not(Buffer.from(ra.publicKey).toString('hex'), Buffer.from(rb.publicKey).toString('hex'), 'different keys');
  const notOnCurve = concatBytes(Uint8Array.of(2), bigintToBytesBE(5n, 32));
  const sameSlotOffCurve = Uint8Array.from(ra.publicKey);
  sameSlotOffCurve[32] ^= 1; // x changed outside the slot bytes: off the curve, or a point that did not sign
  const cases: [Rec, number][] = [
    [ra, 1],
    [ra, 1], // hit
    [rb, 1], // evicts a
    [{ ...ra, publicKey: rb.publicKey }, 0], // a's signature under b's (cached) key
    [{ ...rb, publicKey: ra.publicKey }, 0], // b's signature under a's key (evicts b)
    [ra, 1],
    [{ ...ra, publicKey: sameSlotOffCurve }, 0],
    [ra, 1],
    [{ ...ra, publicKey: notOnCurve }, 0],
    [ra, 1],
  ];
  t.same(
    verifyAll(
      t,
      cases.map((c) => c[0]),
    ),
    cases.map((c) => c[1]),
    'one batch',
  );
  // The same records one call each: the cache persists across calls on this thread.
  t.same(
    cases.map(([r]) => verifyAll(t, [r])[0]),
    cases.map((c) => c[1]),
    'one call per record',
  );
  t.equal(ecdsa!.ecdsaPublicKeyValid(ra.publicKey), true);
  t.equal(ecdsa!.ecdsaPublicKeyValid(notOnCurve), false);
  t.equal(ecdsa!.ecdsaPublicKeyValid(Uint8Array.from([4, ...ra.publicKey.subarray(1)])), false, 'prefix 0x04 with 33 bytes');
  t.equal(ecdsa!.ecdsaPublicKeyValid(ra.publicKey.subarray(0, 32)), false, '32 bytes');
});
