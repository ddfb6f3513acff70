// Misbehaving peers (garbage, oversized transactions, bad proof of work, bad signatures) are penalised, banned
// and disconnected by an honest node, which does not relay their messages and keeps working with honest peers.
import { multiaddr } from '@multiformats/multiaddr';
import t from 'tap';
import { join } from 'node:path';
import { Transaction } from '../../src/primitives/transaction.js';
import { attackFixture, badPowBlock, listenAddress, type Attacker } from '../p2p/attacker.js';
import { Actor, converged, NET, peered, TestNode, waitFor } from '../p2p/support.js';

t.test('misbehaving peers are banned; honest nodes carry on', async (t) => {
  const { nodes, dir, attackers, spawn } = await attackFixture(t, 'p2p-misbehave-');
  const a = await TestNode.start({ datadir: join(dir.path, 'a') });
  const b = await TestNode.start({ datadir: join(dir.path, 'b'), mine: false, bootstrap: [a.address] });
  nodes.push(a, b);
  await peered(nodes, 1);
  const { addr: aAddr, id: aId } = await listenAddress(a);

  const cases: Array<[string, (x: Attacker) => Promise<void>]> = [
    [
      'message over the frame limit, garbage block message, oversized transaction',
      async (x) => {
        // Larger than any gossip frame may be: the node drops it at the framing layer.
        await x.publish(x.topics.block, new Uint8Array(6 * 1024 * 1024)).catch(() => undefined);
        await x.publish(
          x.topics.block,
          Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff),
        );
        await x.publish(x.topics.tx, new Uint8Array(NET.maxTxBytes + 1_000).fill(0xa5));
      },
    ],
    [
      'block with bad proof of work',
      async (x) => {
        const s = await a.status();
        await x.publish(x.topics.block, badPowBlock(s.tip.hash, s.height + 1));
      },
    ],
    [
      'transaction with a bad signature',
      async (x) => {
        const tx = new Actor().tx();
        await x.publish(x.topics.tx, Transaction.fromFields({ ...tx.fields, sig: new Uint8Array(64).fill(0x11) }).bytes);
      },
    ],
  ];
  for (const [what, attack] of cases) {
    const x = await spawn();
    await x.join(aAddr);
    await attack(x);
    await waitFor(`${what}: the attacker to be disconnected`, () => !x.connectedTo(aId), 20_000, 100);
    await t.rejects(
      x.node.dial(multiaddr(aAddr), { signal: AbortSignal.timeout(5_000) }).then(async (conn) => {
        // The gater refuses the peer after the handshake; give it a moment to close.
        await new Promise((r) => setTimeout(r, 500));
        if (conn.status !== 'open' || !x.connectedTo(aId)) throw new Error('refused');
      }),
      `${what}: reconnecting is refused`,
    );
    t.notOk((await a.peerIds()).includes(x.id), `${what}: not listed as a peer`);
  }
  const log = await a.log();
  for (const x of attackers) t.match(log, new RegExp(`"peer":"${x.id}".*"msg":"peer banned"`), 'ban logged');

  // The honest pair is untouched: still connected, B never penalised A (invalid messages were not relayed).
  t.ok((await a.peerIds()).includes((await b.self()).id), 'honest peer still connected');
  t.notMatch(await b.log(), /peer penalised/, 'B saw none of the invalid messages');
  const h = (await a.status()).height;
  await converged(nodes, h + 2, 30_000);
  t.pass('mining and relay continue');
});
