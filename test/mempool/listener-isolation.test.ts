import t from 'tap';
import type { TxAddedEvent } from '../../src/mempool/types.js';
import { harness, newActor, signedTx } from './support.js';

t.test('fault 2: one deep transaction broke reads for everyone: a throwing tx:added listener does not affect admission', async (t) => {
  const { pool } = harness();
  const seen: string[] = [];
  // The listener that failed before (SSE rendering a payload), then an honest one after it.
  pool.on('tx:added', (e: TxAddedEvent) => {
    if (e.tx.fields.kind === 'bad') throw new RangeError('Maximum call stack size exceeded');
  });
  pool.on('tx:added', (e: TxAddedEvent) => {
    seen.push(e.txid);
  });
  const a = newActor();
  const b = newActor();
  const c = newActor();
  const txs = [signedTx(a, 0), signedTx(b, 0, { kind: 'bad' }), signedTx(c, 0)];
  const results = await pool.addMany(txs);
  t.same(
    results.map((r) => r.ok),
    [true, true, true],
    'every transaction of the batch is admitted',
  );
  t.same(
    seen,
    txs.map((x) => x.txidHex),
    'the listeners after the failing one still ran for every transaction',
  );
  t.equal(pool.size, 3, 'all three pooled');
  t.equal(pool.listenerFailures, 1, 'the failure was counted');
  // The single-transaction path too, and an async listener that rejects.
  pool.on('tx:added', async () => {
    throw new Error('async listener failure');
  });
  const d = signedTx(newActor(), 0, { kind: 'bad' });
  t.equal((await pool.add(d)).ok, true, 'add() resolves');
  await new Promise((r) => setImmediate(r));
  t.equal(pool.listenerFailures, 3, 'the throwing and the rejecting listener were both counted');
  t.ok(pool.get(d.txidHex), 'and the transaction is pooled');
});

t.test('a throwing tx:removed listener does not break block connection', async (t) => {
  const { pool } = harness();
  pool.on('tx:removed', () => {
    throw new Error('boom');
  });
  const a = newActor();
  const txs = [signedTx(a, 0), signedTx(a, 1)];
  await pool.addMany(txs);
  pool.blockConnected([txs[0]!]);
  t.equal(pool.size, 1, 'the mined transaction left, the other stayed');
  t.equal(pool.listenerFailures, 1);
});
