// The shared bounded map and set: bound, age order refreshed by writes, max 0 holds nothing, Map/Set API intact.
import t from 'tap';
import fc from 'fast-check';
import { BoundedMap, BoundedSet } from '../../src/util/bounded-map.js';

t.test('a bounded map keeps the newest max entries, a write refreshing its key', async (t) => {
  const m = new BoundedMap<string, number>(2);
  m.set('a', 1).set('b', 2);
  m.set('a', 3);
  m.set('c', 4);
  t.same(
    [...m],
    [
      ['a', 3],
      ['c', 4],
    ],
    'b was the oldest after a was rewritten',
  );
  t.equal(m.get('b'), undefined);
  t.ok(m.delete('a'));
  t.equal(m.size, 1);
});

t.test('max 0 holds nothing', async (t) => {
  const m = new BoundedMap<string, number>(0).set('a', 1);
  const s = new BoundedSet<string>(0).add('a');
  t.equal(m.size, 0);
  t.equal(s.size, 0);
});

t.test('a bounded set keeps the newest max keys', async (t) => {
  const s = new BoundedSet<number>(3);
  for (const k of [1, 2, 3, 1, 4]) s.add(k);
  t.same([...s], [3, 1, 4]);
  t.notOk(s.has(2));
});

t.test('against a model: the newest max distinct keys, in age order', async (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 60 }), (max, keys) => {
      const m = new BoundedMap<number, number>(max);
      keys.forEach((k, i) => m.set(k, i));
      const model: number[] = [];
      for (const k of keys) {
        const at = model.indexOf(k);
        if (at >= 0) model.splice(at, 1);
        model.push(k);
      }
      const expected = model.slice(-max);
      return JSON.stringify([...m.keys()]) === JSON.stringify(expected) && m.size <= max;
    }),
  );
  t.pass('property held');
});
