import { PROTOCOL_RATE_LIMITS, type RateLimit } from '../wire/rate-limit.js';

/** Options of block synchronisation. */
export interface SyncOptions {
  /** Blocks per `blocks` request. */
  batchSize?: number;
  /** Blocks downloaded ahead of the last connected one. */
  window?: number;
  /** Requests in flight per peer. */
  perPeerRequests?: number;
  /** Timeout of a status or headers request (ms). */
  requestTimeoutMs?: number;
  /** Timeout of a blocks request (ms). */
  blocksTimeoutMs?: number;
  /** Periodic status re-check of every peer (ms). */
  statusIntervalMs?: number;
  /** Least time between two status requests to one peer (ms). */
  statusMinIntervalMs?: number;
  /**
   * Per-peer rate limits of the served protocols (requests). Peers pace to the published
   * {@link PROTOCOL_RATE_LIMITS}: tighter limits here only make them wait (tests use this).
   */
  rateLimits?: { status?: RateLimit; headers?: RateLimit; blocks?: RateLimit };
  /** Signatures of blocks ahead of the connect point are verified in batches of this many blocks (0 = off). */
  preverifyBlocks?: number;
  /** Bound on fetching a final checkpoint's branch from one peer (headers and blocks, ms). */
  finalFetchTimeoutMs?: number;
}

/** Defaults of {@link SyncOptions}. */
export const SYNC_DEFAULTS = {
  batchSize: 64,
  window: 2_048,
  perPeerRequests: 2,
  requestTimeoutMs: 10_000,
  blocksTimeoutMs: 20_000,
  statusIntervalMs: 30_000,
  statusMinIntervalMs: 1_000,
  rateLimits: { status: PROTOCOL_RATE_LIMITS.status, headers: PROTOCOL_RATE_LIMITS.headers, blocks: PROTOCOL_RATE_LIMITS.blocks },
  preverifyBlocks: 64,
  finalFetchTimeoutMs: 60_000,
} as const;

/** Options with defaults applied. */
export interface ResolvedSyncOptions {
  batchSize: number;
  window: number;
  perPeerRequests: number;
  requestTimeoutMs: number;
  blocksTimeoutMs: number;
  statusIntervalMs: number;
  statusMinIntervalMs: number;
  rateLimits: { status: RateLimit; headers: RateLimit; blocks: RateLimit };
  preverifyBlocks: number;
  finalFetchTimeoutMs: number;
}

/** Fill in defaults. */
export function resolveSyncOptions(o: SyncOptions = {}): ResolvedSyncOptions {
  return {
    ...SYNC_DEFAULTS,
    ...o,
    rateLimits: { ...SYNC_DEFAULTS.rateLimits, ...o.rateLimits },
  };
}
