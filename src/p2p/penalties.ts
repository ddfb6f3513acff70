import { EventEmitter } from 'node:events';
import { BoundedMap } from '../util/bounded-map.js';

/** Penalty and ban policy. */
export interface PenaltyBookOptions {
  /** Points at which a peer is banned. */
  banThreshold?: number;
  /** How long a ban lasts (ms). */
  banDurationMs?: number;
  /** Points forgiven per whole minute since the last penalty (good behaviour slowly clears old mistakes). */
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

/** Reason codes of bans that do not come from a rejected message's error code. */
export const BanCode = {
  /** The peer's gossip score fell below the graylist threshold. */
  graylisted: 'P2P_GRAYLISTED',
  /** The operator disconnected the peer (admin disconnect blocks it for the cooldown). */
  operator: 'P2P_OPERATOR_BLOCK',
  /** Several addresses of one IPv4 /24 were banned, so the whole /24 is. */
  subnet: 'P2P_SUBNET_BANNED',
  /** A reason without a leading code. */
  other: 'OTHER',
} as const;

/** The stable code of a ban: the one it was given, else the one its reason starts with ({@link reasonCode}). */
export function banCode(entry: { reason: string; code?: string }): string {
  return entry.code ?? reasonCode(entry.reason);
}

/**
 * The stable code a free-text ban reason starts with (bans given without a code, such as operator blocks) (reasons are `CODE: detail` or `CODE in ...`; codes are
 * upper-case words joined by `_`), or
 * {@link BanCode.other} when it starts with none.
 */
export function reasonCode(reason: string): string {
  return /^([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?![\w-])/.exec(reason)?.[1] ?? BanCode.other;
}

/** A peer was banned (or blocked by an operator). */
export interface BanEvent {
  peer: string;
  reason: string;
  /** Stable code of the offence, when the caller gave one (else read from the reason). */
  code?: string;
  until: number;
}

/** Events of the {@link PenaltyBook}. */
export interface PenaltyBookEvents {
  ban: [BanEvent];
}

interface Record {
  points: number;
  /** Time of the last penalty: points are forgiven in whole-minute steps counted from here. */
  at: number;
}

/** A ban or block in force. */
export interface BanEntry {
  peer: string;
  reason: string;
  /** Stable code of the offence, when the caller gave one (else read from the reason). */
  code?: string;
  until: number;
}

/**
 * Application-level peer scoring: penalty points per peer (from block and mempool rejections and protocol abuse)
 * that decay over time; a peer reaching the threshold is banned for a while (the network disconnects it and
 * refuses it until the ban ends). Operators can also block a peer for a while (admin disconnect).
 *
 * The ban rule, exactly: a peer is banned when its points reach `banThreshold`; points are forgiven in whole steps
 * of `decayPerMinute` for each full minute since the peer's last penalty, never continuously. So offences whose
 * points add up to the threshold, each less than a minute after the previous one, always ban: two `high` (50)
 * offences, or one `ban` (100) offence. (A continuous decay left 99.999 after two 50-point offences a few
 * milliseconds apart, and no ban.)
 */
export class PenaltyBook extends EventEmitter<PenaltyBookEvents> {
  readonly options: Readonly<Required<PenaltyBookOptions>>;
  readonly #now: () => number;
  readonly #points: BoundedMap<string, Record>;
  readonly #bans = new Map<string, BanEntry>();

  constructor(options: PenaltyBookOptions = {}, deps: { now?: () => number } = {}) {
    super();
    this.options = Object.freeze({ ...PENALTY_DEFAULTS, ...options });
    this.#points = new BoundedMap(this.options.maxTracked);
    this.#now = deps.now ?? Date.now;
  }

  /** Add penalty points; bans the peer when it reaches the threshold. Returns its points after the change. */
  penalise(peer: string, points: number, reason: string, code?: string): number {
    if (!(points > 0)) return this.points(peer);
    const now = this.#now();
    const prev = this.#decayed(peer, now);
    const total = (prev?.points ?? 0) + points;
    this.#points.set(peer, { points: total, at: now });
    if (total >= this.options.banThreshold && !this.isBanned(peer)) this.ban(peer, this.options.banDurationMs, reason, code);
    return total;
  }

  /** Current (decayed) points of a peer. */
  points(peer: string): number {
    return this.#decayed(peer, this.#now())?.points ?? 0;
  }

  // Apply the whole minutes of decay elapsed (the partial minute keeps counting from the kept anchor).
  #decayed(peer: string, now: number): Record | undefined {
    const r = this.#points.get(peer);
    if (r === undefined) return undefined;
    const minutes = Math.floor(Math.max(0, now - r.at) / 60_000);
    if (minutes === 0) return r;
    const p = r.points - minutes * this.options.decayPerMinute;
    if (p <= 0) {
      this.#points.delete(peer);
      return undefined;
    }
    r.points = p;
    r.at += minutes * 60_000;
    return r;
  }

  /** Ban or block a peer for `ms` (emits `ban`). */
  ban(peer: string, ms: number, reason: string, code?: string): void {
    const entry: BanEntry = code === undefined ? { peer, reason, until: this.#now() + ms } : { peer, reason, code, until: this.#now() + ms };
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
