// Node-held keys (issue 15 item 2): POST /keys makes a key in <datadir>/keys (the CLI's keystore format),
// POST /actions and /actions/batch sign with it (the node assigns nonces), locked keys answer KEY_LOCKED, bad
// input gets stable codes and takes no nonce. The container-metrics facade (item 6) answers a client written
// against the original service's routes.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Keystore } from '../../src/wallet/keystore.js';
import { ContainerMetricsClient } from '../fixtures/container-metrics-client.js';
import { apiCode, ensureBuilt, http, startNode, tempDir, waitFor } from './support.js';

ensureBuilt();

const PASS = 'correct horse battery staple';
const FAST_KDF = { n: 2 ** 15 };

function post(url: string, body: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return http(url, { method: 'POST', headers, body: JSON.stringify(body) });
}

t.test('POST /keys and POST /actions with a passphrase from the environment', async (t) => {
  const dir = tempDir(t);
  const datadir = join(dir, 'regtest');
  const node = await startNode(t, { datadir, home: dir, env: { CHAIN_NODE_KEYS_PASSPHRASE: PASS } });
  const tok = node.token();

  const none = await post(`${node.url}/keys`, { name: 'alice' });
  t.equal(none.status, 401);
  t.equal(apiCode(none.body), 'AUTH_REQUIRED');
  const made = await post(`${node.url}/keys`, { name: 'alice' }, tok);
  t.equal(made.status, 201, JSON.stringify(made.body));
  const pk = made.body.publicKey as string;
  t.match(pk, /^0[23][0-9a-f]{64}$/);
  t.equal(made.body.did, `did:chain-node:regtest:${pk}`);
  const again = await post(`${node.url}/keys`, { name: 'alice' }, tok);
  t.equal(again.status, 409);
  t.equal(apiCode(again.body), 'KEY_EXISTS');
  const badName = await post(`${node.url}/keys`, { name: '../etc' }, tok);
  t.equal(badName.status, 400);
  t.equal(apiCode(badName.body), 'BAD_REQUEST');
  // The CLI's format, in the datadir, private, opened by the same passphrase.
  const file = join(datadir, 'keys', 'alice.json');
  t.equal(statSync(file).mode & 0o777, 0o600);
  const ks = new Keystore(join(datadir, 'keys'));
  t.equal((await ks.show('alice')).publicKey, pk);
  t.equal((await ks.unlock('alice', PASS)).length, 32);
  const listed = await http(`${node.url}/keys`, { headers: { authorization: `Bearer ${tok}` } });
  t.same(listed.body, { locked: false, keys: [{ name: 'alice', publicKey: pk, did: `did:chain-node:regtest:${pk}`, created: made.body.created }] });

  const unauth = await post(`${node.url}/actions`, { key: 'alice', kind: 'review', payload: { stars: 5 } });
  t.equal(unauth.status, 401);
  t.equal(apiCode(unauth.body), 'AUTH_REQUIRED');
  const wrong = await post(`${node.url}/actions`, { key: 'alice', kind: 'review', payload: { stars: 5 } }, '0'.repeat(64));
  t.equal(wrong.status, 401);
  t.equal(apiCode(wrong.body), 'AUTH_INVALID');

  const first = await post(`${node.url}/actions`, { key: 'alice', kind: 'review', subject: 'item-1', payload: { stars: 5 } }, tok);
  t.equal(first.status, 202, JSON.stringify(first.body));
  t.equal(first.body.nonce, 0);
  const seen = await http(`${node.url}/txs/${first.body.txid as string}`);
  const tx = seen.body.tx as Record<string, unknown>;
  t.same([tx.from, tx.nonce, tx.kind, tx.subject, tx.payload], [pk, 0, 'review', 'item-1', { stars: 5 }], 'signed by the node-held key as asked');

  // Bad input: a stable code, and no nonce taken.
  const cases: Array<[string, Record<string, unknown>, number, string]> = [
    ['unknown key', { key: 'bob', kind: 'review', payload: 1 }, 404, 'KEY_NOT_FOUND'],
    ['bad key name', { key: '-x', kind: 'review', payload: 1 }, 400, 'BAD_REQUEST'],
    ['no payload', { key: 'alice', kind: 'review' }, 400, 'BAD_REQUEST'],
    ['unknown field', { key: 'alice', kind: 'review', payload: 1, nonce: 7 }, 400, 'BAD_REQUEST'],
    ['kind too long', { key: 'alice', kind: 'k'.repeat(65), payload: 1 }, 400, 'BAD_REQUEST'],
    ['payload too large for a transaction', { key: 'alice', kind: 'review', payload: 'x'.repeat(70_000) }, 400, 'TX_OVERSIZED'],
    ['payload failing its kind schema', { key: 'alice', kind: 'review', payload: { stars: 9 } }, 400, 'TX_SCHEMA'],
  ];
  for (const [what, body, status, code] of cases) {
    const r = await post(`${node.url}/actions`, body, tok);
    t.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
    t.equal(apiCode(r.body), code, what);
  }
  const notJson = await http(`${node.url}/actions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tok}` },
    body: '{"key":',
  });
  t.equal(notJson.status, 400);
  t.equal(apiCode(notJson.body), 'BAD_JSON');

  // Batch: one verdict per action; a refused one takes no nonce.
  const batch = await post(
    `${node.url}/actions/batch`,
    {
      key: 'alice',
      actions: [
        { kind: 'review', payload: { stars: 4 } },
        { kind: 'review', payload: 'y'.repeat(70_000) },
        { kind: 'review', subject: 's', payload: { stars: 3 } },
      ],
    },
    tok,
  );
  t.equal(batch.status, 200, JSON.stringify(batch.body).slice(0, 300));
  const results = batch.body.results as Array<{ ok: boolean; nonce?: number; code?: string }>;
  t.same(
    results.map((r) => [r.ok, r.nonce ?? r.code]),
    [
      [true, 1],
      [false, 'TX_OVERSIZED'],
      [true, 2],
    ],
  );
  t.same([batch.body.accepted, batch.body.rejected], [2, 1]);
  const emptyBatch = await post(`${node.url}/actions/batch`, { key: 'alice', actions: [] }, tok);
  t.equal(apiCode(emptyBatch.body), 'BAD_REQUEST');

  const acct = await waitFor('three actions mined', async () => {
    const a = (await http(`${node.url}/accounts/${pk}`)).body;
    return a.nextNonce === 3 ? a : undefined;
  });
  t.equal(acct.pendingNonce, 3, 'no gap, no extra transaction');
  const off = await http(`${node.url}/api/metrics`);
  t.equal(off.status, 404);
  t.equal(apiCode(off.body), 'METRICS_FACADE_OFF');
});

t.test('locked keys answer KEY_LOCKED', async (t) => {
  const dir = tempDir(t);
  const datadir = join(dir, 'regtest');
  await new Keystore(join(datadir, 'keys'), { kdf: FAST_KDF }).generate('svc', PASS);
  const locked = await startNode(t, { datadir, home: dir, mine: false });
  const tok = locked.token();
  for (const [path, body] of [
    ['/actions', { key: 'svc', kind: 'a', payload: 1 }],
    ['/actions/batch', { key: 'svc', actions: [{ kind: 'a', payload: 1 }] }],
    ['/keys', { name: 'new' }],
  ] as const) {
    const r = await post(`${locked.url}${path}`, body, tok);
    t.equal(r.status, 423, `${path} without a passphrase`);
    t.equal(apiCode(r.body), 'KEY_LOCKED', path);
  }
  t.equal((await http(`${locked.url}/keys`, { headers: { authorization: `Bearer ${tok}` } })).body.locked, true);
  await locked.stop();

  const wrongFile = join(dir, 'wrong.pass');
  writeFileSync(wrongFile, 'not the passphrase\n', { mode: 0o600 });
  const wrong = await startNode(t, { datadir, home: dir, mine: false, args: ['--api-port', '0', '--keys-passphrase-file', wrongFile] });
  const r = await post(`${wrong.url}/actions`, { key: 'svc', kind: 'a', payload: 1 }, wrong.token());
  t.equal(r.status, 423, 'a passphrase that does not open the key');
  t.equal(apiCode(r.body), 'KEY_LOCKED');
  t.match((r.body.error as { message: string }).message, /does not open/);
});

t.test('the container-metrics facade answers the original service\u2019s client', async (t) => {
  const dir = tempDir(t);
  const datadir = join(dir, 'regtest');
  const meter = await new Keystore(join(datadir, 'keys'), { kdf: FAST_KDF }).generate('meter', PASS);
  const passFile = join(dir, 'node.pass');
  writeFileSync(passFile, `${PASS}\n`, { mode: 0o600 });
  const node = await startNode(t, { datadir, home: dir, mine: false, args: ['--api-port', '0', '--keys-passphrase-file', passFile, '--metrics-key', 'meter'] });
  // The only change to the client: its base URL.
  const client = new ContainerMetricsClient(node.url);
  t.ok(await client.healthy(), 'GET /health says ok');
  t.same(await client.all(), [], 'nothing stored yet');
  t.equal(await client.count(), 0);

  const a = await client.record({ containerId: 'web-1', memoryMB: 512.5, cpuUsage: 0.25, timestamp: '2026-12-02T08:00:00.000Z' });
  const b = await client.record({ containerId: 'db-1', memoryMB: 2048, cpuUsage: 1.5 });
  const c = await client.record({ containerId: 'web-1', memoryMB: 530, cpuUsage: 0.3, timestamp: '2026-12-02T08:01:00.000Z' });
  t.match(a, { _id: /^[0-9a-f]{64}$/, containerId: 'web-1', memoryMB: 512.5, cpuUsage: 0.25, timestamp: '2026-12-02T08:00:00.000Z', __v: 0 });
  t.match(b.timestamp, /^\d{4}-\d\d-\d\dT/, 'timestamp defaults to now');
  const check = async (when: string): Promise<void> => {
    t.same(
      (await client.all()).map((m) => m._id),
      [c._id, b._id, a._id],
      `${when}: newest first`,
    );
    t.same(
      await client.all(2),
      [c, b].map((m) => ({ ...m })),
      `${when}: limit`,
    );
    t.same(
      (await client.forContainer('web-1')).map((m) => m._id),
      [c._id, a._id],
      `${when}: one container`,
    );
    t.same(await client.forContainer('none'), [], `${when}: unknown container`);
    t.equal(await client.count(), 3, `${when}: count`);
  };
  await check('pending');
  const tx = (await http(`${node.url}/txs/${a._id}`)).body.tx as Record<string, unknown>;
  t.same([tx.kind, tx.subject, tx.from], ['metric', 'web-1', meter.publicKey], 'a signed action of kind metric about the container');

  await post(`${node.url}/mining/start`, {}, node.token());
  await waitFor('the metrics mined', async () => ((await http(`${node.url}/txs/${c._id}`)).body.status === 'mined' ? true : undefined), 60_000);
  await post(`${node.url}/mining/stop`, {}, node.token());
  await check('mined');

  const bad = await post(`${node.url}/api/metrics`, { containerId: 'x', memoryMB: 'lots', cpuUsage: 1 });
  t.equal(bad.status, 400);
  t.equal(apiCode(bad.body), 'BAD_REQUEST');
  const badTime = await post(`${node.url}/api/metrics`, { containerId: 'x', memoryMB: 1, cpuUsage: 1, timestamp: 'yesterday' });
  t.equal(badTime.status, 400);
  t.equal(apiCode(badTime.body), 'METRIC_BAD_TIMESTAMP');
  const missing = await post(`${node.url}/api/metrics`, { memoryMB: 1, cpuUsage: 1 });
  t.equal(apiCode(missing.body), 'BAD_REQUEST');
  t.equal(await client.count(), 3, 'refused records take no nonce');
});
