import ipaddr from 'ipaddr.js';

/**
 * Where pooled transactions came from, for fair eviction (see {@link PoolStore}): actors (keys) cost nothing to
 * create, the address a submission comes from does. Transactions without a source (reloaded from `mempool.dat`,
 * returned by a reorg) share the `local` source.
 */
export const LOCAL_SOURCE = 'local';

/**
 * The source key of a network address: an IPv4 address itself, an IPv6 address's /64 (one host commonly gets a
 * whole /64), IPv4-mapped IPv6 as IPv4. Something that is not an IP address is kept as it is.
 */
export function addressSource(kind: 'api' | 'peer', address: string): string {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(address);
  } catch {
    return `${kind}:${address}`;
  }
  if (addr.kind() === 'ipv4') return `${kind}:${addr.toString()}`;
  const parts = (addr as ipaddr.IPv6).parts.slice(0, 4);
  return `${kind}:${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
}
