import { setTimeout as sleep } from 'node:timers/promises';
import { P2pErrorCode } from '../wire/errors.js';
import { PeerRateLimiter, type RateLimit } from '../wire/rate-limit.js';
import { RpcRefusedError } from '../wire/rpc.js';

/** Client-side pacing options. */
export interface PacerOptions {
  /** Share of the published rate the client uses (room for latency jitter between asking and arrival). */
  rateShare?: number;
  /** Attempts of one request refused as rate limited before giving up (each after a refill interval). */
  maxAttempts?: number;
}

/** Dependencies of the pacer. */
export interface PacerDependencies {
  now?: () => number;
  /** A request was refused as rate limited and will be sent again. */
  onRefused?: (peer: string, protocol: string) => void;
}

/** Defaults of {@link PacerOptions}. */
export const PACER_DEFAULTS = { rateShare: 0.8, maxAttempts: 8 } as const;

const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

/** True when a request failed because the peer refused it as over its rate limit. */
export function isRateLimitRefusal(err: unknown): boolean {
  return err instanceof RpcRefusedError && err.remoteCode === P2pErrorCode.rateLimited;
}

/**
 * Paces a node's own requests to each peer below the peer's published per-protocol limits (SPEC 9): a token
 * bucket per peer and protocol at a share of the published rate and half its burst, so that requests arriving
 * bunched up by the network still fit. A request the peer refuses as rate limited empties that bucket and is sent
 * again after a growing back-off (never counted against the peer), up to `maxAttempts` times.
 */
export class RequestPacer<P extends string> {
  readonly #limiters: Map<P, PeerRateLimiter>;
  readonly #maxAttempts: number;
  readonly #onRefused: ((peer: string, protocol: string) => void) | undefined;
  /** Requests refused as rate limited and retried (for tests and metrics). */
  refusals = 0;

  constructor(limits: Readonly<Record<P, RateLimit>>, options: PacerOptions = {}, deps: PacerDependencies = {}) {
    const share = options.rateShare ?? PACER_DEFAULTS.rateShare;
    this.#maxAttempts = options.maxAttempts ?? PACER_DEFAULTS.maxAttempts;
    this.#onRefused = deps.onRefused;
    this.#limiters = new Map(
      (Object.entries(limits) as Array<[P, RateLimit]>).map(([p, l]) => [
        p,
        new PeerRateLimiter({ perSecond: l.perSecond * share, burst: Math.max(1, Math.floor(l.burst / 2)) }, deps.now),
      ]),
    );
  }

  /** Wait until a request to `peer` on `protocol` fits the pace, and count it. */
  async acquire(peer: string, protocol: P, signal?: AbortSignal): Promise<void> {
    const bucket = this.#limiters.get(protocol)?.bucket(peer);
    if (bucket === undefined) return;
    while (!bucket.take()) await sleep(Math.max(1, bucket.delayMs()), undefined, { signal });
  }

  /** Send a request paced, sending it again after each rate-limit refusal. */
  async request<T>(peer: string, protocol: P, send: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await this.acquire(peer, protocol, signal);
      try {
        return await send();
      } catch (err) {
        if (!isRateLimitRefusal(err) || attempt >= this.#maxAttempts) throw err;
        this.refusals++;
        this.#onRefused?.(peer, protocol);
        this.#limiters.get(protocol)?.bucket(peer).drain();
        // The peer may serve with tighter limits than published: back off further on each refusal.
        await sleep(Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (attempt - 1)), undefined, { signal });
      }
    }
  }
}
