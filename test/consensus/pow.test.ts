import t from 'tap';
import { readFileSync } from 'node:fs';
import { compactToTarget } from '../../src/consensus/compact.js';
import { blockWorkFromBits } from '../../src/consensus/work.js';
import { checkProofOfWork, hashToBigint, headerBits, meetsTarget } from '../../src/consensus/pow.js';
import { sha256d } from '../../src/crypto/hash.js';
import { bytesEqual, fromHex, reversed, toHex } from '../../src/util/bytes.js';

interface HeaderVector {
  height: number;
  header: string;
  hash: string;
  bits: string;
  chainwork?: string;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/consensus/bitcoin-headers.json', import.meta.url), 'utf8')) as { headers: HeaderVector[] };
const vectors = fixture.headers;
const POW_LIMIT = compactToTarget(0x1d00ffff);

const GENESIS =
  '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c';

t.test('Bitcoin genesis header hashes to the known block hash and passes PoW', async (t) => {
  const header = fromHex(GENESIS);
  t.equal(toHex(reversed(sha256d(header))), '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f');
  t.equal(headerBits(header), 0x1d00ffff);
  t.equal(checkProofOfWork(header, POW_LIMIT), true);
});

t.test('flipping any single byte of the genesis header breaks its PoW (all 80 positions)', async (t) => {
  const header = fromHex(GENESIS);
  let failures = 0;
  for (let i = 0; i < 80; i++) {
    for (const mask of [0xff, 0x01]) {
      const mutated = Uint8Array.from(header);
      mutated[i] ^= mask;
      if (checkProofOfWork(mutated, POW_LIMIT)) {
        failures++;
        t.fail(`byte ${i} ^ 0x${mask.toString(16)} still passes`);
      }
    }
  }
  t.equal(failures, 0, '160 mutations all fail');
  t.equal(checkProofOfWork(header, POW_LIMIT), true, 'original untouched');
});

t.test('real mainnet headers: hash, bits, PoW and chain links', async (t) => {
  t.ok(vectors.length >= 6);
  const byHeight = new Map<number, Uint8Array>();
  for (const v of vectors) {
    const header = fromHex(v.header);
    byHeight.set(v.height, header);
    const hash = sha256d(header);
    t.equal(toHex(reversed(hash)), v.hash, `block ${v.height} hash`);
    t.equal(headerBits(header), Number.parseInt(v.bits, 16), `block ${v.height} bits`);
    t.equal(checkProofOfWork(header, POW_LIMIT), true, `block ${v.height} PoW`);
    t.equal(meetsTarget(hash, compactToTarget(headerBits(header))), true);
    // A stricter network limit than the block's own target rejects it as invalid bits.
    t.equal(checkProofOfWork(header, compactToTarget(headerBits(header)) - 1n), false, `block ${v.height} over limit`);
  }
  for (const v of vectors) {
    const parent = byHeight.get(v.height - 1);
    if (parent === undefined) continue;
    t.ok(bytesEqual(fromHex(v.header).subarray(4, 36), sha256d(parent)), `block ${v.height} prevHash = H2(parent)`);
  }
});

t.test('chainwork of block 1 is work(genesis) + work(block 1)', async (t) => {
  const v = vectors.find((x) => x.chainwork !== undefined)!;
  const total = vectors.filter((x) => x.height <= v.height).reduce((acc, x) => acc + blockWorkFromBits(Number.parseInt(x.bits, 16)), 0n);
  t.equal(total, BigInt(`0x${v.chainwork}`));
});

t.test('checkProofOfWork returns false for invalid bits', async (t) => {
  const header = fromHex(GENESIS);
  const withBits = (bits: number): Uint8Array => {
    const h = Uint8Array.from(header);
    new DataView(h.buffer).setUint32(72, bits, true);
    return h;
  };
  for (const bits of [0x00000000, 0x01fedcba, 0xff123456, 0x1d01ffff, 0x207fffff]) {
    t.equal(checkProofOfWork(withBits(bits), POW_LIMIT), false, `0x${bits.toString(16)}`);
  }
  t.throws(() => checkProofOfWork(header.subarray(0, 79), POW_LIMIT), { code: 'HEADER_INVALID_LENGTH' });
});

t.test('meetsTarget / hashToBigint are little-endian and inclusive', async (t) => {
  const hash = new Uint8Array(32);
  hash[0] = 0x01;
  hash[31] = 0x80;
  t.equal(hashToBigint(hash), (0x80n << 248n) | 1n);
  const value = hashToBigint(hash);
  t.equal(meetsTarget(hash, value), true, 'hash == target passes');
  t.equal(meetsTarget(hash, value - 1n), false, 'hash > target fails');
  t.throws(() => hashToBigint(new Uint8Array(31)), { code: 'HASH_INVALID_LENGTH' });
});
