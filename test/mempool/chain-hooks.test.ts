import t from 'tap';
import { MempoolErrorCode } from '../../src/mempool/errors.js';
import { type RemovalReason, type TxAddedEvent } from '../../src/mempool/types.js';
import type { Transaction } from '../../src/primitives/transaction.js';
import { harness, newActor, noncesOf, signedTx } from './support.js';

t.test('blockConnected removes mined transactions, drops stale ones and advances nonces', async (t) => {
  const { pool, chain } = harness();
  const removed = new Map<string, RemovalReason>();
  const minedObjects: Transaction[] = [];
  pool.on('tx:removed', (e) => {
    removed.set(e.txid, e.reason);
    if (e.reason === 'mined') minedObjects.push(e.tx);
  });
  const a = newActor();
  const b = newActor();
  const [a0, a1, a2, a4] = [signedTx(a, 0), signedTx(a, 1), signedTx(a, 2), signedTx(a, 4)];
  const b0 = signedTx(b, 0);
  await pool.addMany([a0, a1, a2, a4, b0]);
  const b0other = signedTx(b, 0, { payload: 'the one that got mined' });
  const a3 = signedTx(a, 3, { payload: 'mined without passing through this pool' });
  pool.blockConnected([a0, a1, a2, a3, b0other]);
  t.same(Object.fromEntries(removed), { [a0.txidHex]: 'mined', [a1.txidHex]: 'mined', [a2.txidHex]: 'mined', [b0.txidHex]: 'stale' });
  t.same(minedObjects, [a0, a1, a2], 'mined events carry the block objects');
  t.same(noncesOf(pool, a), [4], 'a4 was promoted: a3 is on chain');
  t.same(
    pool.buildTemplate(1e6).map((tx) => tx.txidHex),
    [a4.txidHex],
  );
  const reads = chain.reads;
  await t.rejects(pool.add(a2), { code: MempoolErrorCode.nonceTooLow });
  await t.rejects(pool.add(signedTx(b, 0, { payload: 'replay' })), { code: MempoolErrorCode.nonceTooLow });
  t.equal((await pool.add(signedTx(b, 1))).state, 'ready');
  // An actor first seen in a block needs no state read either.
  const c = newActor();
  pool.blockConnected([signedTx(c, 0)]);
  t.equal((await pool.add(signedTx(c, 1))).state, 'ready');
  t.equal(chain.reads, reads, 'the hooks keep the nonce cache exact');
  t.same(pool.stats().removed, { mined: 3, stale: 1 });
});

t.test('reorg: disconnect returns transactions, the new branch removes what it mines again', async (t) => {
  const { pool, chain, verifier } = harness();
  const a = newActor();
  const b = newActor();
  const c = newActor();
  const [a0, a1, a2, a3] = [0, 1, 2, 3].map((n) => signedTx(a, n)) as [Transaction, Transaction, Transaction, Transaction];
  const [b0, b1] = [signedTx(b, 0), signedTx(b, 1)];
  await pool.addMany([a0, a1, a2, a3, b0, b1]);
  const added: TxAddedEvent[] = [];
  pool.on('tx:added', (e) => added.push(e));

  // Old branch: block 1 = a0 a1 b0, block 2 = a2.
  const block1 = [a0, a1, b0];
  const block2 = [a2];
  pool.blockConnected(block1);
  pool.blockConnected(block2);
  t.same(
    pool.buildTemplate(1e6).map((tx) => tx.txidHex),
    [b1.txidHex, a3.txidHex],
  );
  const calls = verifier.calls;
  const reads = chain.reads;

  // Reorg to a branch of one block with a0, a different a1, b0, and c0 (never seen by this pool).
  pool.blockDisconnected(block2);
  pool.blockDisconnected(block1);
  t.equal(pool.size, 6, 'every disconnected transaction is back');
  t.same(noncesOf(pool, a), [0, 1, 2, 3]);
  t.same(noncesOf(pool, b), [0, 1]);
  t.same(pool.stats().future, 0);
  t.same(
    added.map((e) => [e.source, e.state]),
    [
      ['reorg', 'ready'],
      ['reorg', 'ready'],
      ['reorg', 'ready'],
      ['reorg', 'ready'],
    ],
  );
  const a1other = signedTx(a, 1, { payload: 'competing' });
  const c0 = signedTx(c, 0);
  const newBranch = [a0, a1other, b0, c0];
  pool.blockConnected(newBranch);

  // Each transaction is in exactly one place: the new chain, the pool, or dropped as conflicting.
  const onChain = new Set(newBranch.map((tx) => tx.txidHex));
  const inPool = new Set(pool.list(100).txs.map((tx) => tx.txidHex));
  for (const tx of [a0, a1, a2, a3, b0, b1, a1other, c0]) {
    const places = [onChain.has(tx.txidHex), inPool.has(tx.txidHex)].filter(Boolean).length;
    t.ok(places <= 1, `tx a/b/c nonce ${tx.fields.nonce} is not both mined and pooled`);
  }
  t.same([...inPool].sort(), [a2.txidHex, a3.txidHex, b1.txidHex].sort());
  t.same(noncesOf(pool, a), [2, 3], 'a2 and a3 stay ready after the competing a1');
  t.notOk(pool.has(a1.txid), 'the old a1 conflicts with the mined one');
  t.equal(verifier.calls, calls, 'returned transactions are not verified again');
  t.equal(chain.reads, reads, 'no state reads: the hooks tell the nonces');
  // Mining again exactly once: a template never contains anything already on chain.
  const template = pool.buildTemplate(1e6).map((tx) => tx.txidHex);
  t.ok(template.every((id) => !onChain.has(id)));
  t.same(template.length, 3);
  await t.rejects(pool.add(a1), { code: MempoolErrorCode.nonceTooLow });
});

t.test('reorg with an actor unknown to the pool and a pooled tx on the same nonce', async (t) => {
  const { pool } = harness();
  const a = newActor();
  const mined = [signedTx(a, 0), signedTx(a, 1)];
  pool.blockConnected(mined);
  const a2 = signedTx(a, 2);
  await pool.add(a2);
  pool.blockDisconnected(mined);
  t.same(noncesOf(pool, a), [0, 1, 2]);
  t.same(pool.stats().future, 0);
  // A block that is disconnected while a different tx with one of its nonces is pooled (a pool that missed the
  // connect): the block's transaction wins.
  const b = newActor();
  const b0pool = signedTx(b, 0, { payload: 'pool' });
  await pool.add(b0pool);
  const b0block = signedTx(b, 0, { payload: 'block' });
  pool.blockDisconnected([b0block]);
  t.same(
    pool.byActor(b.from).map((tx) => tx.txidHex),
    [b0block.txidHex],
  );
});

t.test('a reorg refilling a full pool trims it in eviction order', async (t) => {
  const { pool } = harness({ maxCount: 3 });
  const a = newActor();
  const b = newActor();
  const block = [signedTx(a, 0), signedTx(a, 1)];
  pool.blockConnected(block);
  await pool.addMany([signedTx(a, 2), signedTx(b, 0), signedTx(b, 1)]);
  const reasons: RemovalReason[] = [];
  pool.on('tx:removed', (e) => reasons.push(e.reason));
  pool.blockDisconnected(block);
  t.equal(pool.size, 3);
  t.same(reasons, ['evicted', 'evicted']);
  t.same(noncesOf(pool, a), [0, 1], 'a held the most: lost its tail');
  t.same(noncesOf(pool, b), [0]);
});
