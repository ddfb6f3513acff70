import { isIP } from 'node:net';

/**
 * Host header names a browser can only send to this node by asking for it (DNS-rebinding guard): loopback names,
 * any IP literal (a page on an attacker's domain cannot present one), and the configured names.
 */
export class HostAllowList {
  readonly #names: ReadonlySet<string>;

  constructor(extra: readonly string[]) {
    const names = new Set(['localhost']);
    for (const h of extra) {
      const n = normalise(h);
      if (n !== '' && isIP(n) === 0) names.add(n);
    }
    this.#names = names;
  }

  /** Whether a request with this Host header may be served (a missing header is HTTP/1.0: no browser sends it). */
  allows(hostHeader: string | undefined): boolean {
    if (hostHeader === undefined || hostHeader === '') return true;
    const name = hostOf(hostHeader);
    if (name === undefined) return false;
    return isIP(name) !== 0 || name.endsWith('.localhost') || this.#names.has(name);
  }
}

function normalise(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

// `name[:port]` or `[v6]:port`, lowercased, without a trailing dot; undefined when malformed.
function hostOf(header: string): string | undefined {
  const h = header.trim();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    if (end < 0) return undefined;
    const rest = h.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return undefined;
    return h.slice(1, end).toLowerCase();
  }
  const m = /^([^:]+)(?::\d{1,5})?$/.exec(h);
  return m === null ? undefined : normalise(m[1]!);
}

/** Host names in announce addresses (`/dns4/name/tcp/1`, `/ip4/1.2.3.4/...`, `name:port`), for the allow list. */
export function announcedHosts(addrs: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of addrs) {
    const ma = /^\/(?:dns|dns4|dns6|dnsaddr|ip4|ip6)\/([^/]+)/.exec(a);
    if (ma !== null) out.push(ma[1]!);
    else {
      const name = hostOf(a);
      if (name !== undefined) out.push(name);
    }
  }
  return out;
}
