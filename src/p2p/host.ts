import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { gossipsub, type GossipSub } from '@libp2p/gossipsub';
import { identify } from '@libp2p/identify';
import type { Libp2p } from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';
import { kadDHT, type KadDHT } from '@libp2p/kad-dht';
import { mdns } from '@libp2p/mdns';
import { ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import { createLibp2p, type Libp2pOptions } from 'libp2p';
import type { NetworkParams } from '../consensus/networks.js';
import type { AddressBans } from './address-bans.js';
import { announceMultiaddrs, ipOf, listenMultiaddr } from './addresses.js';
import { keepUsableAddressesMapper } from './dht.js';
import { gossipOptions, type Topics } from './gossip.js';
import { loadOrCreatePeerKey } from './key.js';
import type { ResolvedP2pOptions } from './options.js';
import type { PenaltyBook } from './penalties.js';

/** The libp2p services of a node. */
export interface HostServices {
  identify: ReturnType<ReturnType<typeof identify>>;
  ping: ReturnType<ReturnType<typeof ping>>;
  pubsub: GossipSub;
  dht?: KadDHT;
  [key: string]: unknown;
}

/** A node's libp2p host. */
export type Host = Libp2p<HostServices>;

/**
 * Create (not start) the libp2p host: TCP, Noise, Yamux, identify, ping, gossipsub, mDNS (optional) and the
 * Kademlia DHT (optional, server mode, private addresses kept, protocol under the network prefix); the persisted
 * key from the data directory; banned peers refused both ways; connections from banned addresses refused before
 * the handshake and banned addresses not dialled; at most `maxInboundPerAddress` inbound connections per address
 * (where address limits apply, see {@link AddressBans}); connection limits from the options.
 */
export async function createHost(
  o: ResolvedP2pOptions,
  params: NetworkParams,
  topics: Topics,
  penalties: PenaltyBook,
  addressBans: AddressBans,
): Promise<Host> {
  const banned = (p: { toString(): string }): boolean => penalties.isBanned(p.toString());
  // The gater counts the host's connections; it exists once createLibp2p returns (before it starts listening).
  const ref: { host?: Host } = {};
  const deniedInbound = (remote: Multiaddr): boolean => {
    const ip = ipOf(remote);
    if (ip === undefined || !addressBans.applies(ip)) return false;
    if (addressBans.isBanned(ip)) return true;
    if (o.maxInboundPerAddress === 0 || ref.host === undefined) return false;
    let n = 0;
    for (const c of ref.host.getConnections()) if (c.direction === 'inbound' && ipOf(c.remoteAddr) === ip) n++;
    return n >= o.maxInboundPerAddress;
  };
  const deniedDial = (ma: Multiaddr): boolean => {
    const ip = ipOf(ma);
    return ip !== undefined && addressBans.isBanned(ip);
  };
  const discovery: NonNullable<Libp2pOptions['peerDiscovery']> = [];
  if (o.mdns) discovery.push(mdns({ serviceTag: `_chain-node-${params.name}._udp.local`, interval: o.mdnsIntervalMs }));
  const services = {
    identify: identify(),
    ping: ping(),
    pubsub: gossipsub(gossipOptions(topics, Math.max(params.maxBlockBytes, params.maxTxBytes) + 128 * 1024, (p) => -penalties.points(p))),
    ...(o.dht ? { dht: kadDHT({ protocol: `${params.protocolPrefix}/kad/1.0.0`, clientMode: false, peerInfoMapper: keepUsableAddressesMapper }) } : {}),
  };
  const host = (await createLibp2p({
    // Started by the caller once its handlers and listeners are in place.
    start: false,
    privateKey: await loadOrCreatePeerKey(o.datadir),
    addresses: { listen: [listenMultiaddr(o.host, o.port)], announce: announceMultiaddrs(o.announce, params.ports.p2p) },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: discovery,
    connectionGater: {
      denyDialPeer: banned,
      denyDialMultiaddr: deniedDial,
      denyInboundConnection: (maConn) => deniedInbound(maConn.remoteAddr),
      denyInboundEncryptedConnection: banned,
      denyOutboundEncryptedConnection: banned,
    },
    // Loopback and Docker clusters open many connections from one address at start-up.
    connectionManager: { maxConnections: o.maxPeers, inboundConnectionThreshold: 50, dialTimeout: 10_000 },
    services,
  })) as Host;
  ref.host = host;
  return host;
}
