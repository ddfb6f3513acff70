import t from 'tap';
import { toHex } from '../../src/util/bytes.js';
import { Transaction } from '../../src/primitives/transaction.js';
import type { TxAddedEvent, TxRemovedEvent } from '../../src/mempool/types.js';
import { harness, label, newActor, signedTx, type Actor } from './support.js';

function names(actors: Record<string, Actor>): Map<string, string> {
  return new Map(Object.entries(actors).map(([name, a]) => [a.hex, name]));
}

t.test('template: round-robin across actors, oldest first, nonce order within an actor', async (t) => {
  const { pool } = harness();
  const A = newActor();
  const B = newActor();
  const C = newActor();
  const n = names({ A, B, C });
  for (let i = 0; i < 5; i++) await pool.add(signedTx(A, i));
  await pool.add(signedTx(B, 0));
  await pool.add(signedTx(B, 1));
  for (let i = 0; i < 3; i++) await pool.add(signedTx(C, i));
  await pool.add(signedTx(B, 3)); // gapped: never in a template
  const all = pool.buildTemplate(Number.MAX_SAFE_INTEGER).map((tx) => label(tx, n));
  t.same(all, ['A0', 'B0', 'C0', 'A1', 'B1', 'C1', 'A2', 'C2', 'A3', 'A4']);
  t.same(
    pool.buildTemplateEncoded(Number.MAX_SAFE_INTEGER).map((e) => e.txid),
    pool.buildTemplate(Number.MAX_SAFE_INTEGER).map((tx) => tx.txidHex),
  );
});

t.test('template: byte budget, never a transaction without its predecessor', async (t) => {
  const { pool, chain } = harness();
  const A = newActor();
  const B = newActor();
  const C = newActor();
  const n = names({ A, B, C });
  chain.nonces.set(A.hex, 7);
  const a7 = signedTx(A, 7);
  const bigB0 = signedTx(B, 0, { payload: { blob: 'x'.repeat(500) } });
  const b1 = signedTx(B, 1);
  const c0 = signedTx(C, 0);
  const c1 = signedTx(C, 1);
  for (const tx of [a7, signedTx(A, 8), bigB0, b1, c0, c1]) await pool.add(tx);
  // Room for everything but B0: B1 must then stay out too, while the others still fill the block.
  const budget = a7.size * 2 + c0.size + c1.size + 20;
  const picked = pool.buildTemplate(budget);
  t.same(
    picked.map((tx) => label(tx, n)),
    ['A7', 'C0', 'A8', 'C1'],
  );
  t.ok(picked.reduce((s, tx) => s + tx.size, 0) <= budget);
  t.same(
    pool.buildTemplate(a7.size).map((tx) => label(tx, n)),
    ['A7'],
  );
  t.same(pool.buildTemplate(a7.size - 1), []);
  t.same(pool.buildTemplate(0), []);
  // Exactly at the budget is allowed.
  const exact = a7.size + bigB0.size;
  t.same(
    pool.buildTemplate(exact).map((tx) => label(tx, n)),
    ['A7', 'B0'],
  );
});

t.test('template: oldest actor by its lowest ready transaction', async (t) => {
  const { pool } = harness();
  const A = newActor();
  const B = newActor();
  const n = names({ A, B });
  await pool.add(signedTx(A, 1)); // oldest tx, but gapped
  await pool.add(signedTx(B, 0));
  await pool.add(signedTx(A, 0));
  t.same(
    pool.buildTemplate(1e6).map((tx) => label(tx, n)),
    ['B0', 'A0', 'A1'],
  );
});

t.test('queries: has, get, size, bytes, byActor, list with cursor, stats', async (t) => {
  const { pool } = harness();
  const A = newActor();
  const B = newActor();
  const txs = [signedTx(A, 0), signedTx(B, 0), signedTx(A, 1), signedTx(B, 2), signedTx(A, 2)];
  for (const tx of txs) await pool.add(tx);
  t.equal(pool.size, 5);
  t.equal(
    pool.bytes,
    txs.reduce((s, tx) => s + tx.size, 0),
  );
  t.ok(pool.has(txs[0]!.txidHex.toUpperCase()));
  t.notOk(pool.has(new Uint8Array(32)));
  t.equal(pool.get(new Uint8Array(32)), undefined);
  const got = pool.get(txs[3]!.txid)!;
  t.equal(got.txidHex, txs[3]!.txidHex);
  t.same(got.fields, txs[3]!.fields);
  t.same(
    pool.byActor(A.from).map((tx) => tx.fields.nonce),
    [0, 1, 2],
  );
  t.same(
    pool.byActor(B.hex).map((tx) => tx.fields.nonce),
    [0, 2],
  );
  t.same(pool.byActor(newActor().from), []);

  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = pool.list(2, cursor);
    seen.push(...page.txs.map((tx) => tx.txidHex));
    cursor = page.cursor;
    pages++;
  } while (cursor !== undefined);
  t.equal(pages, 3);
  t.same(
    seen,
    txs.map((tx) => tx.txidHex),
    'arrival order, each once',
  );
  t.same(pool.list(5).cursor, undefined);
  const encoded = pool.listEncoded(3);
  t.same(
    encoded.txs.map((e) => e.txid),
    seen.slice(0, 3),
  );
  t.same(encoded.txs[0]!.bytes, txs[0]!.bytes);
  t.same(
    pool.listEncoded(3, encoded.cursor).txs.map((e) => e.txid),
    seen.slice(3),
  );
  t.throws(() => pool.list(2, 'nope'), { code: 'MEMPOOL_BAD_CURSOR' });
  t.throws(() => pool.list(0), { code: 'MEMPOOL_BAD_LIMIT' });

  const s = pool.stats();
  t.match(s, { count: 5, ready: 4, future: 1, actors: 2, inFlight: 0, accepted: 5, signaturesVerified: 5 });
  t.equal(s.bytes, pool.bytes);
});

t.test('events: tx:added and tx:removed with reasons; removed transactions decode lazily', async (t) => {
  const { pool, clock } = harness({ expiryMs: 1000, maxCount: 3 });
  const added: TxAddedEvent[] = [];
  const removed: TxRemovedEvent[] = [];
  pool.on('tx:added', (e) => added.push(e));
  pool.on('tx:removed', (e) => removed.push(e));
  const A = newActor();
  const B = newActor();
  const a0 = signedTx(A, 0);
  const a1 = signedTx(A, 1);
  const a2 = signedTx(A, 2);
  await pool.add(a1);
  await pool.add(a0);
  await pool.add(a2);
  t.same(
    added.map((e) => [e.txid, e.state, e.source]),
    [
      [a1.txidHex, 'future', 'add'],
      [a0.txidHex, 'ready', 'add'],
      [a2.txidHex, 'ready', 'add'],
    ],
  );
  t.equal(added[0]!.tx, a1, 'the added object itself');
  await pool.add(signedTx(B, 0)); // evicts a2 (A holds 3 > 1)
  pool.blockConnected([a0]);
  clock.t += 1000;
  pool.expire();
  t.same(
    removed.map((e) => e.reason),
    ['evicted', 'mined', 'expired', 'expired'],
  );
  const evicted = removed[0]!;
  t.equal(evicted.txid, a2.txidHex);
  t.same(evicted.bytes, a2.bytes);
  const decoded: Transaction = evicted.tx;
  t.equal(decoded.txidHex, a2.txidHex);
  t.equal(evicted.tx, decoded, 'decoded once');
  t.equal(removed[1]!.tx, a0);
  t.same(pool.stats().removed, { evicted: 1, mined: 1, expired: 2 });
  t.equal(toHex(removed[2]!.tx.fields.from), A.hex);
});

t.test('stored bytes do not keep a larger buffer alive', async (t) => {
  const { pool } = harness();
  const tx = signedTx(newActor(), 0);
  const big = new Uint8Array(tx.size + 1000);
  big.set(tx.bytes, 500);
  const view = Transaction.decode(big.subarray(500, 500 + tx.size));
  await pool.add(view);
  const [stored] = pool.buildTemplateEncoded(1e6);
  t.equal(stored!.bytes.buffer.byteLength, tx.size);
  t.same(stored!.bytes, tx.bytes);
});
