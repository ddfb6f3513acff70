import type { PeerInfo } from '@libp2p/interface';

/**
 * DHT peer-info mapper that keeps private and loopback addresses (LAN and single-host clusters need them; the
 * stock mappers drop either private or public ones) and drops only unusable wildcard addresses.
 */
export function keepUsableAddressesMapper(peer: PeerInfo): PeerInfo {
  return {
    ...peer,
    multiaddrs: peer.multiaddrs.filter((ma) => {
      const s = ma.toString();
      return !s.startsWith('/ip4/0.0.0.0/') && !s.startsWith('/ip6/::/');
    }),
  };
}
