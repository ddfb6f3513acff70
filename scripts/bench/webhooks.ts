// Webhook deliveries per second with a receiver on loopback (issue 16, item 8). A chain of BLOCKS blocks of
// metrics is connected with one hook (kind=metric) registered, then the service starts: every record becomes a
// persisted delivery, is signed, POSTed and settled (log entry, pending row removed) in LevelDB; that is timed. Baseline in the same run: the same bodies
// POSTed to the same receiver with the same concurrency and keep-alive agent, nothing persisted or signed.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chain } from '../../src/chain/chain.js';
import { SignatureCache } from '../../src/chain/signature-cache.js';
import { chainId } from '../../src/consensus/networks.js';
import { ChainStore } from '../../src/store/chain-store.js';
import { deliveryAgents, postJson } from '../../src/webhooks/deliver.js';
import { HookStore } from '../../src/webhooks/hook-store.js';
import { WebhookService } from '../../src/webhooks/webhook-service.js';
import { BENCH_NET, buildChain, genesisTip, signedMetrics } from './chain-connect.js';

const BLOCKS = 20;
const TXS_PER_BLOCK = 250;
const CONCURRENCY = 16;

export async function run(): Promise<void> {
  const total = BLOCKS * TXS_PER_BLOCK;
  const txs = signedMetrics(BENCH_NET, total, 200);
  const blocks = buildChain(BENCH_NET, genesisTip(BENCH_NET), BLOCKS, (i) => txs.slice(i * TXS_PER_BLOCK, (i + 1) * TXS_PER_BLOCK));
  const keys = new Set<string>();
  let requests = 0;
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      requests++;
      keys.add(String(req.headers['idempotency-key']));
      if (bodies.length < total) bodies.push(body);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  const url = `http://127.0.0.1:${port}/hook`;
  const dir = await mkdtemp(join(tmpdir(), 'bench-webhooks-'));
  try {
    const store = await ChainStore.open({ path: join(dir, 'chain'), chainId: chainId(BENCH_NET) });
    const chain = await Chain.open({ params: BENCH_NET }, { store, sigCache: new SignatureCache() });
    const hookStore = await HookStore.open(join(dir, 'webhooks'));
    const service = new WebhookService(
      { allowPrivateTargets: true, maxAttempts: 5, backoffBaseMs: 200, backoffMaxMs: 2_000, timeoutMs: 10_000, concurrency: CONCURRENCY, logSize: 100 },
      { chain, store: hookStore },
    );
    await service.create({ url, filter: { kind: txs[0]!.fields.kind } });
    // Blocks first (the hook's cursor stays at genesis), then delivery alone is timed: scan, persist, sign, POST, settle.
    const c0 = performance.now();
    for (const b of blocks) await chain.processBlockBytes(b.bytes);
    const connected = performance.now() - c0;
    const start = performance.now();
    service.start();
    while (keys.size < total) await new Promise((r) => setTimeout(r, 5));
    const ms = performance.now() - start;
    await service.stop();
    await hookStore.close();
    await store.close();
    console.log(
      `${total} records in ${BLOCKS} blocks (connected in ${connected.toFixed(0)} ms), ${requests} requests for ${keys.size} keys, concurrency ${CONCURRENCY}`,
    );
    console.log(`BENCH webhook_deliveries ${(total / (ms / 1000)).toFixed(0)} deliveries/s`);

    // Baseline: the same bodies, plain POSTs with the same concurrency and agents.
    const agents = deliveryAgents(CONCURRENCY);
    const target = { url: new URL(url), address: '127.0.0.1', family: 4 as const };
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++]!;
          const r = await postJson(target, {}, body, 10_000, agents);
          if (!r.ok) throw new Error(`baseline POST failed: ${r.error}`);
        }
      }),
    );
    const baseMs = performance.now() - t0;
    agents.http.destroy();
    console.log(`BENCH webhook_baseline_posts ${(bodies.length / (baseMs / 1000)).toFixed(0)} posts/s`);
  } finally {
    server.close();
    server.closeAllConnections();
    await rm(dir, { recursive: true, force: true });
  }
}
