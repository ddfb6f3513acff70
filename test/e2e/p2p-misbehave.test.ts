// Misbehaving peers (garbage, oversized transactions, bad proof of work, bad signatures) are penalised, banned
// and disconnected by an honest node, which does not relay their messages and keeps working with honest peers.
import { multiaddr } from '@multiformats/multiaddr';
import t from 'tap';
import { join } from 'node:path';
import { leafHash } from '../../src/crypto/merkle.js';
import { checkProofOfWork } from '../../src/consensus/pow.js';
import { powLimit } from '../../src/consensus/networks.js';
import { encodeCompact } from '../../src/p2p/compact.js';
import { fromHex, reversed } from '../../src/primitives/bytes.js';
import { BlockHeader } from '../../src/primitives/header.js';
import { encodeMeta } from '../../src/primitives/meta.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { Attacker } from '../p2p/attacker.js';
import { Actor, converged, ensureBuilt, NET, peered, stopAll, tempDir, TestNode, waitFor } from '../p2p/support.js';

// A compact block on `tipHex` (display hex) whose header misses its own target.
function badPowBlock(tipHex: string, height: number): Uint8Array {
  const meta = { height, extra: new Uint8Array(0) };
  const base = BlockHeader.from({ version: 1, prevHash: reversed(fromHex(tipHex)), merkleRoot: leafHash(encodeMeta(meta)), time: Math.floor(Date.now() / 1000), bits: NET.powLimitBits, nonce: 0 });
  for (let nonce = 0; ; nonce++) {
    const header = base.with({ nonce });
    if (!checkProofOfWork(header.bytes, powLimit(NET))) return encodeCompact({ header, meta, txids: [] });
  }
}

t.test('misbehaving peers are banned; honest nodes carry on', async (t) => {
  await ensureBuilt();
  const dir = await tempDir('p2p-misbehave-');
  const nodes: TestNode[] = [];
  const attackers: Attacker[] = [];
  t.teardown(async () => {
    await Promise.all(attackers.map((x) => x.stop()));
    await stopAll(nodes);
    if (t.passing()) await dir.cleanup();
    else t.comment(`logs kept in ${dir.path}`);
  });
  const a = await TestNode.start({ datadir: join(dir.path, 'a') });
  const b = await TestNode.start({ datadir: join(dir.path, 'b'), mine: false, bootstrap: [a.address] });
  nodes.push(a, b);
  await peered(nodes, 1);
  const aAddr = (await a.self()).addresses[0]!;
  const aId = aAddr.split('/p2p/')[1]!;

  const cases: Array<[string, (x: Attacker) => Promise<void>]> = [
    ['message over the frame limit, garbage block message, oversized transaction', async (x) => {
      // Larger than any gossip frame may be: the node drops it at the framing layer.
      await x.publish(x.topics.block, new Uint8Array(6 * 1024 * 1024)).catch(() => undefined);
      await x.publish(x.topics.block, Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff));
      await x.publish(x.topics.tx, new Uint8Array(NET.maxTxBytes + 1_000).fill(0xa5));
    }],
    ['block with bad proof of work', async (x) => {
      const s = await a.status();
      await x.publish(x.topics.block, badPowBlock(s.tip.hash, s.height + 1));
    }],
    ['transaction with a bad signature', async (x) => {
      const tx = new Actor().tx();
      await x.publish(x.topics.tx, Transaction.fromFields({ ...tx.fields, sig: new Uint8Array(64).fill(0x11) }).bytes);
    }],
  ];
  for (const [what, attack] of cases) {
    const x = await Attacker.start();
    attackers.push(x);
    await x.join(aAddr);
    await attack(x);
    await waitFor(`${what}: the attacker to be disconnected`, () => !x.connectedTo(aId), 20_000, 100);
    await t.rejects(x.node.dial(multiaddr(aAddr), { signal: AbortSignal.timeout(5_000) }).then(async (conn) => {
      // The gater refuses the peer after the handshake; give it a moment to close.
      await new Promise((r) => setTimeout(r, 500));
      if (conn.status !== 'open' || !x.connectedTo(aId)) throw new Error('refused');
    }), `${what}: reconnecting is refused`);
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
