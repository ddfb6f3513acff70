// Headers-first sync between real processes: a late joiner downloads a long chain from two peers, and a node
// restarted after being offline catches up with what was mined meanwhile.
import t from 'tap';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { generateChain } from '../../scripts/bench/sync.js';
import { converged, ensureBuilt, nodeFixture, peered, TestNode, waitFor } from '../p2p/support.js';

t.test('late joiner and restarted node catch up', async (t) => {
  await ensureBuilt();
  const { dir, nodes } = await nodeFixture(t, 'p2p-sync-');
  const height = await generateChain({ datadir: join(dir.path, 'a'), blocks: 400, txsPerBlock: 5, actors: 50 });
  await cp(join(dir.path, 'a', 'chain'), join(dir.path, 'b', 'chain'), { recursive: true });
  const a = await TestNode.start({ datadir: join(dir.path, 'a'), mine: false });
  const b = await TestNode.start({ datadir: join(dir.path, 'b'), mine: false, bootstrap: [a.address] });
  nodes.push(a, b);
  t.equal((await a.status()).height, height);

  const c = await TestNode.start({ datadir: join(dir.path, 'c'), mine: false, bootstrap: [a.address, b.address] });
  nodes.push(c);
  const t0 = Date.now();
  const tip = await converged([a, b, c], height, 60_000);
  t.equal(tip.height, height, `late joiner synced ${height} blocks in ${Date.now() - t0} ms`);
  const ready = await c.get<{ ready: boolean }>('/health/ready');
  t.ok(ready.ready, 'ready once synced');
  const log = await c.log();
  t.match(log, /headers checked; downloading blocks/, 'headers were checked before bodies were downloaded');

  // C goes offline; A mines; C restarts on the same data directory and port and catches up.
  const cId = (await c.self()).id;
  await c.stop();
  nodes.pop();
  await a.post('/mining/start', {}, true);
  await waitFor('A to mine 5 blocks', async () => (await a.status()).height >= height + 5, 60_000, 300);
  await a.post('/mining/stop', {}, true);
  const target = (await a.status()).height;
  const c2 = await TestNode.start({ datadir: join(dir.path, 'c'), p2pPort: c.p2pPort, mine: false });
  nodes.push(c2);
  t.equal((await c2.self()).id, cId, 'same peer id after restart (persisted p2p-key)');
  await peered([c2], 1, 30_000);
  const after = await converged([a, b, c2], target, 60_000);
  t.equal(after.height, target, 'the restarted node caught up (reconnecting from its saved peers alone)');
});
