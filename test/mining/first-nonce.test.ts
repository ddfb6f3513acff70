// "First nonce" across threads: ranges where the first hit lies past the first chunks of work and more hits follow
// soon after it, so a thread working on a later chunk can find a hit before the first one is reached.
import t from 'tap';
import { referenceSearch } from '../../src/mining/reference-search.js';
import { BACKEND_VARIANTS, hashValue, loadOrSkip, pseudoRandomBytes } from './fixtures.js';

const TARGET = (1n << 256n) / 30000n;
// Seeds of pseudoRandomBytes(seed, 80) and their first hits in [0, 300000) at TARGET, found once with the
// reference; each has further hits within the next ~2 chunks (65536 nonces each).
const CASES = [
  { seed: 20, hits: [118457, 125394, 125458] },
  { seed: 81, hits: [104984, 123777, 143129] },
  { seed: 199, hits: [110331, 112387, 132420] },
];

t.test('fixture check with the JS reference', async (t) => {
  for (const c of CASES) {
    const header = pseudoRandomBytes(c.seed, 80);
    t.equal(referenceSearch(header, TARGET, 0, c.hits[0]! + 1).nonce, c.hits[0], `seed ${c.seed}: first hit`);
    for (const h of c.hits) t.ok(hashValue(header, h) <= TARGET, `seed ${c.seed}: ${h} is a hit`);
  }
});

for (const variant of BACKEND_VARIANTS) {
  t.test(variant.label, async (t) => {
    const backend = await loadOrSkip(t, variant);
    if (backend === undefined) return;
    for (const c of CASES) {
      const header = pseudoRandomBytes(c.seed, 80);
      for (const start of [0, 7, c.hits[0]! - 70_000]) {
        const r = await backend.search(header, TARGET, start, 300_000 - start);
        t.equal(r.nonce, c.hits[0], `seed ${c.seed} from ${start}`);
      }
      // Starting past the first hit finds the second.
      t.equal((await backend.search(header, TARGET, c.hits[0]! + 1, 100_000)).nonce, c.hits[1]);
    }
  });
}
