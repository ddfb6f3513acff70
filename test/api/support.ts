import type { FastifyInstance } from 'fastify';
import type { Test } from 'tap';
import type { ApiContext } from '../../src/api/context.js';
import { closeApi } from '../../src/api/server.js';
import type { Chain } from '../../src/chain/chain.js';
import { Mempool } from '../../src/mempool/mempool.js';
import { NodeMetrics } from '../../src/metrics/node-metrics.js';
import type { ChainStore } from '../../src/store/chain-store.js';
import { CHAIN_ID, NET, openChain, tempDir } from '../utils/chain.js';

/**
 * An API context over a real chain and store with a fresh mempool and metrics, and idle stand-ins for mining,
 * peers, sync and shutdown (no node around it). `url` is what the context reports as the API's address.
 */
export function bareApiContext(chain: Chain, store: ChainStore, url = ''): { ctx: ApiContext; mempool: Mempool; metrics: NodeMetrics } {
  const mempool = new Mempool({ maxTxBytes: NET.maxTxBytes }, { chainId: CHAIN_ID, nextNonce: (a) => store.getNextNonce(a) });
  const metrics = new NodeMetrics({
    height: () => chain.height,
    tipTime: () => 0,
    mempoolCount: () => 0,
    mempoolBytes: () => 0,
    hashrate: () => 0,
    peers: () => 0,
    mempoolTotals: () => ({ accepted: 0, rejected: {} }),
  });
  const ctx: ApiContext = {
    chain,
    mempool,
    metrics,
    network: NET,
    adminToken: 'x',
    version: 'test',
    startedAt: 0,
    mining: {
      status: () => ({ enabled: false, backend: null, hashrate: 0, threads: 0, blocksMined: 0, cpuPath: null, cpuCalibration: null }),
      start: async () => undefined,
      stop: async () => undefined,
    },
    peers: { list: () => [], addresses: () => [], connect: async () => undefined, disconnect: async () => undefined },
    sync: () => ({ progress: 1, syncing: false }),
    shutdown: () => undefined,
    url: () => url,
  };
  return { ctx, mempool, metrics };
}

/** A chain and store in a fresh temporary directory with a {@link bareApiContext} over them. */
export async function openApiChain(prefix: string): Promise<{
  dir: { path: string; cleanup: () => Promise<void> };
  chain: Chain;
  store: ChainStore;
  ctx: ApiContext;
  mempool: Mempool;
  metrics: NodeMetrics;
}> {
  const dir = await tempDir(prefix);
  const { chain, store } = await openChain(dir.path);
  return { dir, chain, store, ...bareApiContext(chain, store) };
}

/**
 * Listens on a free local port and returns the API's URL; when the test ends, closes the API, then the chain and
 * store, and removes the directory (in that order).
 */
export async function serveApi(
  t: Test,
  app: FastifyInstance,
  own: { chain: Chain; store: ChainStore; dir: { cleanup: () => Promise<void> } },
): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
  t.teardown(async () => {
    await closeApi(app);
    await own.chain.idle();
    await own.store.close();
    await own.dir.cleanup();
  });
  return url;
}
