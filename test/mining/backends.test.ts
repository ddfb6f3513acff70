// Every backend that loads here against real Bitcoin headers and the pure-JS reference search.
import t from 'tap';
import { MiningErrorCode } from '../../src/mining/backend.js';
import { referenceSearch } from '../../src/mining/reference-search.js';
import { BACKEND_VARIANTS, REAL_HEADERS, hashValue, headerTarget, loadOrSkip, pseudoRandomBytes, withNonce } from './fixtures.js';

const TWO_32 = 2 ** 32;

for (const variant of BACKEND_VARIANTS) {
  t.test(variant.label, async (t) => {
    const backend = await loadOrSkip(t, variant);
    if (backend === undefined) return;
    t.equal(backend.name, variant.name);

    for (const real of REAL_HEADERS) {
      t.test(`finds the ${real.name} nonce`, async (t) => {
        t.equal(hashValue(real.header, real.nonce) <= headerTarget(real.header), true, 'fixture meets its own target');
        // The nonce bytes of the input are ignored.
        const header = withNonce(real.header, 0);
        const start = Math.max(0, real.nonce - 300_000);
        const count = Math.min(1_000_000, TWO_32 - start);
        const r = await backend.search(header, headerTarget(real.header), start, count);
        t.equal(r.nonce, real.nonce);
        t.ok(r.hashes >= real.nonce - start + 1, `hashes ${r.hashes} covers the nonces before the hit`);
        const none = await backend.search(header, headerTarget(real.header), real.nonce + 1, 200_000);
        t.equal(none.nonce, null, 'no hit in the 200000 nonces after it');
        t.equal(none.hashes, 200_000, 'every nonce of a fruitless range is hashed once');
      });
    }

    t.test('agrees with the JS reference on random headers (first nonce)', async (t) => {
      for (let i = 0; i < 40; i++) {
        const header = pseudoRandomBytes(1000 + i, 80);
        // Targets from ~1/8 to ~1/512 of the hash space: several hits per range, so "first" is exercised.
        const target = (1n << 256n) / BigInt(8 << (i % 7)) - 1n;
        const count = 1 + ((i * 37) % 300);
        // Some ranges end exactly at nonce 2^32 - 1.
        const start = i % 5 === 0 ? TWO_32 - count : Number(hashValue(header, i) % 4_000_000_000n) >>> 0;
        const expected = referenceSearch(header, target, start, count);
        const got = await backend.search(header, target, start, count);
        t.equal(got.nonce, expected.nonce, `header ${i}, range [${start}, +${count})`);
        if (expected.nonce === null) t.equal(got.hashes, count);
      }
    });

    t.test('full 256-bit comparison at the boundary (most significant word equal)', async (t) => {
      for (let i = 0; i < 8; i++) {
        const header = pseudoRandomBytes(5000 + i, 80);
        const nonce = 77_777 + i * 1013;
        const exact = hashValue(header, nonce);
        t.equal((await backend.search(header, exact, nonce, 1)).nonce, nonce, 'target == hash is a hit');
        t.equal((await backend.search(header, exact - 1n, nonce, 1)).nonce, null, 'target == hash - 1 is not');
        const ref = referenceSearch(header, exact, nonce - 64, 200);
        t.equal((await backend.search(header, exact, nonce - 64, 200)).nonce, ref.nonce);
      }
    });

    t.test('empty range, impossible target and argument checks', async (t) => {
      const h = REAL_HEADERS[0]!.header;
      t.same(await backend.search(h, 1n << 255n, 5, 0), { nonce: null, hashes: 0 });
      t.equal((await backend.search(h, 0n, 0, 5000)).nonce, null);
      t.equal((await backend.search(h, (1n << 256n) - 1n, 123, 10)).nonce, 123, 'max target: first nonce wins');
      const bad: [Uint8Array, bigint, number, number][] = [
        [h.subarray(0, 79), 1n, 0, 1],
        [h, -1n, 0, 1],
        [h, 1n << 256n, 0, 1],
        [h, 1n, -1, 1],
        [h, 1n, 1.5, 1],
        [h, 1n, TWO_32 - 10, 11],
        [h, 1n, 0, -1],
      ];
      for (const [header, target, start, count] of bad) {
        await t.rejects(backend.search(header, target, start, count), { code: MiningErrorCode.invalidArgument });
      }
    });

    t.test('concurrent searches each get their own answer', async (t) => {
      const target = (1n << 256n) / 64n;
      const jobs = [0, 1, 2].map((i) => ({ header: pseudoRandomBytes(9000 + i, 80), start: 1000 * i, count: 500 }));
      const results = await Promise.all(jobs.map((j) => backend.search(j.header, target, j.start, j.count)));
      jobs.forEach((j, i) => t.equal(results[i]!.nonce, referenceSearch(j.header, target, j.start, j.count).nonce));
    });
  });
}
