import { ChainNodeError } from '../errors.js';

/** Limits and policy of a {@link Mempool}; every field is optional, see {@link MEMPOOL_DEFAULTS}. */
export interface MempoolOptions {
  /** Largest encoded transaction accepted (the network's maxTxBytes). */
  maxTxBytes?: number;
  /** Most transactions held. */
  maxCount?: number;
  /** Most encoded transaction bytes held. */
  maxBytes?: number;
  /** Most transactions held for one actor (ready and future together). */
  maxPerActor?: number;
  /**
   * How far past an actor's next expected nonce (the end of its ready queue, or its chain nonce when it has none)
   * a gapped transaction may be; farther ones are rejected with `TX_NONCE_TOO_FAR`.
   */
  futureWindow?: number;
  /** Age after which a transaction is dropped (reason `expired`). */
  expiryMs?: number;
  /** Txids of recently rejected transactions remembered (`TX_RECENTLY_REJECTED`); 0 disables the filter. */
  rejectFilterSize?: number;
  /** Chain nonces remembered for actors with nothing in the pool, so repeat senders skip the state lookup. */
  nonceCacheSize?: number;
}

/** Every option resolved. */
export type ResolvedMempoolOptions = Required<MempoolOptions>;

/** Defaults of {@link MempoolOptions}. */
export const MEMPOOL_DEFAULTS: Readonly<ResolvedMempoolOptions> = Object.freeze({
  maxTxBytes: 64 * 1024,
  maxCount: 100_000,
  maxBytes: 256 * 1024 * 1024,
  maxPerActor: 1_000,
  futureWindow: 64,
  expiryMs: 3 * 60 * 60 * 1000,
  rejectFilterSize: 50_000,
  nonceCacheSize: 100_000,
});

/** Fills defaults and checks that every limit is a non-negative safe integer (`MEMPOOL_BAD_OPTIONS`). */
export function resolveMempoolOptions(options: MempoolOptions = {}): ResolvedMempoolOptions {
  const resolved: ResolvedMempoolOptions = { ...MEMPOOL_DEFAULTS };
  for (const key of Object.keys(MEMPOOL_DEFAULTS) as (keyof ResolvedMempoolOptions)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new ChainNodeError('MEMPOOL_BAD_OPTIONS', `mempool option ${key} must be a non-negative integer, got ${String(value)}`);
    }
    resolved[key] = value;
  }
  return resolved;
}
