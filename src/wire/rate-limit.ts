import type { ChainNodeError } from '../errors.js';
import { P2pErrorCode, P2pPenalty, P2pError } from './errors.js';

/** Token bucket parameters: sustained rate and burst size. */
export interface RateLimit {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket capacity (largest burst). */
  burst: number;
}

/** A token bucket: `take(n)` succeeds while tokens remain; tokens refill continuously. */
export class TokenBucket {
  readonly #limit: RateLimit;
  readonly #now: () => number;
  #tokens: number;
  #at: number;

  constructor(limit: RateLimit, now: () => number = Date.now) {
    this.#limit = limit;
    this.#now = now;
    this.#tokens = limit.burst;
    this.#at = now();
  }

  /** Take `n` tokens; false (and nothing taken) when the bucket holds fewer. */
  take(n = 1): boolean {
    const t = this.#now();
    this.#tokens = Math.min(this.#limit.burst, this.#tokens + ((t - this.#at) / 1000) * this.#limit.perSecond);
    this.#at = t;
    if (this.#tokens < n) return false;
    this.#tokens -= n;
    return true;
  }

  /** Milliseconds until `n` tokens are available (0 when they are now). */
  delayMs(n = 1): number {
    const have = Math.min(this.#limit.burst, this.#tokens + ((this.#now() - this.#at) / 1000) * this.#limit.perSecond);
    return have >= n ? 0 : Math.ceil(((n - have) / this.#limit.perSecond) * 1000);
  }

  /** Empty the bucket (the other side refused a request: wait for a full refill interval before the next). */
  drain(): void {
    this.#tokens = 0;
    this.#at = this.#now();
  }

  /** True when the bucket is full (the peer has been idle long enough to forget). */
  get full(): boolean {
    return this.#tokens + ((this.#now() - this.#at) / 1000) * this.#limit.perSecond >= this.#limit.burst;
  }
}

/** One token bucket per peer, dropped once full again so idle peers cost nothing. */
export class PeerRateLimiter {
  readonly #limit: RateLimit;
  readonly #now: () => number;
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(limit: RateLimit, now: () => number = Date.now) {
    this.#limit = limit;
    this.#now = now;
  }

  /** Take `n` tokens from the peer's bucket. */
  take(peer: string, n = 1): boolean {
    return this.bucket(peer).take(n);
  }

  /** The peer's bucket (created full). */
  bucket(peer: string): TokenBucket {
    let b = this.#buckets.get(peer);
    if (b === undefined) {
      if (this.#buckets.size > 4096) for (const [k, v] of this.#buckets) if (v.full) this.#buckets.delete(k);
      b = new TokenBucket(this.#limit, this.#now);
      this.#buckets.set(peer, b);
    }
    return b;
  }
}

/**
 * Per-peer request limits of the request/response protocols (SPEC 9): every node serves with these and paces its
 * own requests to them, so they are protocol constants, published here in one place for server and client.
 */
export const PROTOCOL_RATE_LIMITS = {
  status: { perSecond: 2, burst: 10 },
  headers: { perSecond: 20, burst: 50 },
  blocks: { perSecond: 100, burst: 200 },
  getblocktxn: { perSecond: 10, burst: 20 },
} as const satisfies Record<string, RateLimit>;

/** How far past the published limit a peer must go before its requests count as abuse (penalised). */
export const ABUSE_FACTOR = 4;

/** Verdict on one served request: `ok`, `refused` (over the limit: refused, not penalised) or `abuse`. */
export type LimitVerdict = 'ok' | 'refused' | 'abuse';

/**
 * Server side of one protocol's limit: a request over the published rate is refused without penalty (an honest
 * client retries it later, SPEC 9); only a peer that keeps sending at {@link ABUSE_FACTOR} times the rate, ignoring
 * refusals, is abusive.
 */
export class ServedRateLimit {
  readonly #served: PeerRateLimiter;
  readonly #abuse: PeerRateLimiter;

  constructor(limit: RateLimit, now: () => number = Date.now) {
    this.#served = new PeerRateLimiter(limit, now);
    this.#abuse = new PeerRateLimiter({ perSecond: limit.perSecond * ABUSE_FACTOR, burst: limit.burst * ABUSE_FACTOR }, now);
  }

  /** Count one request from `peer`. */
  check(peer: string): LimitVerdict {
    const within = this.#abuse.take(peer);
    if (this.#served.take(peer)) return 'ok';
    return within ? 'refused' : 'abuse';
  }
}

/** Throw P2P_RATE_LIMITED for a request that is not `ok` (with the abuse penalty only for `abuse`). */
export function enforceRateLimit(limit: ServedRateLimit, peer: string, protocol: string): void {
  const verdict = limit.check(peer);
  if (verdict !== 'ok') throw rateLimitError(protocol, verdict);
}

function rateLimitError(protocol: string, verdict: 'refused' | 'abuse'): ChainNodeError {
  return verdict === 'abuse'
    ? new P2pError(P2pErrorCode.rateLimited, `${protocol}: requests far over the rate limit, ignoring refusals`, { penalty: P2pPenalty.rateLimited })
    : new P2pError(P2pErrorCode.rateLimited, `${protocol}: over the rate limit; retry later`);
}
