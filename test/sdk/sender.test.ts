// TxSender against a real node (issue 15, item 7): local nonces, batches, idempotent retries after lost answers
// and failed connections, nonce resync when another client used the key, and reuse of a refused record's nonce.
import { join } from 'node:path';
import t from 'tap';
import { signActionFast } from '../../src/wallet/tx-signer.js';
import { generateSecretKey, publicKeyFromSecret } from '../../src/crypto/signature.js';
import { createChainClient, unwrap } from '../../src/sdk/client.js';
import { TxSender } from '../../src/sdk/sender.js';
import { ensureBuilt, startNode, tempDir, waitFor } from '../e2e/support.js';

ensureBuilt();

const metric = (i: number): { kind: string; subject: string; payload: unknown } => ({
  kind: 'metric',
  subject: `c-${i % 7}`,
  payload: { containerId: `c-${i % 7}`, memoryMB: 256 + i, cpuUsage: i % 100, timestamp: 1_700_000_000_000 + i },
});

t.test('TxSender on a node that does not mine', async (t) => {
  const dir = tempDir(t);
  const node = await startNode(t, { datadir: join(dir, 'regtest'), home: dir, mine: false });
  const client = createChainClient({ url: node.url });
  const pool = async (): Promise<number> => unwrap(await client.GET('/mempool')).count;

  // 900: under the mempool's 1,000 pending per actor.
  await t.test('900 records in batches of 400: all accepted, nonces contiguous, in input order', async (t) => {
    const sender = new TxSender({ url: node.url, secretKey: generateSecretKey(), batchSize: 400 });
    const before = await pool();
    const results = await sender.send(Array.from({ length: 900 }, (_, i) => metric(i)));
    t.equal(results.length, 900);
    t.same(new Set(results.map((r) => r.status)), new Set(['accepted']));
    t.same(
      results.map((r) => r.nonce),
      Array.from({ length: 900 }, (_, i) => i),
      'nonces 0..899 in input order',
    );
    t.same(
      results.map((r) => r.index),
      Array.from({ length: 900 }, (_, i) => i),
    );
    t.equal(sender.nextNonce, 900);
    t.equal(await pool(), before + 900, 'each record pooled once');
    const acct = unwrap(await client.GET('/accounts/{actor}', { params: { path: { actor: sender.actor } } }));
    t.equal(acct.pendingNonce, 900);
    const tx = unwrap(await client.GET('/txs/{txid}', { params: { path: { txid: results[700]!.txid } } }));
    t.match(tx, { status: 'pending', tx: { nonce: 700, kind: 'metric', from: sender.actor } });
    // Later sends go on from the local nonce (one account read in all).
    const more = await sender.send([metric(1)]);
    t.equal(more[0]!.nonce, 900);
    // Past the per-actor limit the node refuses (MEMPOOL_ACTOR_LIMIT): retried, then reported with the code.
    const full = await new TxSender({ url: node.url, secretKey: generateSecretKey(), maxAttempts: 2, retryDelayMs: 5 }).send(
      Array.from({ length: 1001 }, (_, i) => metric(i)),
    );
    t.match(full.at(-1), { status: 'rejected', code: 'MEMPOOL_ACTOR_LIMIT', attempts: 2, nonce: 1000 });
    t.equal(full.filter((r) => r.status === 'accepted').length, 1000);
  });

  await t.test('an answer lost after the node took the batch: the same bytes are resent, reported duplicate, pooled once', async (t) => {
    let lost = 0;
    // The request reaches the real node; its answer is replaced by a 503, as a proxy that failed on the way back.
    const lossy: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (new URL(input instanceof Request ? input.url : String(input)).pathname === '/txs/batch' && lost++ === 0) {
        await res.arrayBuffer();
        return new Response(JSON.stringify({ error: { code: 'BAD_GATEWAY', message: 'upstream answer lost' } }), {
          status: 503,
          headers: { 'content-type': 'application/json' },
        });
      }
      return res;
    };
    const sender = new TxSender({
      client: createChainClient({ url: node.url, fetch: lossy }),
      secretKey: generateSecretKey(),
      batchSize: 50,
      retryDelayMs: 10,
    });
    const before = await pool();
    const results = await sender.send(Array.from({ length: 120 }, (_, i) => metric(i)));
    t.equal(lost, 4, 'one lost answer, then 3 batches answered');
    t.same(
      results.slice(0, 50).map((r) => [r.status, r.attempts]),
      Array.from({ length: 50 }, () => ['duplicate', 2]),
      'the first batch: resent once, the node already had it',
    );
    t.same(new Set(results.slice(50).map((r) => r.status)), new Set(['accepted']));
    t.same(
      results.map((r) => r.nonce),
      Array.from({ length: 120 }, (_, i) => i),
    );
    t.equal(await pool(), before + 120, 'no record pooled twice');
  });

  await t.test('connections that fail before reaching the node: every call retried; failed after maxAttempts', async (t) => {
    let calls = 0;
    // Every other connection fails: GET /status, GET /accounts and the batch each need two tries.
    const flaky: typeof fetch = async (input, init) => {
      if (calls++ % 2 === 0) throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      return fetch(input, init);
    };
    const sk = generateSecretKey();
    const sender = new TxSender({ client: createChainClient({ url: node.url, fetch: flaky }), secretKey: sk, retryDelayMs: 10 });
    const results = await sender.send([metric(0), metric(1)]);
    t.same(
      results.map((r) => [r.status, r.nonce, r.attempts]),
      [
        ['accepted', 0, 2],
        ['accepted', 1, 2],
      ],
    );
    t.equal(calls, 6);

    const batchDown: typeof fetch = async (input, init) => {
      const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
      return path === '/txs/batch' ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init);
    };
    const down = new TxSender({ client: createChainClient({ url: node.url, fetch: batchDown }), secretKey: sk, maxAttempts: 3, retryDelayMs: 5 });
    const failed = await down.send([metric(2)]);
    t.match(failed, [{ status: 'failed', code: 'API_UNREACHABLE', attempts: 3, nonce: 2 }]);
    t.equal(down.nextNonce, 2, 'nonce read back from the node after a record of unknown fate');
    const dead = new TxSender({ url: 'http://127.0.0.1:9', secretKey: sk, maxAttempts: 2, retryDelayMs: 5 });
    await t.rejects(dead.send([metric(3)]), { code: 'API_UNREACHABLE' }, 'no node at all: the send fails with the code');
  });

  await t.test('another client used the key: nonce refusals resync from the node and re-sign', async (t) => {
    const sk = generateSecretKey();
    const a = new TxSender({ url: node.url, secretKey: sk, retryDelayMs: 10 });
    const b = new TxSender({ url: node.url, secretKey: sk, retryDelayMs: 10 });
    t.same(
      (await a.send([metric(0)])).map((r) => r.nonce),
      [0],
    );
    // b reads the account now (next 1); a then takes 1..3, so b's local nonce is stale.
    await b.resync();
    t.same(
      (await a.send([metric(1), metric(2), metric(3)])).map((r) => r.nonce),
      [1, 2, 3],
    );
    const r = await b.send([metric(4), metric(5)]);
    t.same(
      r.map((x) => [x.status, x.nonce]),
      [
        ['accepted', 4],
        ['accepted', 5],
      ],
      'b resynced to 4 after TX_NONCE_CONFLICT',
    );
    t.ok(
      r.every((x) => x.attempts === 2),
      'one refused try each',
    );
    const acct = unwrap(await client.GET('/accounts/{actor}', { params: { path: { actor: a.actor } } }));
    t.same([acct.pendingNonce, acct.pending], [6, 6], 'six pending, no gap');
  });

  await t.test('bad options and a record refused for good', async (t) => {
    t.throws(() => new TxSender({ secretKey: generateSecretKey() }), { code: 'SDK_BAD_OPTION' });
    t.throws(() => new TxSender({ url: node.url, secretKey: generateSecretKey(), batchSize: 5001 }), { code: 'SDK_BAD_OPTION' });
    t.throws(() => new TxSender({ url: 'ftp://x', secretKey: generateSecretKey() }), { code: 'API_BAD_URL' });
    const sender = new TxSender({ url: node.url, secretKey: generateSecretKey() });
    await t.rejects(sender.send([{ kind: '', payload: {} }]), { code: 'TX_BAD_KIND' }, 'checked before signing');
  });
});

t.test('a refused record leaves no gap: its nonce goes to the next record, and everything sent is mined', async (t) => {
  const dir = tempDir(t);
  const node = await startNode(t, { datadir: join(dir, 'regtest'), home: dir, mine: true });
  const client = createChainClient({ url: node.url });
  const sk = generateSecretKey();
  const sender = new TxSender({ url: node.url, secretKey: sk });
  // One byte over the network's maxTxBytes (64 KiB on regtest) at nonce 1: passes the local checks and the
  // route's hex length limit, and the node refuses that record (and only it) for good.
  const time = 1_700_000_000_000;
  const sizeFor = (n: number): number =>
    signActionFast(sk, publicKeyFromSecret(sk), { kind: 'doc.certify', payload: { blob: 'x'.repeat(n) }, time }, { chainId: new Uint8Array(32), nonce: 1 })
      .bytes.length;
  const huge = { kind: 'doc.certify', payload: { blob: 'x'.repeat(64 * 1024 + 1 - (sizeFor(60_000) - 60_000)) }, time };
  const first = await sender.send([metric(0), huge, metric(2)]);
  t.same(
    first.map((r) => [r.status, r.nonce]),
    [
      ['accepted', 0],
      ['rejected', 1],
      ['accepted', 2],
    ],
  );
  t.match(first[1]!.code, /TOO_LARGE|OVERSIZED/, `refused: ${first[1]!.code} ${first[1]!.message}`);
  t.equal(sender.nextNonce, 1, 'the refused nonce is handed out next');
  const second = await sender.send([metric(3), metric(4)]);
  t.same(
    second.map((r) => [r.status, r.nonce]),
    [
      ['accepted', 1],
      ['accepted', 3],
    ],
  );
  const acct = await waitFor(
    'every sent record mined',
    async () => {
      const a = unwrap(await client.GET('/accounts/{actor}', { params: { path: { actor: sender.actor } } }));
      return a.nextNonce === 4 ? a : undefined;
    },
    60_000,
    250,
  );
  t.same([acct.nextNonce, acct.pending], [4, 0]);
});
