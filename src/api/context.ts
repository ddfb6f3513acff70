import { createHash, timingSafeEqual } from 'node:crypto';
import type { ChainReader } from '../chain/reader.js';
import type { Finality } from '../finality/finality.js';
import type { NetworkParams } from '../consensus/networks.js';
import type { KindRegistry } from '../kinds/registry.js';
import type { ActionSigner } from '../keys/action-signer.js';
import type { NodeKeys } from '../keys/node-keys.js';
import type { Mempool } from '../mempool/mempool.js';
import type { NodeMetrics } from '../metrics/node-metrics.js';
import type { BansJson, MiningStatusJson, PeerJson } from './types.js';

/** Mining control the API exposes. */
export interface MiningControl {
  status(): MiningStatusJson;
  start(opts: { threads?: number; backend?: string }): Promise<void>;
  stop(): Promise<void>;
}

/** Peer management the API exposes (a stub until the network exists). */
export interface PeerControl {
  list(): PeerJson[];
  addresses(): string[];
  /** Bans in force (absent without a network: none). */
  bans?(): BansJson;
  connect(addr: string): Promise<void>;
  disconnect(id: string): Promise<void>;
}

/** Everything the routes need from the node. */
export interface ApiContext {
  chain: ChainReader;
  /** Witnessing and finality (SPEC 12); absent in tests that build a bare context. */
  finality?: Finality;
  mempool: Mempool;
  /** Record kinds with payload schemas (GET /kinds); the standard ones when absent. */
  kinds?: KindRegistry;
  metrics: NodeMetrics;
  network: NetworkParams;
  /** Admin token from the cookie file. */
  adminToken: string;
  version: string;
  startedAt: number;
  mining: MiningControl;
  peers: PeerControl;
  sync(): { progress: number; syncing: boolean };
  /** Ask the node to shut down (the response is sent first). */
  shutdown(): void;
  /** The API's own base URL once listening. */
  url(): string;
  now?: () => number;
  /** Node-held keys and their signer (POST /actions, /keys); absent: those routes answer KEYS_DISABLED. */
  keys?: NodeKeys;
  signer?: ActionSigner;
  /** Node-held key the container-metrics facade signs with (empty: facade off). */
  metricsKey?: string;
}

/** Constant-time comparison of a presented token with the admin token (hashing first equalises lengths). */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
