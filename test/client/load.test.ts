import { createServer, type Server } from 'node:http';
import t from 'tap';
import { ApiClient } from '../../src/client/api-client.js';
import { formatLoadSummary, presign, runLoad } from '../../src/client/load.js';
import { percentile, summarizeLatencies } from '../../src/client/stats.js';
import { chainId, getNetwork } from '../../src/consensus/networks.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { toHex } from '../../src/util/bytes.js';

const CHAIN = chainId(getNetwork('regtest'));

// A fake node: accepts every transaction except each 10th (TX_NONCE_TOO_FAR), records what it saw.
async function fakeNode(): Promise<{ url: string; server: Server; txs: string[] }> {
  const txs: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const reply = (status: number, v: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(v));
      };
      if (req.url === '/txs') {
        const { tx } = JSON.parse(body) as { tx: string };
        txs.push(tx);
        if (txs.length % 10 === 0) return reply(409, { error: { code: 'TX_NONCE_TOO_FAR', message: 'x' } });
        return reply(202, { txid: Transaction.decode(Buffer.from(tx, 'hex')).txidHex, status: 'accepted' });
      }
      if (req.url === '/txs/batch') {
        const list = (JSON.parse(body) as { txs: string[] }).txs;
        const results = list.map((tx) => {
          txs.push(tx);
          return txs.length % 10 === 0
            ? { ok: false, code: 'MEMPOOL_FULL', message: 'x' }
            : { ok: true, txid: Transaction.decode(Buffer.from(tx, 'hex')).txidHex };
        });
        return reply(200, { accepted: results.filter((r) => r.ok).length, rejected: results.filter((r) => !r.ok).length, results });
      }
      reply(404, { error: { code: 'NOT_FOUND', message: 'x' } });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return { url: `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`, server, txs };
}

t.test('percentiles', async (t) => {
  const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  t.equal(percentile(sorted, 50), 50);
  t.equal(percentile(sorted, 95), 95);
  t.equal(percentile(sorted, 99), 99);
  t.equal(percentile(new Float64Array(0), 50), 0);
  t.match(summarizeLatencies([3, 1, 2]), { count: 3, p50: 2, max: 3, mean: 2 });
});

t.test('presign spreads nonces over actors', async (t) => {
  const p = presign(25, 4, CHAIN);
  const txs = p.hex.map((h) => Transaction.decode(Buffer.from(h, 'hex')));
  t.equal(txs.length, 25);
  t.equal(new Set(txs.map((x) => toHex(x.fields.from))).size, 4);
  t.same(
    txs.slice(0, 8).map((x) => x.fields.nonce),
    [0, 0, 0, 0, 1, 1, 1, 1],
  );
  t.ok(txs.every((x) => x.verifySignature()));
  t.same(
    p.txids,
    txs.map((x) => x.txidHex),
  );
  t.equal(txs[0]!.fields.kind, 'metric');
  t.match(txs[0]!.fields.payload, { containerId: 'container-0' });
});

t.test('paced single submissions', async (t) => {
  const fake = await fakeNode();
  t.teardown(() => fake.server.close());
  const progress: number[] = [];
  // Count-bound (not duration-bound), so a slow machine changes only how long it takes, never what is sent.
  const r = await runLoad({
    client: new ApiClient({ url: fake.url }),
    chainId: CHAIN,
    actors: 5,
    rate: 200,
    count: 200,
    batch: 1,
    concurrency: 8,
    keepAcked: true,
    onProgress: (p) => progress.push(p.sent),
  });
  t.equal(r.planned, 200);
  t.equal(r.sent, 200);
  t.equal(r.requests, 200);
  t.equal(r.rejected, 20);
  t.same(r.rejectedByCode, { TX_NONCE_TOO_FAR: 20 });
  t.equal(r.accepted, 180);
  t.equal(r.acked?.length, 180);
  t.ok(r.durationSec >= 0.9, `paced: 200 tx at 200 tx/s take about a second or more, never less (${r.durationSec} s)`);
  t.equal(r.latencyMs.count, 200);
  t.ok(progress.length > 0);
  t.match(formatLoadSummary(r), /accepted 180/);
  t.notMatch(formatLoadSummary(r), /signed/, 'the signing time is printed once, by onSigned, not again in the summary');
});

t.test('a duration-bound run stops at its deadline, however many were planned', async (t) => {
  // A node that answers each request after 100 ms: with one request at a time, 0.5 s leaves room for a few only.
  const txs: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const { tx } = JSON.parse(body) as { tx: string };
      txs.push(tx);
      setTimeout(() => {
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ txid: Transaction.decode(Buffer.from(tx, 'hex')).txidHex, status: 'accepted' }));
      }, 100);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const addr = server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
  const r = await runLoad({ client: new ApiClient({ url }), chainId: CHAIN, actors: 2, rate: 200, durationSec: 0.5, batch: 1, concurrency: 1 });
  t.equal(r.planned, 100, 'rate x duration planned');
  t.ok(r.sent >= 1 && r.sent <= 6, `stopped at the deadline: ${r.sent} sent (one at a time, 100 ms each)`);
  t.equal(r.accepted, r.sent);
  t.equal(txs.length, r.sent, 'nothing sent that is not counted');
});

t.test('saturation with batches', async (t) => {
  const fake = await fakeNode();
  t.teardown(() => fake.server.close());
  const r = await runLoad({ client: new ApiClient({ url: fake.url }), chainId: CHAIN, actors: 10, count: 1000, batch: 100, concurrency: 2 });
  t.equal(r.targetRate, null);
  t.equal(r.requests, 10);
  t.equal(r.sent, 1000);
  t.equal(r.accepted, 900);
  t.same(r.rejectedByCode, { MEMPOOL_FULL: 100 });
  t.equal(fake.txs.length, 1000);
  t.equal(new Set(fake.txs).size, 1000, 'every transaction is distinct');
});

t.test('a node that is down', async (t) => {
  const fake = await fakeNode();
  await new Promise((r) => fake.server.close(r));
  const r = await runLoad({ client: new ApiClient({ url: fake.url }), chainId: CHAIN, actors: 2, count: 10, batch: 1, concurrency: 2 });
  t.equal(r.failed, 10);
  t.same(r.failedByCode, { API_UNREACHABLE: 10 });
  t.equal(r.accepted, 0);
  await t.rejects(runLoad({ client: new ApiClient({ url: fake.url }), chainId: CHAIN, actors: 0, count: 1, batch: 1, concurrency: 1 }), {
    code: 'LOAD_BAD_OPTION',
  });
  await t.rejects(runLoad({ client: new ApiClient({ url: fake.url }), chainId: CHAIN, actors: 1, count: 1, batch: 6000, concurrency: 1 }), {
    code: 'LOAD_BAD_OPTION',
  });
});

t.test('a node that answers 503 while stopping: those transactions failed, they were not rejected', async (t) => {
  // What fastify answers on a kept-alive connection while the server closes.
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'FST_ERR_SERVER_CLOSING', message: 'Service Unavailable' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const { port } = server.address() as { port: number };
  const r = await runLoad({ client: new ApiClient({ url: `http://127.0.0.1:${port}` }), chainId: CHAIN, actors: 2, count: 6, batch: 1, concurrency: 2 });
  t.equal(r.rejected, 0);
  t.equal(r.failed, 6);
  t.same(Object.values(r.failedByCode), [6], `counted under one code (${JSON.stringify(r.failedByCode)})`);
  t.equal(r.accepted, 0);
});
