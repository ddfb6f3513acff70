// SPEC 2 nesting depth between real processes: the API, gossip and sync give one verdict (32 levels accepted,
// 33 refused with DECODE_TOO_DEEP), a deep submission never breaks reads or batches (issue 12 faults 1 and 2),
// and a chain full of maximally nested payloads syncs on a fresh node without anyone being penalised.
import t from 'tap';
import { join } from 'node:path';
import { generateSecretKey } from '../../src/crypto/signature.js';
import { toHex } from '../../src/util/bytes.js';
import { Transaction, txidOf } from '../../src/primitives/transaction.js';
import { Attacker } from '../p2p/attacker.js';
import { CHAIN_ID, converged, ensureBuilt, nodeFixture, TestNode, waitFor } from '../p2p/support.js';
import { nested, rawTxOfDepth, txOfDepth } from '../reliability/depth-targets.js';

interface ApiReply {
  status: number;
  body: Record<string, unknown>;
}

async function call(node: TestNode, method: 'GET' | 'POST', path: string, body?: unknown): Promise<ApiReply> {
  const r = await fetch(`${node.api}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

const errCode = (r: ApiReply): unknown => (r.body.error as { code?: string } | undefined)?.code;

/** An SSE subscriber counting tx events (the listener that used to throw inside the mempool). */
function subscribe(node: TestNode): { ready: Promise<void>; events: () => number; close: () => void } {
  const ac = new AbortController();
  let count = 0;
  let ready: () => void = () => undefined;
  const readyP = new Promise<void>((r) => (ready = r));
  void (async () => {
    const r = await fetch(`${node.api}/events?types=tx`, { signal: ac.signal });
    ready();
    const reader = r.body!.getReader();
    const dec = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      count += (dec.decode(value).match(/^event: tx$/gm) ?? []).length;
    }
  })().catch(() => undefined);
  return { ready: readyP, events: () => count, close: () => ac.abort() };
}

t.test('fault 1 and 2: depth 32 accepted and 33 refused through the API, batches and gossip; a depth-32 chain syncs on a fresh node', async (t) => {
  await ensureBuilt();
  const { dir, nodes } = await nodeFixture(t, 'depth-');
  const a = await TestNode.start({ datadir: join(dir.path, 'a'), mine: false });
  nodes.push(a);
  const sse = subscribe(a);
  t.teardown(sse.close);
  await sse.ready;

  const honest = generateSecretKey();
  const deep = generateSecretKey();
  let nonce = 0;
  const d32 = (): Uint8Array => txOfDepth(honest, CHAIN_ID, nonce++, 32);
  const mined: string[] = [];

  // POST /txs: 32 accepted, 33 and far deeper refused with the same code, never a 500.
  const first = d32();
  const r32 = await call(a, 'POST', '/txs', { tx: toHex(first) });
  t.equal(r32.status, 202, 'depth 32 accepted');
  mined.push(r32.body.txid as string);
  for (const [name, bytes] of [
    ['33', txOfDepth(deep, CHAIN_ID, 0, 33)],
    ['4,500', rawTxOfDepth(deep, CHAIN_ID, 4500)],
    ['7,000', rawTxOfDepth(deep, CHAIN_ID, 7000)],
    ['60,000', rawTxOfDepth(deep, CHAIN_ID, 60_000)],
  ] as const) {
    const r = await call(a, 'POST', '/txs', { tx: toHex(bytes) });
    t.same([r.status, errCode(r)], [400, 'DECODE_TOO_DEEP'], `depth ${name} refused with DECODE_TOO_DEEP`);
  }

  // POST /txs/batch [ok, deep, deeper, ok] with an SSE subscriber: per-item results, both good ones pooled.
  const ok1 = d32();
  const ok2 = d32();
  const batch = await call(a, 'POST', '/txs/batch', { txs: [ok1, txOfDepth(deep, CHAIN_ID, 0, 33), rawTxOfDepth(deep, CHAIN_ID, 5000), ok2].map(toHex) });
  t.equal(batch.status, 200, 'the batch answers 200');
  const results = batch.body.results as Array<{ ok: boolean; code?: string; txid?: string }>;
  t.same(
    results.map((r) => [r.ok, r.code]),
    [
      [true, undefined],
      [false, 'DECODE_TOO_DEEP'],
      [false, 'DECODE_TOO_DEEP'],
      [true, undefined],
    ],
    'one result per item',
  );
  mined.push(results[0]!.txid!, results[3]!.txid!);
  await waitFor('the SSE subscriber to see the three accepted transactions', () => sse.events() >= 3, 10_000, 100);

  // Gossip (tx topic): a depth-33 transaction is rejected and its sender penalised; depth 32 is accepted.
  const attacker = await Attacker.start();
  t.teardown(() => attacker.stop());
  const self = await a.self();
  await attacker.join(self.addresses.find((x) => x.includes('127.0.0.1'))!);
  const gossipDeep = txOfDepth(deep, CHAIN_ID, 0, 33);
  await attacker.publish(attacker.topics.tx, gossipDeep);
  const gossip32 = d32();
  await attacker.publish(attacker.topics.tx, gossip32);
  const gossip32id = Transaction.decode(gossip32).txidHex;
  mined.push(gossip32id);
  await waitFor('the gossiped depth-32 transaction to be pooled', async () => (await call(a, 'GET', `/txs/${gossip32id}`)).status === 200, 20_000, 200);
  await waitFor(
    'the depth-33 sender to be penalised',
    async () => /peer penalised[^\n]*DECODE_TOO_DEEP|DECODE_TOO_DEEP[^\n]*peer penalised/.test(await a.log()),
    10_000,
    200,
  );
  const deepId = toHex(txidOf(gossipDeep));
  t.equal((await call(a, 'GET', `/txs/${deepId}`)).status, 404, 'the depth-33 gossip transaction was not pooled');
  await attacker.stop();

  // Reads of every depth-32 transaction render (pending), never 500.
  for (const id of mined) {
    const r = await call(a, 'GET', `/txs/${id}`);
    t.equal(r.status, 200, `GET /txs/${id.slice(0, 8)} pending`);
  }

  // Mine them, plus more blocks full of depth-32 payloads.
  await a.post('/mining/start', {}, true);
  for (let round = 0; round < 3; round++) {
    const more = [d32(), d32(), d32()];
    const r = await call(a, 'POST', '/txs/batch', { txs: more.map(toHex) });
    t.equal(r.body.accepted, 3, `round ${round}: three more depth-32 transactions`);
    for (const x of r.body.results as Array<{ txid: string }>) mined.push(x.txid);
    const h = (await a.status()).height;
    await waitFor('a block', async () => (await a.status()).height > h, 60_000, 200);
  }
  await waitFor(
    'every depth-32 transaction mined',
    async () => {
      for (const id of mined) if ((await call(a, 'GET', `/txs/${id}`)).body.status !== 'mined') return false;
      return true;
    },
    90_000,
    500,
  );
  await a.post('/mining/stop', {}, true);
  const height = (await a.status()).height;

  // A fresh node syncs that chain (blocks protocol), penalising no one.
  const b = await TestNode.start({ datadir: join(dir.path, 'b'), mine: false, bootstrap: [a.address] });
  nodes.push(b);
  const tip = await converged([a, b], height, 90_000);
  t.equal(tip.height, height, `the fresh node synced ${height} blocks holding ${mined.length} depth-32 transactions`);
  const expected = JSON.stringify(nested(31));
  for (const id of mined) {
    const r = await call(b, 'GET', `/txs/${id}`);
    t.equal(r.status, 200, `B serves ${id.slice(0, 8)}`);
    t.equal(JSON.stringify((r.body.tx as { payload: unknown }).payload), expected, 'with its 31-level payload');
  }
  const kind = await call(b, 'GET', '/kinds/depth.test/actions?limit=100');
  t.equal(kind.status, 200, '/kinds/:k/actions renders the deep payloads');
  t.match(await b.log(), /^(?![\s\S]*peer penalised)/, 'the syncing node penalised no one');
  t.ok((await b.peerIds()).includes(self.id), 'and is still connected to the server');

  // Gossip between the two honest nodes: a depth-32 transaction and the block that mines it.
  const late = d32();
  t.equal((await call(a, 'POST', '/txs', { tx: toHex(late) })).status, 202);
  const lateId = Transaction.decode(late).txidHex;
  await waitFor('B to receive the depth-32 transaction by gossip', async () => (await call(b, 'GET', `/txs/${lateId}`)).status === 200, 30_000, 200);
  await a.post('/mining/start', {}, true);
  await waitFor('B to see it mined (block topic)', async () => (await call(b, 'GET', `/txs/${lateId}`)).body.status === 'mined', 60_000, 300);
  await a.post('/mining/stop', {}, true);
  t.match(await b.log(), /^(?![\s\S]*peer penalised)/, 'still no penalty on B');
});
