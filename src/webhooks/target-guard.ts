import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { WebhookError, WebhookErrorCode } from './errors.js';

// Everything that is not a public unicast address: loopback, RFC 1918, CGNAT, link-local (cloud metadata),
// unspecified, multicast, reserved, documentation and benchmarking ranges, and their IPv6 counterparts.
const NON_PUBLIC_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
];
const NON_PUBLIC_V6 = ['::/128', '::1/128', '64:ff9b::/96', '100::/64', '2001:db8::/32', 'fc00::/7', 'fe80::/10', 'ff00::/8'];

const blocked = new BlockList();
for (const r of NON_PUBLIC_V4) {
  const [net, bits] = r.split('/');
  blocked.addSubnet(net!, Number(bits), 'ipv4');
}
for (const r of NON_PUBLIC_V6) {
  const [net, bits] = r.split('/');
  blocked.addSubnet(net!, Number(bits), 'ipv6');
}

/** Whether `address` (an IP literal) is a public unicast address; IPv4-mapped IPv6 is judged as IPv4. */
export function isPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped !== null) return isPublicAddress(mapped[1]!);
  const family = isIP(address);
  if (family === 0) return false;
  return !blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** A resolved delivery target: the URL and the one checked address to connect to (no second DNS lookup). */
export interface ResolvedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/** Resolve a hostname to every address it has (tests inject a fake resolver). */
export type Resolver = (host: string) => Promise<Array<{ address: string; family: number }>>;

/** The system resolver (all addresses). */
export const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

/** Parse and check a webhook URL's form: http(s) only, no credentials, at most 2048 characters. */
export function parseHookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookError(WebhookErrorCode.badUrl, `'${raw.slice(0, 200)}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new WebhookError(WebhookErrorCode.badUrl, `webhook URLs must be http or https, not ${url.protocol.replace(':', '')}`);
  if (url.username !== '' || url.password !== '') throw new WebhookError(WebhookErrorCode.badUrl, 'webhook URLs must not carry credentials');
  if (raw.length > 2048) throw new WebhookError(WebhookErrorCode.badUrl, 'webhook URL is longer than 2048 characters');
  return url;
}

/**
 * SSRF guard: resolve the URL's host and check every address it has (one private address is enough to refuse:
 * DNS answers can rotate). Returns the first address, which the delivery connects to, so a second lookup cannot
 * swap in another (DNS rebinding). With `allowPrivate`, every address is accepted.
 */
export async function resolveTarget(raw: string, allowPrivate: boolean, resolve: Resolver = systemResolver): Promise<ResolvedTarget> {
  const url = parseHookUrl(raw);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addrs: Array<{ address: string; family: number }>;
  if (isIP(host) !== 0) addrs = [{ address: host, family: isIP(host) }];
  else {
    try {
      addrs = await resolve(host);
    } catch (err) {
      throw new WebhookError(WebhookErrorCode.unresolvable, `cannot resolve ${host}: ${(err as Error).message}`, err);
    }
  }
  if (addrs.length === 0) throw new WebhookError(WebhookErrorCode.unresolvable, `${host} has no address`);
  if (!allowPrivate) {
    const bad = addrs.find((a) => !isPublicAddress(a.address));
    if (bad !== undefined) {
      throw new WebhookError(
        WebhookErrorCode.forbiddenTarget,
        `${host} resolves to ${bad.address}, a loopback, private or reserved address (set webhooks.allowPrivateTargets to allow it)`,
      );
    }
  }
  const first = addrs[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
