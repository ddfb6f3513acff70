import t from 'tap';
import { ChainNodeError, Penalty } from '../../src/errors.js';
import { VerifyPool } from '../../src/crypto/verify-pool.js';
import { MEMPOOL_PENALTIES, MempoolErrorCode } from '../../src/mempool/errors.js';
import { type AddRejected } from '../../src/mempool/types.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { CHAIN, harness, highSTwin, newActor, OTHER_CHAIN, signedTx, SpyBatchVerifier, tamperedSig } from './support.js';

const A = newActor();
const B = newActor();
const C = newActor();

t.test('accepts a valid transaction and reports its state', async (t) => {
  const { pool } = harness();
  const tx = signedTx(A, 0);
  t.same(await pool.add(tx), { ok: true, txid: tx.txidHex, state: 'ready' });
  t.ok(pool.has(tx.txid));
  t.ok(pool.has(tx.txidHex));
  t.equal(pool.size, 1);
  t.equal(pool.bytes, tx.size);
  t.same(pool.get(tx.txidHex)?.bytes, tx.bytes);
});

t.test('every refusal code, with its penalty', async (t) => {
  const cases: [string, number][] = [
    [MempoolErrorCode.recentlyRejected, Penalty.none],
    [MempoolErrorCode.duplicate, Penalty.none],
    [MempoolErrorCode.wrongChain, Penalty.high],
    [MempoolErrorCode.oversized, Penalty.high],
    [MempoolErrorCode.nonceTooLow, Penalty.none],
    [MempoolErrorCode.nonceConflict, Penalty.none],
    [MempoolErrorCode.nonceTooFar, Penalty.none],
    [MempoolErrorCode.actorLimit, Penalty.none],
    [MempoolErrorCode.full, Penalty.none],
    [MempoolErrorCode.badSignature, Penalty.ban],
  ];
  for (const [code, penalty] of cases) t.equal(MEMPOOL_PENALTIES[code as keyof typeof MEMPOOL_PENALTIES], penalty, code);

  t.test('TX_DUPLICATE, also while the first copy is being verified', async (t) => {
    const { pool } = harness();
    const tx = signedTx(A, 0);
    const [first, second] = await Promise.allSettled([pool.add(tx), pool.add(tx)]);
    t.equal(first.status, 'fulfilled');
    t.equal(second.status === 'rejected' && (second.reason as ChainNodeError).code, MempoolErrorCode.duplicate);
    await t.rejects(pool.add(tx), { code: MempoolErrorCode.duplicate, penalty: 0 });
    // A fresh object with the same bytes is the same transaction.
    await t.rejects(pool.add(Transaction.decode(tx.bytes)), { code: MempoolErrorCode.duplicate });
  });

  t.test('TX_WRONG_CHAIN, then TX_RECENTLY_REJECTED', async (t) => {
    const { pool } = harness();
    const tx = signedTx(A, 0, { chain: OTHER_CHAIN });
    const err = await pool.add(tx).catch((e: unknown) => e);
    t.ok(err instanceof ChainNodeError);
    t.match(err, { code: MempoolErrorCode.wrongChain, penalty: Penalty.high });
    await t.rejects(pool.add(tx), { code: MempoolErrorCode.recentlyRejected, message: /TX_WRONG_CHAIN/ });
  });

  t.test('TX_OVERSIZED', async (t) => {
    const { pool } = harness({ maxTxBytes: 300 });
    await t.rejects(pool.add(signedTx(A, 0, { payload: { blob: 'x'.repeat(400) } })), { code: MempoolErrorCode.oversized });
    t.ok(await pool.add(signedTx(A, 0)));
  });

  t.test('TX_NONCE_TOO_LOW (replay of an action already on chain)', async (t) => {
    const { pool, chain } = harness();
    chain.nonces.set(A.hex, 5);
    await t.rejects(pool.add(signedTx(A, 4)), { code: MempoolErrorCode.nonceTooLow, message: /below the actor's next nonce 5/ });
    t.equal((await pool.add(signedTx(A, 5))).state, 'ready');
  });

  t.test('TX_NONCE_CONFLICT: first seen wins', async (t) => {
    const { pool } = harness();
    const first = signedTx(A, 0, { payload: 'first' });
    await pool.add(first);
    await t.rejects(pool.add(signedTx(A, 0, { payload: 'second' })), { code: MempoolErrorCode.nonceConflict });
    t.ok(pool.has(first.txid));
    t.equal(pool.size, 1);
  });

  t.test('TX_NONCE_TOO_FAR: more than futureWindow past the next expected nonce', async (t) => {
    const { pool } = harness({ futureWindow: 2 });
    await t.rejects(pool.add(signedTx(A, 3)), { code: MempoolErrorCode.nonceTooFar });
    t.equal((await pool.add(signedTx(A, 2))).state, 'future');
    await pool.add(signedTx(A, 0));
    await pool.add(signedTx(A, 1));
    // The ready queue now ends at 2, so 5 = 3 + 2 is inside the window.
    t.equal((await pool.add(signedTx(A, 5))).state, 'future');
    await t.rejects(pool.add(signedTx(A, 6)), { code: MempoolErrorCode.nonceTooFar });
  });

  t.test('MEMPOOL_ACTOR_LIMIT', async (t) => {
    const { pool } = harness({ maxPerActor: 2 });
    await pool.add(signedTx(A, 0));
    await pool.add(signedTx(A, 1));
    await t.rejects(pool.add(signedTx(A, 2)), { code: MempoolErrorCode.actorLimit });
    t.ok(await pool.add(signedTx(B, 0)));
  });

  t.test('MEMPOOL_FULL', async (t) => {
    const { pool } = harness({ maxCount: 1 });
    await pool.add(signedTx(A, 0));
    await t.rejects(pool.add(signedTx(B, 0)), { code: MempoolErrorCode.full });
  });

  t.test('MEMPOOL_FULL on the byte limit', async (t) => {
    const first = signedTx(A, 0);
    const { pool } = harness({ maxBytes: first.size + 10 });
    await pool.add(first);
    await t.rejects(pool.add(signedTx(B, 0)), { code: MempoolErrorCode.full });
  });

  t.test('TX_BAD_SIGNATURE: tampered and high-S, then remembered', async (t) => {
    const { pool } = harness();
    const good = signedTx(A, 0);
    const bad = tamperedSig(good);
    await t.rejects(pool.add(bad), { code: MempoolErrorCode.badSignature, penalty: Penalty.ban });
    await t.rejects(pool.add(bad), { code: MempoolErrorCode.recentlyRejected });
    const twin = highSTwin(good);
    await t.rejects(pool.add(twin), { code: MempoolErrorCode.badSignature });
    t.equal(pool.size, 0);
    t.ok(await pool.add(good));
    t.same(pool.stats().rejected, { TX_BAD_SIGNATURE: 2, TX_RECENTLY_REJECTED: 1 });
  });
});

t.test('cheap checks run before the signature is verified', async (t) => {
  const { pool, verifier, chain } = harness({ maxPerActor: 1 });
  chain.nonces.set(A.hex, 3);
  await pool.add(signedTx(B, 0));
  const refused = [signedTx(A, 1), signedTx(B, 0, { payload: 'other' }), signedTx(B, 1), signedTx(C, 0, { chain: OTHER_CHAIN })];
  const codes = (await pool.addMany(refused)).map((r) => (r.ok ? 'ok' : r.code));
  t.same(codes, [MempoolErrorCode.nonceTooLow, MempoolErrorCode.nonceConflict, MempoolErrorCode.actorLimit, MempoolErrorCode.wrongChain]);
  t.equal(verifier.calls, 1, 'only the accepted transaction was verified');
});

t.test('a signature is checked once per transaction object', async (t) => {
  const { pool, verifier, clock } = harness({ expiryMs: 1000 });
  const tx = signedTx(A, 0);
  await pool.add(tx);
  t.equal(verifier.calls, 1);
  clock.t += 1000;
  t.equal(pool.expire(), 1);
  await pool.add(tx);
  t.equal(verifier.calls, 1, 're-adding the verified object does not verify again');
  pool.blockConnected([tx]);
  pool.blockDisconnected([tx]);
  t.ok(pool.has(tx.txid), 'back after the reorg');
  t.equal(verifier.calls, 1);
  // Objects handed out by the pool come from verified encodings.
  const copy = pool.get(tx.txid)!;
  clock.t += 1000;
  pool.expire();
  await pool.add(copy);
  t.equal(verifier.calls, 1);
  t.equal(pool.stats().signaturesVerified, 1);
  // A fresh decode of unknown provenance is verified.
  clock.t += 1000;
  pool.expire();
  await pool.add(Transaction.decode(tx.bytes));
  t.equal(verifier.calls, 2);
});

t.test('addMany: mixed batch, results in input order, never throws for refusals', async (t) => {
  const { pool } = harness({ futureWindow: 4 });
  const a0 = signedTx(A, 0);
  const batch = [
    a0,
    tamperedSig(signedTx(B, 0)),
    signedTx(A, 1),
    a0,
    signedTx(C, 0, { chain: OTHER_CHAIN }),
    signedTx(A, 3),
    signedTx(A, 9),
    highSTwin(signedTx(C, 0)),
    signedTx(B, 1),
  ];
  const results = await pool.addMany(batch);
  t.same(
    results.map((r) => (r.ok ? r.state : r.code)),
    ['ready', 'TX_BAD_SIGNATURE', 'ready', 'TX_DUPLICATE', 'TX_WRONG_CHAIN', 'future', 'TX_NONCE_TOO_FAR', 'TX_BAD_SIGNATURE', 'future'],
  );
  for (let i = 0; i < batch.length; i++) t.equal(results[i]!.txid, batch[i]!.txidHex);
  const rejected = results.filter((r): r is AddRejected => !r.ok);
  for (const r of rejected) t.ok(r.error instanceof ChainNodeError && r.error.code === r.code);
  t.equal(pool.size, 4);
});

t.test('addMany: an actor sequence in any order, and a bad predecessor leaves a gap', async (t) => {
  const { pool } = harness();
  const results = await pool.addMany([signedTx(A, 2), signedTx(A, 1), signedTx(A, 0)]);
  t.same(
    results.map((r) => r.ok && r.state),
    ['ready', 'ready', 'ready'],
  );
  t.same(pool.stats().future, 0);
  const gapped = await pool.addMany([tamperedSig(signedTx(B, 0)), signedTx(B, 1)]);
  t.same(
    gapped.map((r) => (r.ok ? r.state : r.code)),
    ['TX_BAD_SIGNATURE', 'future'],
  );
  const limited = harness({ maxPerActor: 2 }).pool;
  const over = await limited.addMany([signedTx(C, 0), signedTx(C, 1), signedTx(C, 2)]);
  t.same(
    over.map((r) => (r.ok ? 'ok' : r.code)),
    ['ok', 'ok', 'MEMPOOL_ACTOR_LIMIT'],
  );
});

t.test('addMany: a large batch is verified in one parallel batch through the pool', async (t) => {
  const real = new VerifyPool({ threads: 2 }, {});
  t.teardown(() => real.close());
  const spy = new SpyBatchVerifier(real);
  const { pool, verifier } = harness({}, { verifyPool: spy });
  const actors = Array.from({ length: 8 }, () => newActor());
  const batch: Transaction[] = [];
  for (let n = 0; n < 9; n++) for (const a of actors) batch.push(signedTx(a, n));
  const badAt = new Set([5, 30, 71]);
  const input = batch.map((tx, i) => (badAt.has(i) ? tamperedSig(tx) : tx));
  const results = await pool.addMany(input);
  t.equal(spy.batches, 1);
  t.equal(spy.items, 72);
  t.equal(verifier.calls, 0, 'nothing verified inline');
  for (let i = 0; i < input.length; i++) {
    const r = results[i]!;
    if (badAt.has(i)) t.equal(!r.ok && r.code, MempoolErrorCode.badSignature);
    else t.ok(r.ok, `tx ${i} accepted`);
  }
  // Transactions behind a bad one are gapped, not refused: actor 5 lost nonce 0 (1..8 wait), actor 6 nonce 3 (4..8).
  t.equal(pool.stats().future, 8 + 5);
  // Small batches stay inline.
  await pool.addMany([signedTx(newActor(), 0)]);
  t.equal(spy.batches, 1);
  t.equal(verifier.calls, 1);
});

t.test('state is re-checked after the signature check', async (t) => {
  const real = new VerifyPool({ threads: 2 }, {});
  t.teardown(() => real.close());
  const spy = new SpyBatchVerifier(real);
  const { pool } = harness({}, { verifyPool: spy });
  const actors = Array.from({ length: 64 }, () => newActor());
  const batch = actors.map((a) => signedTx(a, 0));
  spy.hold();
  const pending = pool.addMany(batch);
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(pool.stats().inFlight, 64);
  // While the batch is being verified, a block mines a different action with nonce 0 for the first actor.
  pool.blockConnected([signedTx(actors[0]!, 0, { payload: 'mined elsewhere' })]);
  await t.rejects(pool.add(batch[1]!), { code: MempoolErrorCode.duplicate }, 'in flight counts as pooled');
  spy.release();
  const results = await pending;
  t.equal(!results[0]!.ok && results[0]!.code, MempoolErrorCode.nonceTooLow);
  t.ok(results.slice(1).every((r) => r.ok));
  t.equal(pool.stats().inFlight, 0);
});

t.test('chain state reads: once per unknown actor, failures propagate', async (t) => {
  const { pool, chain } = harness();
  await Promise.all([pool.add(signedTx(A, 0)), pool.add(signedTx(A, 1)), pool.add(signedTx(B, 0))]);
  t.equal(chain.reads, 2, 'concurrent adds of one actor share one read');
  await pool.add(signedTx(A, 2));
  t.equal(chain.reads, 2);
  chain.fail = new Error('store closed');
  await t.rejects(pool.add(signedTx(C, 0)), { message: 'store closed' });
  await t.rejects(pool.addMany([signedTx(C, 0)]), { message: 'store closed' });
  t.equal(pool.stats().inFlight, 0);
  chain.fail = undefined;
  t.ok(await pool.add(signedTx(C, 0)));
  const bad = harness({}, { nextNonce: () => Promise.resolve(-1) }).pool;
  await t.rejects(bad.add(signedTx(A, 0)), { code: 'MEMPOOL_BAD_NONCE' });
});

t.test('constructor checks', async (t) => {
  t.throws(() => harness({ maxCount: -1 }), { code: 'MEMPOOL_BAD_OPTIONS' });
  t.throws(() => harness({ futureWindow: 1.5 }), { code: 'MEMPOOL_BAD_OPTIONS' });
  t.throws(() => harness({}, { chainId: CHAIN.subarray(1) }), { code: 'MEMPOOL_BAD_OPTIONS' });
  t.same(harness({ maxCount: 7 }).pool.options.maxCount, 7);
});
