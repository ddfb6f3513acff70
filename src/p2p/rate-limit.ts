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
    let b = this.#buckets.get(peer);
    if (b === undefined) {
      if (this.#buckets.size > 4096) for (const [k, v] of this.#buckets) if (v.full) this.#buckets.delete(k);
      b = new TokenBucket(this.#limit, this.#now);
      this.#buckets.set(peer, b);
    }
    return b.take(n);
  }
}
