import { EventEmitter } from 'node:events';

/** Penalty and ban policy. */
export interface PenaltyBookOptions {
  /** Points at which a peer is banned. */
  banThreshold?: number;
  /** How long a ban lasts (ms). */
  banDurationMs?: number;
  /** Points forgiven per minute (good behaviour slowly clears old mistakes). */
  decayPerMinute?: number;
  /** Most peers tracked (the least recently penalised are forgotten first). */
  maxTracked?: number;
}

/** Defaults of {@link PenaltyBookOptions}. */
export const PENALTY_DEFAULTS: Required<PenaltyBookOptions> = {
  banThreshold: 100,
  banDurationMs: 30 * 60_000,
  decayPerMinute: 2,
  maxTracked: 10_000,
};

/** A peer was banned (or blocked by an operator). */
export interface BanEvent {
  peer: string;
  reason: string;
  until: number;
}

/** Events of the {@link PenaltyBook}. */
export interface PenaltyBookEvents {
  ban: [BanEvent];
}

interface Record {
  points: number;
  at: number;
}

/** A ban or block in force. */
export interface BanEntry {
  peer: string;
  reason: string;
  until: number;
}

/**
 * Application-level peer scoring: penalty points per peer (from block and mempool rejections and protocol abuse)
 * that decay over time; a peer reaching the threshold is banned for a while (the network disconnects it and
 * refuses it until the ban ends). Operators can also block a peer for a while (admin disconnect).
 */
export class PenaltyBook extends EventEmitter<PenaltyBookEvents> {
  readonly options: Readonly<Required<PenaltyBookOptions>>;
  readonly #now: () => number;
  readonly #points = new Map<string, Record>();
  readonly #bans = new Map<string, BanEntry>();

  constructor(options: PenaltyBookOptions = {}, deps: { now?: () => number } = {}) {
    super();
    this.options = Object.freeze({ ...PENALTY_DEFAULTS, ...options });
    this.#now = deps.now ?? Date.now;
  }

  /** Add penalty points; bans the peer when it reaches the threshold. Returns its points after the change. */
  penalise(peer: string, points: number, reason: string): number {
    if (!(points > 0)) return this.points(peer);
    const total = this.points(peer) + points;
    this.#points.delete(peer);
    this.#points.set(peer, { points: total, at: this.#now() });
    if (this.#points.size > this.options.maxTracked) this.#points.delete(this.#points.keys().next().value!);
    if (total >= this.options.banThreshold && !this.isBanned(peer)) this.ban(peer, this.options.banDurationMs, reason);
    return total;
  }

  /** Current (decayed) points of a peer. */
  points(peer: string): number {
    const r = this.#points.get(peer);
    if (r === undefined) return 0;
    const p = r.points - ((this.#now() - r.at) / 60_000) * this.options.decayPerMinute;
    if (p <= 0) {
      this.#points.delete(peer);
      return 0;
    }
    return p;
  }

  /** Ban or block a peer for `ms` (emits `ban`). */
  ban(peer: string, ms: number, reason: string): void {
    const entry = { peer, reason, until: this.#now() + ms };
    this.#bans.set(peer, entry);
    this.emit('ban', entry);
  }

  /** Lift a ban and forget the peer's points. */
  unban(peer: string): void {
    this.#bans.delete(peer);
    this.#points.delete(peer);
  }

  /** True while a ban or block is in force. */
  isBanned(peer: string): boolean {
    const b = this.#bans.get(peer);
    if (b === undefined) return false;
    if (b.until > this.#now()) return true;
    this.#bans.delete(peer);
    return false;
  }

  /** Bans in force. */
  bans(): BanEntry[] {
    return [...this.#bans.values()].filter((b) => this.isBanned(b.peer));
  }
}
