// Issue 12, fault 5: the event stream through the real API on a real socket: events reach reading streams once
// per tick with their filters, streams are capped per address and overall, slow streams are dropped and counted,
// and closing the API ends every stream at once.
import { get, type IncomingMessage } from 'node:http';
import t, { type Test } from 'tap';
import type { FastifyInstance } from 'fastify';
import { API_DEFAULTS, closeApi, createApi, sseHubOf } from '../../src/api/server.js';
import type { Mempool } from '../../src/mempool/mempool.js';
import type { NodeMetrics } from '../../src/metrics/node-metrics.js';
import { Actor } from '../utils/chain.js';
import { openApiChain, serveApi } from './support.js';

async function setup(
  t: Test,
  sse: Partial<typeof API_DEFAULTS.sse> = {},
  requestTimeoutMs = API_DEFAULTS.requestTimeoutMs,
): Promise<{ app: FastifyInstance; url: string; mempool: Mempool; metrics: NodeMetrics }> {
  const { dir, chain, store, ctx, mempool, metrics } = await openApiChain('sse-');
  const app = await createApi({ ...API_DEFAULTS, rateLimitPerMinute: 0, requestTimeoutMs, sse: { ...API_DEFAULTS.sse, ...sse } }, { ctx });
  const url = await serveApi(t, app, { chain, store, dir });
  return { app, url, mempool, metrics };
}

/** Open a stream; collects everything it receives. */
function open(url: string, path: string): Promise<{ res: IncomingMessage; text: () => string; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    get(`${url}${path}`, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      const ended = new Promise<void>((r) => res.once('close', () => r()));
      resolve({ res, text: () => text, ended });
    }).once('error', reject);
  });
}

const until = async (what: string, ok: () => boolean): Promise<void> => {
  const deadline = Date.now() + 10_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

t.test('fault 5: events reach streams with their filters', async (t) => {
  const { url, mempool } = await setup(t);
  const alice = new Actor();
  const bob = new Actor();
  const all = await open(url, '/events');
  const onlyBob = await open(url, `/events?types=tx&actor=${Buffer.from(bob.tx().fields.from).toString('hex')}`);
  bob.nonce = 0;
  const blocksOnly = await open(url, '/events?types=block');
  t.equal(all.res.headers['content-type'], 'text/event-stream');
  const txs = [alice.tx(), alice.tx(), bob.tx()];
  const results = await mempool.addMany(txs);
  t.ok(
    results.every((r) => r.ok),
    'pooled',
  );
  await until('three tx events', () => (all.text().match(/event: tx/g) ?? []).length === 3);
  await until("bob's event", () => onlyBob.text().includes(txs[2]!.txidHex));
  t.notOk(onlyBob.text().includes(txs[0]!.txidHex), "the actor filter keeps alice's out");
  t.notMatch(blocksOnly.text(), /event: tx/, 'a block-only stream gets no tx events');
  for (const s of [all, onlyBob, blocksOnly]) s.res.destroy();
});

t.test('fault 5: streams are capped per address and overall', async (t) => {
  const { url } = await setup(t, { maxClients: 3, maxClientsPerAddress: 2 });
  const a = await open(url, '/events');
  const b = await open(url, '/events');
  const c = await open(url, '/events');
  t.equal(c.res.statusCode, 429);
  await c.ended;
  t.match(JSON.parse(c.text()), { error: { code: 'SSE_ADDRESS_LIMIT' } });
  a.res.destroy();
  b.res.destroy();
  await Promise.all([a.ended, b.ended]);
  const { url: url2 } = await setup(t, { maxClients: 1, maxClientsPerAddress: 5 });
  const x = await open(url2, '/events');
  const y = await open(url2, '/events');
  t.equal(y.res.statusCode, 503);
  await y.ended;
  t.match(JSON.parse(y.text()), { error: { code: 'SSE_LIMIT' } });
  x.res.destroy();
});

t.test('fault 5: a stream that stops reading is dropped and counted; close ends the rest', async (t) => {
  const { app, url, mempool, metrics } = await setup(t, { maxBufferBytes: 8 * 1024 });
  const slow = await open(url, '/events?types=tx');
  slow.res.pause();
  const reader = await open(url, '/events?types=tx');
  for (let round = 0; round < 100 && sseHubOf(app)!.size === 2; round++) {
    const actor = new Actor();
    await mempool.addMany(Array.from({ length: 50 }, () => actor.tx('k', 's', { pad: 'x'.repeat(2000) })));
    await new Promise((r) => setTimeout(r, 20));
  }
  t.equal(sseHubOf(app)!.size, 1, 'the stream that stopped reading was dropped');
  const dropped = (await metrics.registry.getSingleMetricAsString('chain_node_api_sse_dropped_total')).match(/reason="slow"} (\d+)/);
  t.equal(dropped?.[1], '1', 'and counted as slow');
  t.ok(reader.text().length > 100_000, 'the reading stream kept receiving');
  const started = Date.now();
  await closeApi(app);
  await reader.ended;
  t.ok(Date.now() - started < 3_000, 'closing the API ends open streams at once');
});

t.test('fault 9: request and idle timeouts do not cut event streams', async (t) => {
  const { app, url } = await setup(t, { heartbeatMs: 200 }, 300);
  const s = await open(url, '/events');
  let closed = false;
  void s.ended.then(() => (closed = true));
  // Well past the request timeout (300 ms) and the idle timeout (600 ms).
  await new Promise((r) => setTimeout(r, 2_000));
  t.notOk(closed, 'the stream is still open');
  t.equal(sseHubOf(app)!.size, 1);
  t.match(s.text(), /: ping/, 'heartbeats arrive');
  s.res.destroy();
});
