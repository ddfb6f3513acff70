import t, { type Test } from 'tap';
import { MempoolErrorCode } from '../../src/mempool/errors.js';
import { type RemovalReason } from '../../src/mempool/types.js';
import type { Mempool } from '../../src/mempool/mempool.js';
import { harness, newActor, noncesOf, signedTx, type Actor } from './support.js';

function removals(pool: Mempool): { id: string; reason: RemovalReason }[] {
  const log: { id: string; reason: RemovalReason }[] = [];
  pool.on('tx:removed', (e) => log.push({ id: e.txid, reason: e.reason }));
  return log;
}

// Every actor's ready queue is consecutive from its chain nonce: nonce order with no holes before the futures.
function assertNoReadyGaps(t: Test, pool: Mempool, actors: Actor[], base = 0): void {
  const template = new Set(pool.buildTemplate(Number.MAX_SAFE_INTEGER).map((tx) => tx.txidHex));
  for (const a of actors) {
    const ready = pool
      .byActor(a.from)
      .filter((tx) => template.has(tx.txidHex))
      .map((tx) => tx.fields.nonce);
    t.same(
      ready,
      ready.map((_, i) => base + i),
      `ready queue of an actor is consecutive`,
    );
  }
}

t.test('gapped transactions wait in future and are promoted when the gap fills', async (t) => {
  const { pool } = harness();
  const a = newActor();
  t.equal((await pool.add(signedTx(a, 2))).state, 'future');
  t.equal((await pool.add(signedTx(a, 1))).state, 'future');
  t.same(pool.stats(), { ...pool.stats(), ready: 0, future: 2 });
  t.same(pool.buildTemplate(1e6), []);
  const promoted = await pool.add(signedTx(a, 0));
  t.equal(promoted.state, 'ready');
  t.same(pool.stats(), { ...pool.stats(), ready: 3, future: 0 });
  t.same(
    pool.buildTemplate(1e6).map((tx) => tx.fields.nonce),
    [0, 1, 2],
  );
  t.same(noncesOf(pool, a), [0, 1, 2]);
  await pool.add(signedTx(a, 4));
  t.same(noncesOf(pool, a), [0, 1, 2, 4]);
  t.same(pool.stats(), { ...pool.stats(), ready: 3, future: 1 });
});

t.test('eviction 1: expired transactions go first', async (t) => {
  const { pool, clock } = harness({ maxCount: 2, expiryMs: 1000 });
  const log = removals(pool);
  const a = newActor();
  const b = newActor();
  const a0 = signedTx(a, 0);
  await pool.add(a0);
  clock.t += 600;
  await pool.add(signedTx(b, 0));
  clock.t += 400;
  await pool.add(signedTx(newActor(), 0));
  t.same(log, [{ id: a0.txidHex, reason: 'expired' }]);
  t.equal(pool.size, 2);
});

t.test('eviction 2: gapped transactions before ready ones', async (t) => {
  const { pool } = harness({ maxCount: 4 });
  const log = removals(pool);
  const a = newActor();
  const b = newActor();
  for (const tx of [signedTx(a, 0), signedTx(a, 3), signedTx(a, 5), signedTx(b, 2)]) await pool.add(tx);
  t.equal(pool.stats().future, 3);
  // A gapped newcomer may not evict anything.
  await t.rejects(pool.add(signedTx(newActor(), 1)), { code: MempoolErrorCode.full });
  // A ready one evicts the highest gapped nonce of the actor whose gapped tx is oldest: a5, then a3, then b2.
  await pool.add(signedTx(newActor(), 0));
  t.same(noncesOf(pool, a), [0, 3]);
  await pool.add(signedTx(newActor(), 0));
  t.same(noncesOf(pool, a), [0]);
  t.same(noncesOf(pool, b), [2]);
  await pool.add(signedTx(newActor(), 0));
  t.same(noncesOf(pool, b), []);
  t.same(
    log.map((r) => r.reason),
    ['evicted', 'evicted', 'evicted'],
  );
  t.equal(pool.stats().future, 0);
  t.equal(pool.size, 4);
});

t.test('eviction 3: the actor holding the most loses its highest nonce', async (t) => {
  const { pool } = harness({ maxCount: 5 });
  const log = removals(pool);
  const [a, b, c, d, e] = Array.from({ length: 5 }, () => newActor()) as [Actor, Actor, Actor, Actor, Actor];
  await pool.addMany([signedTx(a, 0), signedTx(a, 1), signedTx(a, 2), signedTx(b, 0), signedTx(b, 1)]);
  await pool.add(signedTx(c, 0));
  t.same([noncesOf(pool, a), noncesOf(pool, b), noncesOf(pool, c)], [[0, 1], [0, 1], [0]], 'a held 3 > 1: lost nonce 2');
  // c would hold 2, as much as a and b: a newcomer never displaces an actor holding no more than it would.
  await t.rejects(pool.add(signedTx(c, 1)), { code: MempoolErrorCode.full });
  await pool.add(signedTx(d, 0));
  await pool.add(signedTx(e, 0));
  t.same(
    [a, b, c, d, e].map((x) => noncesOf(pool, x)),
    [[0], [0], [0], [0], [0]],
    'a and b each lost their tail',
  );
  await t.rejects(pool.add(signedTx(newActor(), 0)), { code: MempoolErrorCode.full }, 'equal shares: nothing to take');
  t.same(
    log.map((r) => r.reason),
    ['evicted', 'evicted', 'evicted'],
  );
  assertNoReadyGaps(t, pool, [a, b, c, d, e]);
});

t.test('eviction by bytes follows the same order', async (t) => {
  const a = newActor();
  const b = newActor();
  const big = signedTx(a, 1, { payload: { blob: 'x'.repeat(600) } });
  const a0 = signedTx(a, 0);
  const b0 = signedTx(b, 0);
  const b1 = signedTx(b, 1);
  const { pool } = harness({ maxBytes: a0.size + big.size + b0.size + 10 });
  await pool.addMany([a0, big, b0]);
  // b1 needs room, but a holds 2 and b would hold 2 too: refused.
  await t.rejects(pool.add(b1), { code: MempoolErrorCode.full });
  const c0 = signedTx(newActor(), 0);
  await pool.add(c0);
  t.notOk(pool.has(big.txid), 'the largest actor lost its highest nonce');
  t.ok(pool.has(a0.txid) && pool.has(b0.txid) && pool.has(c0.txid));
});

t.test('per-actor limit counts ready and future', async (t) => {
  const { pool } = harness({ maxPerActor: 3 });
  const a = newActor();
  await pool.addMany([signedTx(a, 0), signedTx(a, 5), signedTx(a, 7)]);
  await t.rejects(pool.add(signedTx(a, 1)), { code: MempoolErrorCode.actorLimit });
  t.same(noncesOf(pool, a), [0, 5, 7]);
});

t.test('expiry by age; an expired ready transaction leaves its successors gapped', async (t) => {
  const { pool, clock } = harness({ expiryMs: 1000 });
  const log = removals(pool);
  const a = newActor();
  const b = newActor();
  await pool.add(signedTx(a, 0));
  clock.t += 500;
  await pool.add(signedTx(a, 1));
  await pool.add(signedTx(b, 0));
  clock.t += 499;
  t.equal(pool.expire(), 0);
  clock.t += 1;
  t.equal(pool.expire(), 1);
  t.same(noncesOf(pool, a), [1]);
  t.same(pool.stats(), { ...pool.stats(), ready: 1, future: 1 });
  t.same(
    pool.buildTemplate(1e6).map((tx) => tx.fields.from),
    [b.from],
  );
  clock.t += 500;
  t.same(pool.buildTemplate(1e6), [], 'buildTemplate expires first');
  t.equal(pool.size, 0);
  t.same(
    log.map((r) => r.reason),
    ['expired', 'expired', 'expired'],
  );
  const never = harness({ expiryMs: 0 });
  await never.pool.add(signedTx(a, 0));
  never.clock.t += 1e12;
  t.equal(never.pool.expire(), 0, 'expiryMs 0 disables expiry');
});

t.test('the reject filter is bounded and cleared by a reorg', async (t) => {
  const { pool } = harness({ rejectFilterSize: 4 });
  const a = newActor();
  const wrong = Array.from({ length: 6 }, (_, i) => signedTx(a, i, { chain: new Uint8Array(32).fill(9) }));
  for (const tx of wrong) await t.rejects(pool.add(tx), { code: MempoolErrorCode.wrongChain });
  await t.rejects(pool.add(wrong[5]!), { code: MempoolErrorCode.recentlyRejected });
  await t.rejects(pool.add(wrong[0]!), { code: MempoolErrorCode.wrongChain }, 'the oldest entries were forgotten');
  t.ok(pool.stats().rejectFilterEntries <= 4);
  pool.blockDisconnected([]);
  t.equal(pool.stats().rejectFilterEntries, 0);
  const off = harness({ rejectFilterSize: 0 }).pool;
  await t.rejects(off.add(wrong[1]!), { code: MempoolErrorCode.wrongChain });
  await t.rejects(off.add(wrong[1]!), { code: MempoolErrorCode.wrongChain });
});

t.test('fault 11: throwaway actors from one source do not lock an honest newcomer out of a full pool', async (t) => {
  // Scaled down from the audit (1,000 one-transaction actors filled the pool).
  const { pool } = harness({ maxCount: 100 });
  const log = removals(pool);
  const flooder = 'api:203.0.113.7';
  const throwaway = Array.from({ length: 100 }, () => signedTx(newActor(), 0));
  const filled = await pool.addMany(throwaway, flooder);
  t.ok(
    filled.every((r) => r.ok),
    'the flood fills the pool',
  );
  t.equal(pool.size, 100);
  await t.rejects(pool.add(signedTx(newActor(), 0), flooder), { code: MempoolErrorCode.full }, 'more from the flooding source: MEMPOOL_FULL');

  const honest = signedTx(newActor(), 0);
  t.equal((await pool.add(honest, 'api:198.51.100.1')).state, 'ready', 'a fresh actor from another address gets in');
  t.same(log, [{ id: throwaway[99]!.txidHex, reason: 'evicted' }], "the flooder's newest arrival made room");
  // Fifty more honest newcomers, each from its own address, all get in; the flood keeps the rest.
  for (let i = 0; i < 50; i++) await pool.add(signedTx(newActor(), 0), `peer:192.0.2.${i}`);
  t.equal(pool.size, 100);
  t.ok(pool.has(honest.txidHex), 'the first honest one stays');
  t.same(
    log.slice(1).map((r) => r.id),
    throwaway
      .slice(49, 99)
      .reverse()
      .map((tx) => tx.txidHex),
    'only the flood shrank, newest first',
  );
  // The flood cannot push honest transactions back out: its source still holds the most.
  await t.rejects(pool.add(signedTx(newActor(), 0), flooder), { code: MempoolErrorCode.full });
  t.equal(pool.size, 100);
  t.ok(pool.has(honest.txidHex));
});

t.test('fault 11: sources balance, and a source never evicts itself', async (t) => {
  const { pool } = harness({ maxCount: 10 });
  // Two sources of five: full and balanced; nobody from either may evict the other.
  await pool.addMany(
    Array.from({ length: 5 }, () => signedTx(newActor(), 0)),
    'peer:10.0.0.1',
  );
  await pool.addMany(
    Array.from({ length: 5 }, () => signedTx(newActor(), 0)),
    'peer:10.0.0.2',
  );
  await t.rejects(pool.add(signedTx(newActor(), 0), 'peer:10.0.0.1'), { code: MempoolErrorCode.full }, '5 is not more than 5 + 1');
  // A third source may, until the counts are level (within one): 5/5/0 -> 4/5/1 -> 4/4/2 -> 3/4/3.
  for (let i = 0; i < 3; i++) await pool.add(signedTx(newActor(), 0), 'api:10.0.0.3');
  t.equal(pool.size, 10);
  await t.rejects(pool.add(signedTx(newActor(), 0), 'api:10.0.0.3'), { code: MempoolErrorCode.full }, 'a source stops one below the largest');
  // An actor's multi-transaction queue loses its tail, never a middle nonce.
  const a = newActor();
  const { pool: p2 } = harness({ maxCount: 4 });
  await p2.addMany(
    [0, 1, 2].map((n) => signedTx(a, n)),
    'api:10.0.0.9',
  );
  await p2.add(signedTx(newActor(), 0), 'api:10.0.0.9');
  await p2.add(signedTx(newActor(), 0), 'api:10.0.0.8');
  t.same(noncesOf(p2, a), [0, 1], 'the actor rule took the tail of the largest actor first');
  t.equal(p2.stats().future, 0, 'no gap');
  // The source rule never takes the newcomer's own actor's tail (it would leave the newcomer behind a gap).
  const { pool: p3 } = harness({ maxCount: 3 });
  const [b, c, d] = [newActor(), newActor(), newActor()] as [Actor, Actor, Actor];
  const c0 = signedTx(c, 0);
  await p3.addMany([signedTx(b, 0), c0, signedTx(d, 0)], 'api:10.0.0.9');
  await p3.add(signedTx(d, 1), 'api:10.0.0.8');
  t.same(noncesOf(p3, d), [0, 1], "the flooder's newest is the newcomer's own actor: the next newest went");
  t.notOk(p3.has(c0.txidHex));
  t.equal(p3.stats().future, 0, 'no gap');
});
