// One table of cases, run against every backend: each must give the expected answer, so they agree on all.
import { createRequire } from 'node:module';
import tap from 'tap';
import { generateSecretKey, publicKeyFromSecret, signHash } from '../../src/crypto/signature.js';
import { isLowS, SECP256K1_N, type SignatureVerifier } from '../../src/crypto/verifier.js';
import { addonExports } from '../../src/crypto/addon.js';
import { loadAddonVerifier, loadNativeVerifier, loadPackageVerifier } from '../../src/crypto/verify-native.js';
import { nobleVerifier } from '../../src/crypto/verify-noble.js';
import { bigintToBytesBE, bytesToBigintBE, concatBytes, toHex } from '../../src/util/bytes.js';
import { compress, derToCompact, flipBit, hex, loadFixture, prng, refSha256 } from './support.js';

interface WycheproofFixture {
  groups: { uncompressed: string; tests: { tcId: number; comment: string; msg: string; sig: string; result: string }[] }[];
}

interface Case {
  name: string;
  sig: Uint8Array;
  msgHash: Uint8Array;
  publicKey: Uint8Array;
  want: boolean;
}

const native = loadNativeVerifier();
const addon = loadAddonVerifier();
const pkg = loadPackageVerifier();
// Every implementation that loads here, so the addon's vendored libsecp256k1 and the package's are both held to it.
const BACKENDS: SignatureVerifier[] = [nobleVerifier, ...(addon === null ? [] : [addon]), ...(pkg === null ? [] : [pkg])];
const NATIVE_EXPECTED = process.platform === 'linux' && process.arch === 'x64';
const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
const HALF_N = SECP256K1_N >> 1n;

const be32 = (v: bigint): Uint8Array => bigintToBytesBE(v, 32);
const rs = (r: bigint, s: bigint): Uint8Array => concatBytes(be32(r), be32(s));
const rOf = (sig: Uint8Array): bigint => bytesToBigintBE(sig.subarray(0, 32));
const sOf = (sig: Uint8Array): bigint => bytesToBigintBE(sig.subarray(32));
const as = <T>(v: unknown): T => v as T;

function runTable(t: Pick<typeof tap, 'fail' | 'equal'>, cases: readonly Case[]): void {
  let mismatches = 0;
  for (const c of cases) {
    const answers = BACKENDS.map((b) => {
      try {
        return b.verify(c.sig, c.msgHash, c.publicKey);
      } catch (err) {
        return `threw ${String(err)}`;
      }
    });
    if (answers.some((a) => a !== c.want)) {
      mismatches++;
      t.fail(`${c.name}: want ${c.want}, got ${BACKENDS.map((b, i) => `${b.impl}=${String(answers[i])}`).join(' ')}`);
    }
  }
  t.equal(mismatches, 0, `${cases.length} cases x ${BACKENDS.map((b) => b.impl).join('+')}`);
}

tap.test('backends under test', async (t) => {
  if (NATIVE_EXPECTED) t.not(pkg, null, 'the secp256k1 package binding loads on linux-x64');
  t.equal(addon !== null, addonExports() !== null, 'the addon verifier loads wherever the addon does');
  t.equal(native, addon ?? pkg, 'the addon is preferred over the package');
  t.same(
    BACKENDS.map((b) => b.name),
    ['noble', ...BACKENDS.slice(1).map(() => 'native')],
  );
  t.comment(`implementations under test: ${BACKENDS.map((b) => b.impl).join(', ')}`);
});

const packageOnly = { skip: pkg === null ? 'secp256k1 package binding not available' : false };

tap.test('libsecp256k1 itself rejects high-S and does not normalise (secp256k1 package bindings)', packageOnly, async (t) => {
  const raw = createRequire(import.meta.url)('secp256k1/bindings') as {
    ecdsaVerify(sig: Uint8Array, msg: Uint8Array, pk: Uint8Array): boolean;
    signatureNormalize(sig: Uint8Array): Uint8Array;
  };
  const sk = generateSecretKey();
  const pk = publicKeyFromSecret(sk);
  const h = refSha256(Uint8Array.of(1, 2, 3));
  const sig = signHash(h, sk);
  const high = rs(rOf(sig), SECP256K1_N - sOf(sig));
  t.equal(raw.ecdsaVerify(sig, h, pk), true);
  t.equal(raw.ecdsaVerify(Uint8Array.from(high), h, pk), false, 'high-S returns false');
  t.same(raw.signatureNormalize(Uint8Array.from(high)), sig, 'normalising gives back the low-S form');
  t.throws(() => raw.ecdsaVerify(rs(SECP256K1_N, 1n), h, pk), 'r = n does not even parse');
});

tap.test('generated table: valid, high-S twins, out-of-range scalars, tampering, bad keys, bad shapes', async (t) => {
  const rnd = prng(256);
  const cases: Case[] = [];
  for (let k = 0; k < 40; k++) {
    const sk = generateSecretKey();
    const pk = publicKeyFromSecret(sk);
    const h = refSha256(Uint8Array.of(k, 7, 7));
    const sig = signHash(h, sk);
    const r = rOf(sig);
    const s = sOf(sig);
    const other = publicKeyFromSecret(generateSecretKey());
    const add = (name: string, sg: Uint8Array, mh: Uint8Array, key: Uint8Array, want: boolean): void => {
      cases.push({ name: `#${k} ${name}`, sig: sg, msgHash: mh, publicKey: key, want });
    };
    add('valid', sig, h, pk, true);
    add('valid as Buffer inputs', Buffer.from(sig), Buffer.from(h), Buffer.from(pk), true);
    add('high-S twin n - s', rs(r, SECP256K1_N - s), h, pk, false);
    add('r = 0', rs(0n, s), h, pk, false);
    add('s = 0', rs(r, 0n), h, pk, false);
    add('r = s = 0', rs(0n, 0n), h, pk, false);
    add('r = n', rs(SECP256K1_N, s), h, pk, false);
    add('s = n', rs(r, SECP256K1_N), h, pk, false);
    add('r = n + 1', rs(SECP256K1_N + 1n, s), h, pk, false);
    add('s = n + 1', rs(r, SECP256K1_N + 1n), h, pk, false);
    add('r + n (same r mod n)', r + SECP256K1_N < 1n << 256n ? rs(r + SECP256K1_N, s) : rs(SECP256K1_N + 1n, s), h, pk, false);
    add('r = 2^256 - 1', rs((1n << 256n) - 1n, s), h, pk, false);
    add('s = (n-1)/2 + 1', rs(r, HALF_N + 1n), h, pk, false);
    add('r and s swapped', rs(s, r), h, pk, false);
    add('msg bit flip', sig, flipBit(h, Math.floor(rnd() * 256)), pk, false);
    add('sig bit flip in r', flipBit(sig, Math.floor(rnd() * 256)), h, pk, false);
    add('sig bit flip in s', flipBit(sig, 256 + Math.floor(rnd() * 256)), h, pk, false);
    add('other key', sig, h, other, false);
    add('key parity flipped', sig, h, Uint8Array.from([pk[0] ^ 1, ...pk.subarray(1)]), false);
    add('key x bit flip', sig, h, flipBit(pk, 8 + Math.floor(rnd() * 256)), false);
    add('uncompressed key (65 bytes)', sig, h, uncompressedOf(pk), false);
    add('key prefix 0x04 with 33 bytes', sig, h, Uint8Array.from([4, ...pk.subarray(1)]), false);
    for (const prefix of [0, 1, 5, 6, 7, 0xff]) add(`key prefix ${prefix}`, sig, h, Uint8Array.from([prefix, ...pk.subarray(1)]), false);
    add('sig 63 bytes', sig.subarray(0, 63), h, pk, false);
    add('sig 65 bytes', concatBytes(sig, Uint8Array.of(0)), h, pk, false);
    add('sig with recovery byte', concatBytes(Uint8Array.of(0), sig), h, pk, false);
    add('hash 31 bytes', sig, h.subarray(0, 31), pk, false);
    add('hash 33 bytes', sig, concatBytes(h, Uint8Array.of(0)), pk, false);
    add('key 32 bytes', sig, h, pk.subarray(0, 32), false);
    add('key 34 bytes', sig, h, concatBytes(pk, Uint8Array.of(0)), false);
  }
  const sig = cases[0]!.sig;
  const h = cases[0]!.msgHash;
  const pk = cases[0]!.publicKey;
  const bad = (name: string, s: unknown, m: unknown, k: unknown): void => {
    cases.push({ name, sig: as(s), msgHash: as(m), publicKey: as(k), want: false });
  };
  bad('key x = 0', sig, h, concatBytes(Uint8Array.of(2), new Uint8Array(32)));
  bad('key x = p', sig, h, concatBytes(Uint8Array.of(2), be32(P)));
  bad('key x = p + 1', sig, h, concatBytes(Uint8Array.of(3), be32(P + 1n)));
  bad('key x = 2^256 - 1', sig, h, concatBytes(Uint8Array.of(2), be32((1n << 256n) - 1n)));
  bad('key x = 5 (not on curve)', sig, h, concatBytes(Uint8Array.of(2), be32(5n)));
  bad('empty everything', new Uint8Array(0), new Uint8Array(0), new Uint8Array(0));
  bad('sig is a hex string', toHex(sig), h, pk);
  bad('hash is a plain array', sig, Array.from(h), pk);
  bad('key is null', sig, h, null);
  bad('sig undefined', undefined, h, pk);
  bad('key is an ArrayBuffer', sig, h, pk.slice().buffer);
  bad('sig is a Uint16Array', new Uint16Array(32), h, pk);
  runTable(t, cases);
});

tap.test('Wycheproof ecdsa_secp256k1_sha256 subset (raw prehashed, compact, low-S required)', async (t) => {
  const fixture = loadFixture<WycheproofFixture>('wycheproof-ecdsa-secp256k1-sha256.json');
  const cases: Case[] = [];
  let valid = 0;
  let highS = 0;
  for (const g of fixture.groups) {
    const uncompressed = hex(g.uncompressed);
    const pk = compress(uncompressed);
    for (const v of g.tests) {
      const sig = derToCompact(hex(v.sig));
      if (sig === null) throw new Error(`tcId ${v.tcId}: fixture should only hold signatures that decode`);
      const h = refSha256(hex(v.msg));
      const low = isLowS(sig);
      const want = v.result === 'valid' && low;
      cases.push({ name: `tcId ${v.tcId} ${v.comment}`, sig, msgHash: h, publicKey: pk, want });
      cases.push({ name: `tcId ${v.tcId} with the 65-byte key`, sig, msgHash: h, publicKey: uncompressed, want: false });
      if (v.result === 'valid') {
        valid++;
        // A valid high-S vector becomes valid for us once normalised: proves the data, and that only low-S failed.
        if (!low) {
          highS++;
          cases.push({ name: `tcId ${v.tcId} normalised to low-S`, sig: rs(rOf(sig), SECP256K1_N - sOf(sig)), msgHash: h, publicKey: pk, want: true });
        }
      }
    }
  }
  t.ok(valid >= 40 && highS >= 10, `${valid} valid vectors, ${highS} of them high-S`);
  runTable(t, cases);
});

tap.test('isValidPublicKey agrees across backends', async (t) => {
  const keys: [string, Uint8Array, boolean][] = [];
  for (let i = 0; i < 20; i++) {
    const pk = publicKeyFromSecret(generateSecretKey());
    keys.push([`random ${i}`, pk, true], [`random ${i} uncompressed`, uncompressedOf(pk), false]);
    keys.push([`random ${i} x + 1`, Uint8Array.from([pk[0]!, ...be32(bytesToBigintBE(pk.subarray(1)) + 1n)]), onCurve(bytesToBigintBE(pk.subarray(1)) + 1n)]);
  }
  keys.push(['x = p', concatBytes(Uint8Array.of(2), be32(P)), false]);
  keys.push(['x = 0', concatBytes(Uint8Array.of(3), be32(0n)), false]);
  keys.push(['prefix 4', Uint8Array.from([4, ...publicKeyFromSecret(generateSecretKey()).subarray(1)]), false]);
  keys.push(['32 bytes', new Uint8Array(32).fill(2), false]);
  for (const [name, key, want] of keys) {
    for (const b of BACKENDS) t.equal(b.isValidPublicKey(key), want, `${b.name}: ${name}`);
  }
});

// x is a valid compressed-key x coordinate when x < p and x^3 + 7 is a square mod p (Euler's criterion).
function onCurve(x: bigint): boolean {
  if (x >= P) return false;
  const rhs = (modPow(x, 3n, P) + 7n) % P;
  return rhs === 0n || modPow(rhs, (P - 1n) / 2n, P) === 1n;
}

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  let x = b % m;
  let k = e;
  while (k > 0n) {
    if (k & 1n) r = (r * x) % m;
    x = (x * x) % m;
    k >>= 1n;
  }
  return r;
}

// 0x04 || x || y for a compressed key, using p = 3 mod 4 so y = rhs^((p+1)/4).
function uncompressedOf(pk: Uint8Array): Uint8Array {
  const x = bytesToBigintBE(pk.subarray(1));
  let y = modPow((modPow(x, 3n, P) + 7n) % P, (P + 1n) / 4n, P);
  if ((y & 1n) !== BigInt(pk[0]! & 1)) y = P - y;
  return concatBytes(Uint8Array.of(4), be32(x), be32(y));
}
