// The per-key signer behind POST /actions, against a real Mempool and a real keystore: consecutive nonces in
// arrival order under concurrency, nonces from chain + pool, no gap after a refusal mid-round, waiting for room
// in the pool, and its error codes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { defaultSignatureVerifier, generateSecretKey, signHash } from '../../src/crypto/signature.js';
import { ChainNodeError } from '../../src/errors.js';
import { ActionSigner, type ActionSignerOptions, type SignResult } from '../../src/keys/action-signer.js';
import { NodeKeys } from '../../src/keys/node-keys.js';
import { PARALLEL_SIGN_MIN_BATCH, SignPool } from '../../src/keys/sign-pool.js';
import type { SignatureVerifier } from '../../src/crypto/verifier.js';
import type { MempoolOptions } from '../../src/mempool/options.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { CHAIN, harness, type Harness } from '../mempool/support.js';

const PASS = 'pass phrase';

async function setup(
  t: Test,
  pool: MempoolOptions = {},
  options: Partial<ActionSignerOptions> = {},
  passphrase: string | null = PASS,
  verifier?: SignatureVerifier,
): Promise<Harness & { keys: NodeKeys; signer: ActionSigner; actor: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'action-signer-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const made = new NodeKeys({ datadir: dir, network: 'regtest', kdf: { n: 2 ** 15 } }, { passphrase: PASS });
  const info = await made.create('svc');
  const keys = new NodeKeys({ datadir: dir, network: 'regtest' }, passphrase === null ? {} : { passphrase });
  const h = harness(pool);
  const signer = new ActionSigner(
    { maxQueue: 10_000, waitMs: 5_000, maxTxBytes: 64 * 1024, ...options },
    { keys, mempool: h.pool, chainId: CHAIN, nextNonce: h.chain.nextNonce, ...(verifier === undefined ? {} : { verifier }) },
  );
  return { ...h, keys, signer, actor: info.publicKey };
}

const okNonces = (rs: SignResult[]): Array<number | string> => rs.map((r) => (r.ok ? r.nonce : r.code));

t.test('concurrent requests get consecutive nonces in arrival order', async (t) => {
  const { signer, pool, actor } = await setup(t);
  const singles = Array.from({ length: 300 }, (_, i) => signer.submit('svc', [{ kind: 'audit.event', payload: { i } }]));
  const batch = signer.submit(
    'svc',
    Array.from({ length: 50 }, (_, i) => ({ kind: 'audit.batch', subject: `s${i}`, payload: { i } })),
  );
  const got = (await Promise.all(singles)).map((r) => r[0]!);
  t.same(
    okNonces(got),
    Array.from({ length: 300 }, (_, i) => i),
    'single requests: nonce = arrival index',
  );
  t.same(
    okNonces(await batch),
    Array.from({ length: 50 }, (_, i) => 300 + i),
    'the batch follows, in order',
  );
  t.same(pool.actorState(actor), { count: 350, readyEnd: 350, future: 0 }, 'all ready, no gap');
  t.equal(pool.stats().signaturesVerified, 0, 'the pool did not re-verify what the node signed');
  const v = defaultSignatureVerifier();
  t.ok(
    pool.byActor(actor).every((tx) => v.verify(tx.fields.sig, tx.sigHash, tx.fields.from)),
    'yet every signature verifies (signed inline and on the workers)',
  );
  const tx = pool.get((got[7] as { txid: string }).txid)!;
  t.same([tx.fromHex, tx.fields.nonce, tx.fields.kind, tx.fields.payload], [actor, 7, 'audit.event', { i: 7 }]);
});

t.test('requests arriving in separate callbacks of one event-loop turn share one signing round', async (t) => {
  const { signer, pool } = await setup(t);
  t.same(okNonces(await signer.submit('svc', [{ kind: 'a', payload: 0 }])), [0], 'the key unlocked');
  const rounds: number[] = [];
  const addSigned = pool.addSigned.bind(pool);
  pool.addSigned = (txs, sources) => {
    rounds.push(txs.length);
    return addSigned(txs, sources);
  };
  // As HTTP requests come in: one per connection, each in its own callback, the microtasks run between them.
  const results = await Promise.all(
    Array.from(
      { length: 40 },
      (_, i) => new Promise<SignResult[]>((resolve) => setImmediate(() => resolve(signer.submit('svc', [{ kind: 'a', payload: i + 1 }])))),
    ),
  );
  t.same(
    okNonces(results.map((r) => r[0]!)),
    Array.from({ length: 40 }, (_, i) => i + 1),
    'consecutive nonces in arrival order',
  );
  t.same(rounds, [40], 'one round signed and admitted them all (not one round per request)');
});

t.test('the next nonce counts the chain and the pool', async (t) => {
  const { signer, chain, pool, actor } = await setup(t);
  chain.nonces.set(actor, 41);
  t.same(okNonces(await signer.submit('svc', [{ kind: 'a', payload: 1 }])), [41], 'from the chain when nothing is pooled');
  t.same(
    okNonces(
      await signer.submit('svc', [
        { kind: 'a', payload: 2 },
        { kind: 'a', payload: 3 },
      ]),
    ),
    [42, 43],
    'then past the pooled run',
  );
  // A block mines 41 and 42, then a reorg returns them: the chain and the pool's run decide either way.
  const mined = pool.byActor(actor).slice(0, 2);
  pool.blockConnected(mined);
  chain.nonces.set(actor, 43);
  t.same(okNonces(await signer.submit('svc', [{ kind: 'a', payload: 4 }])), [44], 'after a block');
  pool.blockDisconnected(mined);
  chain.nonces.set(actor, 41);
  t.same(okNonces(await signer.submit('svc', [{ kind: 'a', payload: 5 }])), [45], 'after a reorg returned them');
  t.same(pool.actorState(actor), { count: 5, readyEnd: 46, future: 0 });
  pool.blockConnected(pool.byActor(actor));
  chain.nonces.set(actor, 46);
  t.same(okNonces(await signer.submit('svc', [{ kind: 'a', payload: 6 }])), [46], 'from the chain again once all are mined');
});

t.test('a refusal in the middle of a round leaves no gap', async (t) => {
  const { signer, keys, pool, actor } = await setup(t);
  // Someone else signs nonce 2 with the same key first (another process holding a copy of it).
  const k = await keys.unlock('svc');
  const foreign = Transaction.sign({ chain: CHAIN, nonce: 2, time: 1, kind: 'elsewhere', payload: null }, k.secretKey);
  await pool.add(foreign);
  const rs = await signer.submit(
    'svc',
    [0, 1, 2, 3, 4].map((i) => ({ kind: 'a', payload: i })),
  );
  t.same(okNonces(rs), [0, 1, 'TX_NONCE_CONFLICT', 'TX_NONCE_CONFLICT', 'TX_NONCE_CONFLICT']);
  t.match((rs[3] as { message: string }).message, /earlier action .* refused/);
  t.same(
    pool.byActor(actor).map((tx) => tx.fields.kind),
    ['a', 'a', 'elsewhere'],
    'the ones signed after the refused one were withdrawn',
  );
  t.same(pool.actorState(actor), { count: 3, readyEnd: 3, future: 0 });
  t.same(okNonces(await signer.submit('svc', [{ kind: 'a', payload: 'next' }])), [3], 'the next action continues without a gap');
});

t.test('bad actions take no nonce', async (t) => {
  const { signer } = await setup(t);
  const rs = await signer.submit('svc', [
    { kind: 'a', payload: 1 },
    { kind: 'k'.repeat(65), payload: 2 },
    { kind: 'a', subject: '', payload: 3 },
    { kind: 'a', payload: 'x'.repeat(70_000) },
    { kind: 'a', payload: 5 },
  ]);
  t.same(okNonces(rs), [0, 'TX_BAD_KIND', 'TX_BAD_SUBJECT', 'TX_OVERSIZED', 1]);
});

t.test('waits for room for the key in the pool, then MEMPOOL_ACTOR_LIMIT', async (t) => {
  const h = await setup(t, { maxPerActor: 2 }, { waitMs: 300 });
  const { signer, pool, actor } = h;
  const first = await signer.submit('svc', [
    { kind: 'a', payload: 0 },
    { kind: 'a', payload: 1 },
  ]);
  t.same(okNonces(first), [0, 1]);
  const started = Date.now();
  t.same(okNonces(await signer.submit('svc', [{ kind: 'a', payload: 2 }])), ['MEMPOOL_ACTOR_LIMIT'], 'no room within waitMs');
  t.ok(Date.now() - started >= 250, 'it waited');
  const waiting = signer.submit('svc', [
    { kind: 'a', payload: 2 },
    { kind: 'a', payload: 3 },
  ]);
  await new Promise((r) => setTimeout(r, 50));
  t.equal(signer.queued('svc'), 2, 'queued while the pool has no room');
  const { chain } = h;
  pool.blockConnected([pool.byActor(actor)[0]!]);
  pool.blockConnected([pool.byActor(actor)[0]!]);
  chain.nonces.set(actor, 2);
  t.same(okNonces(await waiting), [2, 3], 'a block made room: signed with the next nonces');
});

t.test('error codes: locked, unknown key, queue full, closed', async (t) => {
  const locked = await setup(t, {}, {}, null);
  await t.rejects(locked.signer.submit('svc', [{ kind: 'a', payload: 1 }]), { code: 'KEY_LOCKED' });
  await t.rejects(locked.keys.create('other'), { code: 'KEY_LOCKED' });
  const wrong = await setup(t, {}, {}, 'not it');
  await t.rejects(wrong.signer.submit('svc', [{ kind: 'a', payload: 1 }]), { code: 'KEY_LOCKED', message: /does not open/ });
  const { signer } = await setup(t, { maxPerActor: 1 }, { maxQueue: 3, waitMs: 2_000 });
  await t.rejects(signer.submit('nope', [{ kind: 'a', payload: 1 }]), { code: 'KEY_NOT_FOUND' });
  await t.rejects(signer.submit('../x', [{ kind: 'a', payload: 1 }]), { code: 'KEY_BAD_NAME' });
  t.same(okNonces(await signer.submit('svc', [{ kind: 'a', payload: 1 }])), [0]);
  const waiting = signer.submit('svc', [
    { kind: 'a', payload: 2 },
    { kind: 'a', payload: 3 },
  ]);
  await t.rejects(
    signer.submit('svc', [
      { kind: 'a', payload: 4 },
      { kind: 'a', payload: 5 },
    ]),
    { code: 'KEY_QUEUE_FULL' },
  );
  signer.close();
  t.same(okNonces(await waiting), ['KEY_SIGNER_CLOSED', 'KEY_SIGNER_CLOSED'], 'waiting actions fail on close');
  await t.rejects(signer.submit('svc', [{ kind: 'a', payload: 6 }]), new ChainNodeError('KEY_SIGNER_CLOSED', 'the node is stopping'));
});

t.test('a signature that does not verify is never submitted', async (t) => {
  const broken: SignatureVerifier = { name: 'noble', impl: 'noble', verify: () => false, isValidPublicKey: () => true };
  const { signer, pool } = await setup(t, {}, {}, PASS, broken);
  t.same(
    okNonces(
      await signer.submit('svc', [
        { kind: 'a', payload: 1 },
        { kind: 'a', payload: 2 },
      ]),
    ),
    ['KEY_SIGNER_FAULT', 'KEY_SIGNER_FAULT'],
  );
  t.equal(pool.size, 0);
});

t.test('the signing workers and the inline signer sign exactly as @noble/curves does', async (t) => {
  const pool = new SignPool({ threads: 2 });
  t.teardown(() => pool.close());
  t.equal(pool.signerName, 'addon', "the node's addon signs where it is built (npm run build:native)");
  const sk = generateSecretKey();
  for (const n of [PARALLEL_SIGN_MIN_BATCH * 3 + 5, PARALLEL_SIGN_MIN_BATCH - 1, 1]) {
    const hashes = Array.from({ length: n }, (_, i) => new Uint8Array(32).fill(i + 1));
    const sigs = await pool.sign(sk, hashes);
    t.equal(sigs.length, hashes.length);
    t.ok(
      sigs.every((s, i) => Buffer.compare(s, signHash(hashes[i]!, sk)) === 0),
      `${hashes.length} signatures byte-identical (RFC 6979, low-S), ${n >= PARALLEL_SIGN_MIN_BATCH ? 'on the workers' : 'inline'}, signer ${pool.signerName}`,
    );
  }
  await t.rejects(pool.sign(new Uint8Array(32), [new Uint8Array(32).fill(1)]), { code: 'KEY_SIGNER_FAULT' }, 'an invalid secret key: a coded error');
});

t.test('a full pool: the wait ends in MEMPOOL_FULL', async (t) => {
  const { signer, pool } = await setup(t, { maxCount: 1 }, { waitMs: 100 });
  t.same(okNonces(await signer.submit('svc', [{ kind: 'a', payload: 0 }])), [0]);
  t.same(okNonces(await signer.submit('svc', [{ kind: 'a', payload: 1 }])), ['MEMPOOL_FULL']);
  t.equal(pool.size, 1);
});

t.test('rounds built while one is signed: after a refusal, the rounds in flight take fresh nonces, in order', async (t) => {
  const { signer, keys, pool, actor } = await setup(t, {}, { maxRound: 3 });
  const k = await keys.unlock('svc');
  await pool.add(Transaction.sign({ chain: CHAIN, nonce: 1, time: 1, kind: 'elsewhere', payload: null }, k.secretKey));
  const rs = await signer.submit(
    'svc',
    Array.from({ length: 9 }, (_, i) => ({ kind: 'a', payload: i })),
  );
  t.same(okNonces(rs), [0, 'TX_NONCE_CONFLICT', 'TX_NONCE_CONFLICT', 2, 3, 4, 5, 6, 7]);
  t.same(
    rs.filter((r) => r.ok).map((r) => pool.get((r as { txid: string }).txid)!.fields.payload),
    [0, 3, 4, 5, 6, 7, 8],
    'each action kept its place in the order',
  );
  t.same(pool.actorState(actor), { count: 8, readyEnd: 8, future: 0 }, 'no gap, no duplicate');
});
