// Fault 17: up to 64 MiB of gossip could wait in memory for each peer that does not read. A real gossipsub host
// with the node's options publishes to a real peer whose gossip stream stops reading (yamux flow control stops,
// so our side buffers): the buffer stays within the bound and the stream is dropped once it is exceeded.
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { gossipsub, type GossipSub } from '@libp2p/gossipsub';
import { identify } from '@libp2p/identify';
import type { Libp2p, Stream } from '@libp2p/interface';
import { tcp } from '@libp2p/tcp';
import { randomBytes } from 'node:crypto';
import { createLibp2p } from 'libp2p';
import t from 'tap';
import { getNetwork } from '../../src/consensus/networks.js';
import { gossipOptions, topicsFor } from '../../src/p2p/gossip.js';

const NET = getNetwork('regtest');
const topics = topicsFor(NET);
const MAX_MESSAGE = Math.max(NET.maxBlockBytes, NET.maxTxBytes) + 128 * 1024;

async function gossipHost(): Promise<Libp2p<{ pubsub: GossipSub; identify: unknown }>> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), pubsub: gossipsub(gossipOptions(topics, MAX_MESSAGE, () => 0)) },
  }) as unknown as Promise<Libp2p<{ pubsub: GossipSub; identify: unknown }>>;
}

const gossipStream = (node: Libp2p, direction: 'inbound' | 'outbound'): Stream | undefined =>
  node
    .getConnections()
    .flatMap((c) => c.streams)
    .find((s) => s.protocol?.startsWith('/meshsub/') === true && s.direction === direction);

async function until(what: string, fn: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

t.test('fault 17: gossip buffered for a peer that does not read is bounded, and the stream dropped', async (t) => {
  const limit = gossipOptions(topics, MAX_MESSAGE, () => 0).maxOutboundBufferSize!;
  t.ok(limit <= 2 * MAX_MESSAGE, `bound ${(limit / 2 ** 20).toFixed(2)} MiB per peer (was 64 MiB)`);
  const sender = await gossipHost();
  const slow = await gossipHost();
  t.teardown(async () => {
    await slow.stop();
    await sender.stop();
  });
  slow.services.pubsub.subscribe(topics.tx);
  sender.services.pubsub.subscribe(topics.tx);
  await sender.dial(slow.getMultiaddrs()[0]!);
  await until('the sender to see the subscription', () => sender.services.pubsub.getSubscribers(topics.tx).some((p) => p.equals(slow.peerId)));
  await until('the gossip streams', () => gossipStream(slow, 'inbound') !== undefined && gossipStream(sender, 'outbound') !== undefined);
  // The slow peer stops reading its inbound gossip: yamux grants no more window, so the sender has to buffer.
  gossipStream(slow, 'inbound')!.pause();
  const out = gossipStream(sender, 'outbound')!;
  const published = 200;
  const size = 60 * 1024;
  let peak = 0;
  let i = 0;
  for (; i < published && out.status === 'open'; i++) {
    await sender.services.pubsub.publish(topics.tx, randomBytes(size));
    peak = Math.max(peak, out.writeBufferLength);
  }
  t.comment(`published ${i} x ${size} B; peak buffered ${(peak / 2 ** 20).toFixed(2)} MiB; stream ${out.status}`);
  t.ok(i * size > limit, 'more than the bound was published to the slow peer');
  t.ok(peak <= limit, `the sender never held more than the bound for it (${peak} <= ${limit})`);
  t.equal(out.status, 'aborted', 'the slow peer lost its gossip stream');
});
