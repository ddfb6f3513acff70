import t from 'tap';
import { CountCache } from '../../src/store/count-cache.js';

type Name = { subject?: string; kind?: string };
const key = (c: Name): string => `${c.subject ?? '-'}/${c.kind ?? '-'}`;

t.test('subject, kind and subject+kind counts are kept apart, several kinds per subject', (t) => {
  const c = new CountCache(100);
  c.queued({ subject: 'a' }, 3, 1);
  c.queued({ subject: 'a', kind: 'metric' }, 2, 1);
  c.queued({ subject: 'a', kind: 'audit' }, 1, 1);
  c.queued({ kind: 'metric' }, 9, 1);
  c.queued({ subject: 'metric' }, 4, 1);
  t.same(
    [
      { subject: 'a' },
      { subject: 'a', kind: 'metric' },
      { subject: 'a', kind: 'audit' },
      { kind: 'metric' },
      { subject: 'metric' },
      { subject: 'a', kind: 'x' },
      { subject: 'b' },
    ].map((n) => c.get(n)),
    [3, 2, 1, 9, 4, undefined, undefined],
  );
  t.end();
});

t.test('a count of an unlanded write is never dropped, a read is never stale, and landed counts stay within the bound', (t) => {
  // A model of every write: the latest value and the batch that wrote it.
  // mulberry32: integer arithmetic only, so every bit of the state is used.
  let seed = 7;
  const rand = (n: number): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) % n;
  };
  const max = 40;
  const c = new CountCache(max);
  const latest = new Map<string, { name: Name; value: number; seq: number }>();
  let seq = 0;
  let landed = 0;
  const problems: string[] = [];
  for (let step = 0; step < 5000; step++) {
    if (rand(8) === 0 && landed < seq) {
      landed += 1 + rand(seq - landed);
      c.landed(landed);
    } else {
      seq++;
      for (let k = rand(12); k >= 0; k--) {
        const r = rand(3);
        const name: Name = r === 0 ? { kind: `k${rand(5)}` } : r === 1 ? { subject: `s${rand(200)}` } : { subject: `s${rand(200)}`, kind: `k${rand(5)}` };
        const value = rand(1000);
        c.queued(name, value, seq);
        latest.set(key(name), { name, value, seq });
      }
    }
    for (const { name, value, seq: s } of latest.values()) {
      const got = c.get(name);
      if (s > landed && got !== value) problems.push(`step ${step}: unlanded ${key(name)} = ${value} (batch ${s}, landed ${landed}) read as ${got}`);
      if (got !== undefined && got !== value) problems.push(`step ${step}: ${key(name)} read as ${got}, latest ${value}`);
    }
  }
  t.same(problems.slice(0, 5), [], `${problems.length} bad reads`);
  c.landed(seq);
  // All landed: one more write rotates down to at most the bound.
  c.queued({ kind: 'last' }, 1, seq + 1);
  c.landed(seq + 1);
  t.ok(c.size <= max, `size ${c.size} within ${max} once everything landed`);
  t.ok(latest.size > max, 'the run wrote more names than the bound');
  t.end();
});

t.test('a zero-size cache still holds unlanded counts', (t) => {
  const c = new CountCache(0);
  c.queued({ subject: 'a' }, 7, 1);
  t.equal(c.get({ subject: 'a' }), 7);
  c.landed(1);
  t.equal(c.get({ subject: 'a' }), undefined);
  t.equal(c.size, 0);
  t.end();
});
