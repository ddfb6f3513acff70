// Issue 16 item 6: webhooks through real processes. A receiver on loopback is down for a while (WEBHOOK_DOWN_MS,
// default two minutes, real time) while records keep coming and the node is killed (-9) and restarted in the
// middle; once up again it holds every matching record exactly once by idempotency key, nothing else, and every
// delivery's signature verifies with the documented recipe, recomputed here with node:crypto alone.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import t from 'tap';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { toHex } from '../../src/util/bytes.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { CHAIN_ID } from '../p2p/support.js';
import { apiCode, ensureBuilt, freePort, http, startNode, tempDir, waitFor, type NodeProcess } from './support.js';

ensureBuilt();

const DOWN_MS = Number(process.env.WEBHOOK_DOWN_MS ?? 120_000);
// Retries compressed (0.5 s doubling to 8 s) so a two-minute outage sees many attempts; the outage itself is real.
const ENV = {
  CHAIN_NODE_WEBHOOKS_ALLOW_PRIVATE: '1',
  CHAIN_NODE_WEBHOOKS_BACKOFF_BASE_MS: '500',
  CHAIN_NODE_WEBHOOKS_BACKOFF_MAX_MS: '8000',
  CHAIN_NODE_WEBHOOKS_MAX_ATTEMPTS: '1000',
};

/** An actor signing regtest actions, with a subject when given. */
class Actor {
  readonly sk = generateSecretKey();
  nonce = 0;
  tx(kind: string, subject?: string): Transaction {
    return Transaction.sign(
      { chain: CHAIN_ID, nonce: this.nonce++, time: Date.now(), kind, ...(subject === undefined ? {} : { subject }), payload: { n: this.nonce } },
      this.sk,
    );
  }
}

interface Receipt {
  key: string;
  body: string;
  signature: string;
  at: number;
}

/** A receiver that records every request; `listen` and `close` bring it up and down on one port. */
function receiver(port: number): { receipts: Receipt[]; listen: () => Promise<void>; close: () => Promise<void> } {
  const receipts: Receipt[] = [];
  let server: Server | undefined;
  return {
    receipts,
    listen: () =>
      new Promise((res, rej) => {
        server = createServer((req, reply) => {
          let body = '';
          req.setEncoding('utf8');
          req.on('data', (d: string) => (body += d));
          req.on('end', () => {
            receipts.push({ key: String(req.headers['idempotency-key']), body, signature: String(req.headers['chain-node-signature']), at: Date.now() });
            reply.writeHead(204).end();
          });
        });
        server.once('error', rej);
        server.listen(port, '127.0.0.1', () => res());
      }),
    close: () =>
      new Promise((res) => {
        if (server === undefined) return res();
        server.close(() => res());
        server.closeAllConnections();
      }),
  };
}

/** The documented recipe, independently: HMAC-SHA256(secret, `${t}.${body}`) in hex, compared in constant time. */
function verifies(secret: string, header: string, body: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (m === null) return false;
  const want = createHmac('sha256', secret).update(`${m[1]}.${body}`).digest();
  return timingSafeEqual(want, Buffer.from(m[2]!, 'hex')) && Math.abs(Date.now() / 1000 - Number(m[1])) < 600;
}

async function submit(node: NodeProcess, txs: Transaction[]): Promise<void> {
  for (const tx of txs) {
    const r = await http(`${node.url}/txs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tx: toHex(tx.bytes) }) });
    if (r.status >= 300) throw new Error(`submit failed: ${JSON.stringify(r.body)}`);
  }
}

async function mined(node: NodeProcess, txids: string[]): Promise<void> {
  for (const txid of txids)
    await waitFor(`tx ${txid} mined`, async () => ((await http(`${node.url}/txs/${txid}`)).body.status === 'mined' ? true : undefined), 60_000);
}

t.test('a receiver down for a while, across a node kill -9 and restart, gets every matching record exactly once', async (t) => {
  const dir = tempDir(t, 'webhooks-e2e-');
  const datadir = join(dir, 'node');
  const port = await freePort();
  const rx = receiver(port);
  await rx.listen();
  t.teardown(() => rx.close());
  let node = await startNode(t, { datadir, home: dir, env: ENV });
  let auth = { authorization: `Bearer ${node.token()}`, 'content-type': 'application/json' };

  const refused = await http(`${node.url}/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: `http://127.0.0.1:${port}/hook` }),
  });
  t.equal(apiCode(refused.body), 'AUTH_REQUIRED', 'registering needs the admin token');
  const badScheme = await http(`${node.url}/webhooks`, { method: 'POST', headers: auth, body: JSON.stringify({ url: 'file:///etc/passwd' }) });
  t.equal(badScheme.status, 400);
  t.equal(apiCode(badScheme.body), 'WEBHOOK_URL_INVALID');
  const reg = await http(`${node.url}/webhooks`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ url: `http://127.0.0.1:${port}/hook`, filter: { subject: 'item-1' } }),
  });
  t.equal(reg.status, 201, JSON.stringify(reg.body));
  const hook = reg.body as { id: string; secret: string };
  t.match(hook.secret, /^whsec_/, 'the secret is shown at creation');
  const listed = await http(`${node.url}/webhooks/${hook.id}`, { headers: auth });
  t.equal(listed.body.id, hook.id, JSON.stringify(listed.body));
  t.equal(listed.body.secret, undefined, 'and never again');

  const alice = new Actor();
  const bob = new Actor();
  const matching: string[] = [];
  // Records about item-1 (matching) and item-2 / no subject (not matching), mined before each step moves on.
  const round = async (n: number): Promise<void> => {
    const good = Array.from({ length: n }, () => alice.tx('metric', 'item-1'));
    const other = [bob.tx('metric', 'item-2'), bob.tx('audit.login')];
    await submit(node, [...good, ...other]);
    await mined(
      node,
      [...good, ...other].map((x) => x.txidHex),
    );
    matching.push(...good.map((x) => x.txidHex));
  };

  await round(3);
  await waitFor('the first three deliveries', async () => (new Set(rx.receipts.map((r) => r.key)).size === 3 ? true : undefined), 60_000);

  // Down: connections are refused from now on.
  await rx.close();
  const downAt = Date.now();
  await round(4);
  await new Promise((r) => setTimeout(r, Math.max(0, DOWN_MS / 2 - (Date.now() - downAt))));
  const log = await http(`${node.url}/webhooks/${hook.id}/deliveries?limit=1000`, { headers: auth });
  const retries = (log.body.deliveries as Array<{ outcome: string }>).filter((d) => d.outcome === 'retry').length;
  t.ok(retries >= 4, `failed attempts are logged and retried (${retries} retries so far)`);
  t.equal(await node.stop('SIGKILL'), null, 'the node is killed -9 mid-outage');
  node = await startNode(t, { datadir, home: dir, env: ENV });
  // A new process writes a new admin token.
  auth = { authorization: `Bearer ${node.token()}`, 'content-type': 'application/json' };
  await round(3);
  await new Promise((r) => setTimeout(r, Math.max(0, DOWN_MS - (Date.now() - downAt))));
  t.ok(Date.now() - downAt >= DOWN_MS, `the receiver was down ${Math.round((Date.now() - downAt) / 1000)} s`);
  t.equal(rx.receipts.length, 3, 'nothing arrived while it was down');
  await rx.listen();

  await waitFor('every matching record', async () => (new Set(rx.receipts.map((r) => r.key)).size >= matching.length ? true : undefined), 60_000);
  // A little longer: anything that would come twice or too many comes now.
  await new Promise((r) => setTimeout(r, 3_000));
  const byKey = new Map<string, Set<string>>();
  for (const r of rx.receipts) {
    const body = JSON.parse(r.body) as { id: string; hook: string; type: string; record: { tx: { txid: string; subject?: string } } };
    t.equal(body.id, r.key, 'the body names its idempotency key');
    t.equal(body.hook, hook.id);
    if (!byKey.has(r.key)) byKey.set(r.key, new Set());
    byKey.get(r.key)!.add(body.record.tx.txid);
  }
  t.equal(byKey.size, matching.length, `${matching.length} distinct idempotency keys`);
  t.ok(
    [...byKey.values()].every((s) => s.size === 1),
    'each key always carries the same record',
  );
  t.same(new Set([...byKey.values()].map((s) => [...s][0])), new Set(matching), 'exactly the matching records, none other');
  const bad = rx.receipts.filter((r) => !verifies(hook.secret, r.signature, r.body));
  t.equal(bad.length, 0, `every signature verifies (${rx.receipts.length} requests)`);
  const metrics = await (await fetch(`${node.url}/metrics`)).text();
  t.match(metrics, /chain_node_webhook_attempts_total\{outcome="delivered"\} [1-9]/, 'attempts are counted in the metrics');
  const dead = await http(`${node.url}/webhooks/${hook.id}/dead-letters`, { headers: auth });
  t.same(dead.body.deliveries, [], 'no dead letters');
  const after = await http(`${node.url}/webhooks/${hook.id}`, { headers: auth });
  t.equal(after.body.pending, 0, 'nothing pending');
  const del = await http(`${node.url}/webhooks/${hook.id}`, { method: 'DELETE', headers: { authorization: auth.authorization } });
  t.equal(del.status, 200);
  t.equal(apiCode((await http(`${node.url}/webhooks/${hook.id}`, { headers: auth })).body), 'WEBHOOK_NOT_FOUND');
});

t.test('the SSRF guard refuses loopback targets unless allowed in config', async (t) => {
  const dir = tempDir(t, 'webhooks-ssrf-');
  const node = await startNode(t, { datadir: join(dir, 'node'), home: dir, mine: false });
  const auth = { authorization: `Bearer ${node.token()}`, 'content-type': 'application/json' };
  for (const url of [
    'http://127.0.0.1:9/x',
    'http://localhost:9/x',
    'http://[::1]:9/x',
    'http://169.254.169.254/latest',
    'http://10.1.2.3/',
    'http://[::ffff:127.0.0.1]/',
  ]) {
    const r = await http(`${node.url}/webhooks`, { method: 'POST', headers: auth, body: JSON.stringify({ url }) });
    t.equal(apiCode(r.body), 'WEBHOOK_TARGET_FORBIDDEN', url);
    t.equal(r.status, 400);
  }
});
