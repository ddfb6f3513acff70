// Three nodes started with only a bootstrap address find each other, mine together and agree on one chain; a
// transaction submitted to one node is mined exactly once and is visible on every node.
import t from 'tap';
import { join } from 'node:path';
import { Actor, ensureBuilt, minedEverywhere, nodeFixture, peered, settle, TestNode, waitFor } from '../p2p/support.js';

t.test('bootstrap-only cluster converges and relays transactions', async (t) => {
  await ensureBuilt();
  const { dir, nodes } = await nodeFixture(t, 'p2p-cluster-');
  const a = await TestNode.start({ datadir: join(dir.path, 'a') });
  nodes.push(a);
  // B and C only know A; they must find each other through A (DHT / identify), not through configuration.
  nodes.push(...(await Promise.all(['b', 'c'].map((n) => TestNode.start({ datadir: join(dir.path, n), bootstrap: [a.address] })))));
  const [, b, c] = nodes as [TestNode, TestNode, TestNode];
  await peered(nodes, 2, 45_000);
  t.pass('every node has the two others as peers');

  // All three mine (about a block a second each): forks happen and resolve; a shared prefix must settle.
  await waitFor(
    'a shared chain of 8 blocks while all mine',
    async () => {
      const s = await Promise.all(nodes.map((n) => n.status()));
      const h = Math.min(...s.map((x) => x.height)) - 2;
      if (h < 8) return false;
      const hashes = await Promise.all(nodes.map((n) => n.get<{ hash: string }>(`/blocks/${h}`)));
      return hashes.every((x) => x.hash === hashes[0]!.hash);
    },
    60_000,
    500,
  );
  t.pass('nodes agree on the chain below the tip while mining');

  const actor = new Actor();
  const tx = actor.tx('doc.certify', { doc: 'p2p-cluster' });
  await c.submit(tx);
  await waitFor(
    'tx pending on every node',
    async () => {
      const r = await Promise.all(nodes.map((n) => n.get<{ status: string }>(`/txs/${tx.txidHex}`).catch(() => undefined)));
      return r.every((x) => x !== undefined);
    },
    15_000,
    100,
  );
  t.pass('the transaction reached every mempool');
  await minedEverywhere(nodes, tx.fields.from, [tx.txidHex]);
  t.pass('mined once, the same block on every node');

  const tip = await settle(nodes, a);
  t.ok(tip.height >= 8, `one tip at height ${tip.height}`);
  await minedEverywhere(nodes, tx.fields.from, [tx.txidHex], 10_000);
  const peers = await b.get<{ peers: Array<{ id: string; score: number; direction: string; height?: number; addresses: string[] }> }>('/peers');
  t.equal(peers.peers.length, 2);
  for (const p of peers.peers) {
    t.ok(['inbound', 'outbound'].includes(p.direction) && p.addresses.length > 0 && typeof p.score === 'number', 'peer details');
  }
});
