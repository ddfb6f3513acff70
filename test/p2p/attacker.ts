// A misbehaving peer for tests: a bare libp2p host that speaks the gossip protocol (same topics, unsigned
// messages, content-hash ids) but publishes whatever it is told to, valid or not.
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { gossipsub, type GossipSub } from '@libp2p/gossipsub';
import { identify } from '@libp2p/identify';
import { peerIdFromString } from '@libp2p/peer-id';
import { tcp } from '@libp2p/tcp';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p, type Libp2p } from 'libp2p';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Test } from 'tap';
import { messageId, topicsFor, type Topics } from '../../src/p2p/gossip.js';
import { ensureBuilt, NET, stopAll, tempDir, TestNode, waitFor } from './support.js';

/** A gossip peer under the test's control. */
export class Attacker {
  readonly node: Libp2p<{ pubsub: GossipSub; identify: unknown }>;
  readonly topics: Topics = topicsFor(NET);

  private constructor(node: Libp2p<{ pubsub: GossipSub; identify: unknown }>) {
    this.node = node;
  }

  /** Start a host subscribed to the network's topics; `announce`: the listen addresses it claims in identify. */
  static async start(options: { announce?: string[] } = {}): Promise<Attacker> {
    const topics = topicsFor(NET);
    const node = await createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'], ...(options.announce === undefined ? {} : { announce: options.announce }) },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: {
        identify: identify(),
        pubsub: gossipsub({
          globalSignaturePolicy: 'StrictNoSign',
          msgIdFn: messageId,
          allowPublishToZeroTopicPeers: true,
          floodPublish: true,
          maxOutboundBufferSize: 64 * 1024 * 1024,
        }),
      },
    });
    node.services.pubsub.subscribe(topics.tx);
    node.services.pubsub.subscribe(topics.block);
    return new Attacker(node as unknown as Libp2p<{ pubsub: GossipSub; identify: unknown }>);
  }

  /** Our peer id. */
  get id(): string {
    return this.node.peerId.toString();
  }

  /** Connect to a node (full multiaddr with /p2p/) and wait until it is subscribed to both topics. */
  async join(addr: string): Promise<void> {
    await this.node.dial(multiaddr(addr));
    const peer = addr.split('/p2p/')[1]!;
    await waitFor(
      'the node to subscribe to our topics',
      () => {
        const subs = (topic: string): boolean => this.node.services.pubsub.getSubscribers(topic).some((p) => p.toString() === peer);
        return subs(this.topics.tx) && subs(this.topics.block);
      },
      15_000,
      100,
    );
  }

  /** Publish raw bytes on a topic. */
  async publish(topic: string, data: Uint8Array): Promise<void> {
    await this.node.services.pubsub.publish(topic, data);
  }

  /** True while connected to `peer`. */
  connectedTo(peer: string): boolean {
    return this.node.getConnections(peerIdFromString(peer)).length > 0;
  }

  /** Stop the host. */
  async stop(): Promise<void> {
    await this.node.stop();
  }
}

export { badPowBlock } from './bad-blocks.js';

/** A node's first listen address (with its /p2p/ part) and its peer id. */
export async function listenAddress(node: TestNode): Promise<{ addr: string; id: string }> {
  const addr = (await node.self()).addresses[0]!;
  return { addr, id: addr.split('/p2p/')[1]! };
}

/**
 * For tests that attack real nodes: builds dist/ if needed, then gives a temporary folder, the list of nodes and
 * of attackers that the test's teardown stops (attackers first), and `spawn` to start an attacker on that list.
 * The folder is removed when the test passed, and kept (with the nodes' logs) when it failed.
 */
export async function attackFixture(
  t: Test,
  prefix: string,
): Promise<{
  dir: { path: string; cleanup: () => Promise<void> };
  nodes: TestNode[];
  attackers: Attacker[];
  spawn: (options?: { announce?: string[] }) => Promise<Attacker>;
}> {
  await ensureBuilt();
  const dir = await tempDir(prefix);
  const nodes: TestNode[] = [];
  const attackers: Attacker[] = [];
  t.teardown(async () => {
    await Promise.all(attackers.map((x) => x.stop()));
    await stopAll(nodes);
    if (t.passing()) await dir.cleanup();
    else t.comment(`logs kept in ${dir.path}`);
  });
  const spawn = async (options: { announce?: string[] } = {}): Promise<Attacker> => {
    const x = await Attacker.start(options);
    attackers.push(x);
    return x;
  };
  return { dir, nodes, attackers, spawn };
}

/**
 * A non-mining node of `fx` with `p2p.loopbackLimits` on, so that its bans of a peer on this host also ban the
 * peer's 127.0.0.1 address (address bans are otherwise off for loopback); with its listen address and peer id.
 */
export async function startBanningNode(fx: { dir: { path: string }; nodes: TestNode[] }, name = 'a'): Promise<{ node: TestNode; addr: string; id: string }> {
  const datadir = join(fx.dir.path, name);
  await mkdir(datadir, { recursive: true });
  await writeFile(join(datadir, 'config.json'), JSON.stringify({ p2p: { loopbackLimits: true } }));
  const node = await TestNode.start({ datadir, mine: false });
  fx.nodes.push(node);
  return { node, ...(await listenAddress(node)) };
}
