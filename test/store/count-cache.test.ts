import t from 'tap';
import { CountCache } from '../../src/store/count-cache.js';

t.test('counts of unlanded writes are never evicted; landed ones go least recently written first', (t) => {
  const c = new CountCache(2);
  c.queued('a', 1, 1);
  c.queued('b', 2, 1);
  c.queued('c', 3, 2);
  c.queued('d', 4, 2);
  // Nothing landed yet: all four kept past the bound.
  t.equal(c.size, 4);
  t.same(
    ['a', 'b', 'c', 'd'].map((n) => c.get(n)),
    [1, 2, 3, 4],
  );
  c.landed(1);
  // a and b landed (the oldest): evicted down to the bound.
  t.equal(c.size, 2);
  t.equal(c.get('a'), undefined);
  t.equal(c.get('b'), undefined);
  t.equal(c.get('c'), 3);
  c.queued('c', 5, 3);
  c.landed(3);
  // d is now the least recently written: it goes first.
  c.queued('e', 6, 4);
  t.equal(c.get('d'), undefined);
  t.equal(c.get('c'), 5);
  t.equal(c.get('e'), 6);
  t.equal(c.size, 2);
  t.end();
});

t.test('a zero-size cache still holds unlanded counts', (t) => {
  const c = new CountCache(0);
  c.queued('a', 7, 1);
  t.equal(c.get('a'), 7);
  c.landed(1);
  t.equal(c.get('a'), undefined);
  t.equal(c.size, 0);
  t.end();
});
