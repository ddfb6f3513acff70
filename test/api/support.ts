import type { ApiContext } from '../../src/api/context.js';
import type { Chain } from '../../src/chain/chain.js';
import { Mempool } from '../../src/mempool/mempool.js';
import { NodeMetrics } from '../../src/metrics/node-metrics.js';
import type { ChainStore } from '../../src/store/chain-store.js';
import { CHAIN_ID, NET } from '../utils/chain.js';

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
