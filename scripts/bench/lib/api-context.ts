// Benchmark helper: an API context over a real chain and store, with no node around it.
import type { ApiContext } from '../../../src/api/context.js';
import type { Chain } from '../../../src/chain/chain.js';
import { chainId, type NetworkParams } from '../../../src/consensus/networks.js';
import { Mempool } from '../../../src/mempool/mempool.js';
import { NodeMetrics } from '../../../src/metrics/node-metrics.js';
import type { ChainStore } from '../../../src/store/chain-store.js';

/**
 * An API context over `chain` and `store` with a fresh mempool and metrics, and idle stand-ins for mining, peers,
 * sync and shutdown. `adminToken` is the admin cookie the API accepts.
 */
export function benchApiContext(chain: Chain, store: ChainStore, network: NetworkParams, adminToken = 'bench'): ApiContext {
  const mempool = new Mempool({ maxTxBytes: network.maxTxBytes }, { chainId: chainId(network), nextNonce: (a) => store.getNextNonce(a) });
  const metrics = new NodeMetrics({
    height: () => chain.height,
    tipTime: () => 0,
    mempoolCount: () => mempool.size,
    mempoolBytes: () => 0,
    hashrate: () => 0,
    peers: () => 0,
    mempoolTotals: () => ({ accepted: 0, rejected: {} }),
  });
  return {
    chain,
    mempool,
    metrics,
    network,
    adminToken,
    version: 'bench',
    startedAt: Date.now(),
    mining: {
      status: () => ({ enabled: false, backend: null, hashrate: 0, threads: 0, blocksMined: 0, cpuPath: null, cpuCalibration: null }),
      start: async () => undefined,
      stop: async () => undefined,
    },
    peers: { list: () => [], addresses: () => [], connect: async () => undefined, disconnect: async () => undefined },
    sync: () => ({ progress: 1, syncing: false }),
    shutdown: () => undefined,
    url: () => '',
  };
}
