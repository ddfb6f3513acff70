import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { P2pErrorCode, P2pError } from '../wire/errors.js';

/** DNS lookup: every address of a host name (injected by tests). */
export type Lookup = (host: string) => Promise<Array<{ address: string; family: number }>>;

/** The system resolver (getaddrinfo, so /etc/hosts and Docker service names work). */
export const systemLookup: Lookup = (host) => dnsLookup(host, { all: true });

/** A peer address split into its parts. */
export interface PeerAddress {
  host: string;
  port: number;
  /** Peer id when the address names one (`/p2p/<id>`). */
  peerId?: string;
}

const DNS_NAMES = new Set(['dns', 'dns4', 'dns6', 'dnsaddr']);

/**
 * Parse a peer address: a TCP multiaddr (`/ip4|ip6|dns|dns4|dns6/<host>/tcp/<port>[/p2p/<id>]`) or
 * `host[:port][/p2p/<id>]` (IPv6 in brackets). Throws P2P_BAD_ADDRESS.
 */
export function parsePeerAddress(input: string, defaultPort: number): PeerAddress {
  const s = input.trim();
  if (s.startsWith('/')) {
    let ma: Multiaddr;
    try {
      ma = multiaddr(s);
    } catch (err) {
      throw new P2pError(P2pErrorCode.badAddress, `'${input}' is not a valid multiaddr`, { cause: err });
    }
    const parts = ma.getComponents();
    const hostPart = parts[0];
    const tcp = parts[1];
    const p2p = parts.find((c) => c.name === 'p2p');
    if (hostPart === undefined || !['ip4', 'ip6', ...DNS_NAMES].includes(hostPart.name) || tcp?.name !== 'tcp' || hostPart.value === undefined) {
      throw new P2pError(P2pErrorCode.badAddress, `'${input}': only /ip4, /ip6 or /dns*/<host>/tcp/<port> addresses are supported`);
    }
    return { host: hostPart.value, port: Number(tcp.value), ...(p2p?.value === undefined ? {} : { peerId: p2p.value }) };
  }
  const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+)(?::(\d{1,5}))?(?:\/p2p\/([1-9A-HJ-NP-Za-km-z]+))?$/.exec(s);
  if (m === null) throw new P2pError(P2pErrorCode.badAddress, `'${input}' is neither a multiaddr nor host:port`);
  const host = m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1]!;
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (!(port > 0 && port < 65536)) throw new P2pError(P2pErrorCode.badAddress, `'${input}': port must be 1-65535`);
  return { host, port, ...(m[3] === undefined ? {} : { peerId: m[3] }) };
}

/** A TCP multiaddr for an IP (or a /dns multiaddr for a name) and port, with the peer id when known. */
export function tcpMultiaddr(host: string, port: number, peerId?: string): Multiaddr {
  const v = isIP(host);
  const proto = v === 4 ? 'ip4' : v === 6 ? 'ip6' : 'dns';
  return multiaddr(`/${proto}/${host}/tcp/${port}${peerId === undefined ? '' : `/p2p/${peerId}`}`);
}

/**
 * Resolve a peer address to dialable TCP multiaddrs: host names go through DNS (so `node1:27333` works in
 * Docker Compose), one multiaddr per address found. Throws P2P_BAD_ADDRESS when the name does not resolve.
 */
export async function resolvePeerAddress(input: string, defaultPort: number, lookup: Lookup = systemLookup): Promise<Multiaddr[]> {
  const a = parsePeerAddress(input, defaultPort);
  if (isIP(a.host) !== 0) return [tcpMultiaddr(a.host, a.port, a.peerId)];
  let found: Array<{ address: string; family: number }>;
  try {
    found = await lookup(a.host);
  } catch (err) {
    throw new P2pError(P2pErrorCode.badAddress, `'${input}': cannot resolve ${a.host}: ${(err as Error).message}`, { cause: err });
  }
  if (found.length === 0) throw new P2pError(P2pErrorCode.badAddress, `'${input}': ${a.host} has no addresses`);
  // IPv4 first: container networks usually only route v4.
  const sorted = [...found].sort((x, y) => x.family - y.family);
  return [...new Set(sorted.map((f) => f.address))].map((ip) => tcpMultiaddr(ip, a.port, a.peerId));
}

/** The listen multiaddr for a host and port. */
export function listenMultiaddr(host: string, port: number): string {
  const v = isIP(host);
  if (v === 0) throw new P2pError(P2pErrorCode.badAddress, `listen address '${host}' must be an IP address`);
  return `/${v === 4 ? 'ip4' : 'ip6'}/${host}/tcp/${port}`;
}

/** Announce multiaddrs from config entries (multiaddrs or `host:port`); names stay names (peers resolve them). */
export function announceMultiaddrs(entries: readonly string[], defaultPort: number): string[] {
  return entries.map((e) => {
    const a = parsePeerAddress(e, defaultPort);
    if (e.trim().startsWith('/')) return multiaddr(e.trim()).toString();
    return tcpMultiaddr(a.host, a.port).toString();
  });
}

/** The peer id a multiaddr names, if any. */
export function peerIdOf(ma: Multiaddr): string | undefined {
  return ma.getComponents().find((c) => c.name === 'p2p')?.value;
}

/** The IP address a multiaddr starts with (`/ip4/...` or `/ip6/...`), if it does. */
export function ipOf(ma: Multiaddr): string | undefined {
  const first = ma.getComponents()[0];
  return first !== undefined && (first.name === 'ip4' || first.name === 'ip6') ? first.value : undefined;
}
