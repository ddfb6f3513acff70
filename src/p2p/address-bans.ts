import ipaddr from 'ipaddr.js';
import { BanCode } from './penalties.js';
import { BoundedMap } from '../util/bounded-map.js';

/** Policy of {@link AddressBans}. */
export interface AddressBanOptions {
  /** Distinct banned IPv4 addresses in one /24 at which the whole /24 is banned too (0 = never). */
  subnetBanAfter?: number;
  /** Apply bans to loopback addresses too (off by default: local clusters share them, see the class doc). */
  loopback?: boolean;
  /** Most bans remembered (the oldest go first). */
  maxTracked?: number;
}

/** Defaults of {@link AddressBanOptions}. */
export const ADDRESS_BAN_DEFAULTS: Required<AddressBanOptions> = { subnetBanAfter: 3, loopback: false, maxTracked: 10_000 };

/** A ban in force on an address or subnet. */
export interface AddressBanEntry {
  /** `1.2.3.4`, `1.2.3.0/24` or `2001:db8::/64`. */
  key: string;
  /** `address`: one IPv4 address or an IPv6 /64; `subnet`: an IPv4 /24 banned after several of its addresses. */
  kind: 'address' | 'subnet';
  reason: string;
  until: number;
  /** The banned peer that caused it (for a subnet, the one whose ban completed it); absent when not given. */
  peer?: string;
  /** Stable code of the offence, when given (else read from the reason). */
  code?: string;
}

/** Parses an IP address (IPv4-mapped IPv6 as IPv4); undefined when it is not one. */
function parse(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  try {
    return ipaddr.process(ip);
  } catch {
    return undefined;
  }
}

/** True for 127.0.0.0/8 and ::1. */
export function isLoopback(ip: string): boolean {
  return parse(ip)?.range() === 'loopback';
}

/**
 * The key a ban on `ip` is kept under: an IPv4 address itself; an IPv6 address's /64 (a host commonly holds a
 * whole /64, so a fresh address from it costs nothing). Undefined for what is not an IP address.
 */
export function addressKey(ip: string): string | undefined {
  const a = parse(ip);
  if (a === undefined) return undefined;
  if (a.kind() === 'ipv4') return a.toString();
  return `${new ipaddr.IPv6([...(a as ipaddr.IPv6).parts.slice(0, 4), 0, 0, 0, 0]).toString()}/64`;
}

/** The /24 of an IPv4 address (`1.2.3.0/24`); undefined for IPv6. */
function subnet24(ip: string): string | undefined {
  const a = parse(ip);
  if (a === undefined || a.kind() !== 'ipv4') return undefined;
  const [x, y, z] = (a as ipaddr.IPv4).octets;
  return `${x}.${y}.${z}.0/24`;
}

/**
 * Bans by network address, next to the per-peer-id bans of the {@link PenaltyBook}: a banned peer's address is
 * banned for as long as the peer, so a fresh key from the same address is refused (inbound connections from a
 * banned address are denied before the handshake, and banned addresses are not dialled). IPv6 bans cover the
 * address's /64; `subnetBanAfter` banned IPv4 addresses of one /24 ban the /24 (until the last of them ends).
 *
 * Loopback addresses are exempt unless `loopback` is set, like Bitcoin Core's local peers (disconnected for bad
 * behaviour, not discouraged by address): every node of a local test cluster shares 127.0.0.1, and a process on
 * the same host can use any 127/8 source address anyway, so a loopback ban would only hurt honest local peers.
 * The offending peer id is still banned.
 */
export class AddressBans {
  readonly options: Readonly<Required<AddressBanOptions>>;
  readonly #now: () => number;
  readonly #bans: BoundedMap<string, AddressBanEntry>;

  constructor(options: AddressBanOptions = {}, deps: { now?: () => number } = {}) {
    this.options = Object.freeze({ ...ADDRESS_BAN_DEFAULTS, ...options });
    this.#bans = new BoundedMap(this.options.maxTracked);
    this.#now = deps.now ?? Date.now;
  }

  /** Whether bans and per-address limits apply to `ip` (not an exempt loopback address). */
  applies(ip: string): boolean {
    return addressKey(ip) !== undefined && (this.options.loopback || !isLoopback(ip));
  }

  /**
   * Ban `ip` (its /64 for IPv6) until `until` for `peer`'s offence; returns false when the address is exempt or
   * not an IP.
   */
  ban(ip: string, until: number, reason: string, peer?: string, code?: string): boolean {
    const key = addressKey(ip);
    if (key === undefined || !this.applies(ip)) return false;
    const by = peer === undefined ? {} : { peer };
    this.#set({ key, kind: 'address', reason, until: Math.max(until, this.#bans.get(key)?.until ?? 0), ...by, ...(code === undefined ? {} : { code }) });
    const net = subnet24(ip);
    const n = this.options.subnetBanAfter;
    if (net !== undefined && n > 0) {
      const inNet = this.list().filter((b) => b.kind === 'address' && subnet24(b.key) === net);
      if (inNet.length >= n) {
        this.#set({
          key: net,
          kind: 'subnet',
          reason: `${BanCode.subnet}: ${inNet.length} addresses of ${net} banned`,
          code: BanCode.subnet,
          until: Math.max(...inNet.map((b) => b.until)),
          ...by,
        });
      }
    }
    return true;
  }

  /** Lift the ban on `ip` (and on its /24, so an operator's choice wins). */
  unban(ip: string): void {
    const key = addressKey(ip);
    if (key !== undefined) this.#bans.delete(key);
    const net = subnet24(ip);
    if (net !== undefined) this.#bans.delete(net);
  }

  /** True while `ip`, its /64 (IPv6) or its /24 (IPv4) is banned. */
  isBanned(ip: string): boolean {
    const key = addressKey(ip);
    if (key === undefined || !this.applies(ip)) return false;
    const net = subnet24(ip);
    return this.#live(key) || (net !== undefined && this.#live(net));
  }

  /** Bans in force. */
  list(): AddressBanEntry[] {
    return [...this.#bans.values()].filter((b) => this.#live(b.key));
  }

  #live(key: string): boolean {
    const b = this.#bans.get(key);
    if (b === undefined) return false;
    if (b.until > this.#now()) return true;
    this.#bans.delete(key);
    return false;
  }

  #set(entry: AddressBanEntry): void {
    this.#bans.set(entry.key, entry);
  }
}
