// Three nodes with mDNS and no bootstrap list find each other on the local network and agree on one chain.
import t from 'tap';
import { join } from 'node:path';
import { ensureBuilt, nodeFixture, peered, settle, TestNode, waitFor } from '../p2p/support.js';

t.test('mDNS discovery alone forms a cluster', async (t) => {
  await ensureBuilt();
  const { dir, nodes } = await nodeFixture(t, 'p2p-mdns-');
  nodes.push(...(await Promise.all(['a', 'b', 'c'].map((n) => TestNode.start({ datadir: join(dir.path, n), mdns: true, extra: ['--max-peers', '8'] })))));
  await peered(nodes, 2, 45_000);
  t.pass('every node found the two others through mDNS');
  await waitFor('a few blocks on every node', async () => (await Promise.all(nodes.map((n) => n.status()))).every((s) => s.height >= 4), 30_000, 300);
  const tip = await settle(nodes, nodes[0]!);
  t.ok(tip.height >= 6, `one tip at height ${tip.height}`);
});
