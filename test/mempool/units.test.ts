import t from 'tap';
import { ActorQueue, ActorRanking, type PoolEntry } from '../../src/mempool/actor-queue.js';
import { NonceCache } from '../../src/store/nonce-cache.js';
import { MEMPOOL_DEFAULTS, resolveMempoolOptions } from '../../src/mempool/options.js';
import { RollingFilter } from '../../src/mempool/rolling-filter.js';
import { toHex } from '../../src/util/bytes.js';
import { harness, newActor, signedTx } from './support.js';

function entry(q: ActorQueue, nonce: number): PoolEntry {
  return { bytes: new Uint8Array(1), id: `${q.key}-${nonce}`, nonce, addedAt: 0, seq: nonce, actor: q, source: 'local', future: false };
}

t.test('RollingFilter keeps between capacity/2 and capacity recent keys', async (t) => {
  const f = new RollingFilter<number>(4);
  for (let i = 0; i < 3; i++) f.add(`k${i}`, i);
  t.same([f.get('k0'), f.get('k1'), f.get('k2')], [0, 1, 2]);
  t.equal(f.size, 3);
  f.add('k3', 3);
  t.same([f.get('k0'), f.get('k1'), f.get('k2'), f.get('k3')], [undefined, undefined, 2, 3], 'the older generation dropped');
  for (let i = 4; i < 100; i++) {
    f.add(`k${i}`, i);
    t.ok(f.size <= 4 && f.get(`k${i - 1}`) === i - 1);
  }
  f.clear();
  t.equal(f.size, 0);
  const off = new RollingFilter<number>(0);
  off.add('x', 1);
  t.equal(off.get('x'), undefined);
});

t.test('ActorQueue: ready run from base, future promotion, tail removal, demotion, rebase', async (t) => {
  const futures = new Set<PoolEntry>();
  const q = new ActorQueue('aa', new Uint8Array(33), 5, futures);
  const e = [5, 6, 7, 8, 9, 10].map((n) => entry(q, n));
  q.insert(e[1]!);
  q.insert(e[3]!);
  t.equal(q.readyEnd, 5);
  t.equal(futures.size, 2);
  q.insert(e[0]!);
  t.same(
    q.ready.map((x) => x.nonce),
    [5, 6],
  );
  q.insert(e[2]!);
  t.same(
    q.ready.map((x) => x.nonce),
    [5, 6, 7, 8],
    'promoted 8 behind 7',
  );
  t.equal(futures.size, 0);
  q.insert(e[5]!);
  t.equal(q.tail(), e[5], 'a gapped tail first');
  t.equal(q.highestFuture(), e[5]);
  q.remove(e[5]!);
  t.equal(q.tail(), e[3]);
  q.remove(e[1]!);
  t.same(
    q.ready.map((x) => x.nonce),
    [5],
  );
  t.same(
    q.entries().map((x) => x.nonce),
    [5, 7, 8],
  );
  t.ok(e[2]!.future && e[3]!.future, 'the ones behind became future');
  t.equal(futures.size, 2);
  q.insert(e[1]!);
  t.same(
    q.ready.map((x) => x.nonce),
    [5, 6, 7, 8],
  );
  const dropped = q.rebase(7);
  t.same(
    dropped.map((x) => x.nonce),
    [5, 6],
  );
  t.same(
    q.ready.map((x) => x.nonce),
    [7, 8],
  );
  q.rebase(4);
  t.same(q.ready, [], 'a lower base leaves a gap');
  t.equal(q.futureCount, 2);
  t.equal(q.at(8), e[3]);
  t.equal(q.at(6), undefined);
});

t.test('ActorRanking finds the largest actor, skipping one', async (t) => {
  const futures = new Set<PoolEntry>();
  const [a, b, c] = ['a', 'b', 'c'].map((k) => new ActorQueue(k, new Uint8Array(33), 0, futures)) as [ActorQueue, ActorQueue, ActorQueue];
  const r = new ActorRanking();
  t.equal(r.largest(), undefined);
  r.update(a, 0, 3);
  r.update(b, 0, 2);
  r.update(c, 0, 3);
  t.equal(r.largest(), a);
  t.equal(r.largest(a), c);
  r.update(a, 3, 1);
  r.update(c, 3, 0);
  t.equal(r.largest(), b);
  t.equal(r.largest(b), a);
  r.update(b, 2, 0);
  r.update(a, 1, 0);
  t.equal(r.largest(), undefined);
});

t.test('NonceCache: shared reads, bounded, reads overtaken by a block are not trusted', async (t) => {
  let release: ((n: number) => void) | undefined;
  let reads = 0;
  const cache = new NonceCache(2, () => {
    reads++;
    return new Promise<number>((resolve) => (release = resolve));
  });
  const none = (): undefined => undefined;
  const p1 = cache.load('a', new Uint8Array(33), none);
  const p2 = cache.load('a', new Uint8Array(33), none);
  release!(4);
  t.same(await Promise.all([p1, p2]), [4, 4]);
  t.equal(reads, 1);
  t.equal(cache.peek('a'), 4);
  cache.set('b', 1);
  cache.set('c', 2);
  t.equal(cache.peek('a'), undefined, 'oldest dropped');
  t.equal(cache.size, 2);

  // A read started before a block touching the actor: the block's value wins.
  const p3 = cache.load('d', new Uint8Array(33), none);
  cache.set('d', 9);
  release!(3);
  t.equal(await p3, 9);
  // Touched but no value left behind: read again.
  const p4 = cache.load('e', new Uint8Array(33), none);
  cache.touch('e');
  release!(1);
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(reads, 4, 'read again');
  release!(2);
  t.equal(await p4, 2);
});

t.test('Mempool: a state read overtaken by blockConnected uses the block', async (t) => {
  let release: ((n: number) => void) | undefined;
  const { pool } = harness({}, { nextNonce: () => new Promise<number>((resolve) => (release = resolve)) });
  const a = newActor();
  const pending = pool.add(signedTx(a, 5));
  await new Promise((resolve) => setImmediate(resolve));
  pool.blockConnected([0, 1, 2, 3, 4].map((n) => signedTx(a, n)));
  release!(0); // the answer of the old tip
  t.equal((await pending).state, 'ready');
  t.equal(pool.stats().ready, 1);
  t.equal(toHex(pool.byActor(a.from)[0]!.fields.from), a.hex);
});

t.test('options resolve with defaults', async (t) => {
  t.same(resolveMempoolOptions(), MEMPOOL_DEFAULTS);
  t.same(resolveMempoolOptions({ maxCount: 10 }), { ...MEMPOOL_DEFAULTS, maxCount: 10 });
  t.equal(MEMPOOL_DEFAULTS.maxTxBytes, 64 * 1024);
  t.equal(MEMPOOL_DEFAULTS.maxCount, 100_000);
  t.throws(() => resolveMempoolOptions({ maxBytes: Number.NaN }), { code: 'MEMPOOL_BAD_OPTIONS' });
});
