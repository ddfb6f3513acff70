// Two groups are cut apart (operator disconnects, which also refuse reconnection both ways), mine separately,
// and are joined again: every node ends on the heavier chain, and the transactions mined only on the losing
// branch return to the mempool and are mined again, each exactly once.
import t from 'tap';
import { join } from 'node:path';
import { Actor, converged, ensureBuilt, Links, minedEverywhere, nodeFixture, peered, settle, type StatusJson, TestNode, waitFor } from '../p2p/support.js';

const work = (s: StatusJson & { chainWork?: string }): bigint => BigInt(`0x${s.chainWork ?? '0'}`);

t.test('partition, separate mining, heal', async (t) => {
  await ensureBuilt();
  const { dir, nodes } = await nodeFixture(t, 'p2p-partition-');
  const a = await TestNode.start({ datadir: join(dir.path, 'a') });
  nodes.push(a);
  nodes.push(...(await Promise.all(['b', 'c', 'd'].map((n) => TestNode.start({ datadir: join(dir.path, n), mine: false, bootstrap: [a.address] })))));
  const [, b, c, d] = nodes as [TestNode, TestNode, TestNode, TestNode];
  await peered(nodes, 2, 45_000);
  await converged(nodes, 3, 30_000);
  const links = await Links.of(nodes);

  // Cut: every node of group 1 (a, b) disconnects every node of group 2 (c, d) and vice versa.
  const g1 = [0, 1];
  const g2 = [2, 3];
  await links.cut(g1, g2, 15_000);
  t.pass('partitioned');

  // Both sides mine; group 2 also mines three transactions submitted to d.
  await Promise.all([b.post('/mining/start', {}, true), c.post('/mining/start', {}, true)]);
  const actor = new Actor();
  const txs = [actor.tx('audit.login'), actor.tx('audit.read'), actor.tx('audit.logout')];
  for (const tx of txs) await d.submit(tx);
  await minedEverywhere(
    [c, d],
    txs[0]!.fields.from,
    txs.map((x) => x.txidHex),
    60_000,
  );
  t.pass('group 2 mined the transactions on its branch');
  const inGroup1 = await a.get<{ nextNonce: number }>(`/accounts/${Buffer.from(txs[0]!.fields.from).toString('hex')}`);
  t.equal(inGroup1.nextNonce, 0, 'group 1 never saw them');

  await c.post('/mining/stop', {}, true);
  const s2 = await c.status();
  await waitFor('group 1 to be heavier than group 2', async () => work(await a.status()) > work(s2) + 2n, 90_000, 500);
  await settle([a, b], a);
  await converged([c, d], 1, 15_000);
  const heavy = await a.status();
  t.ok(work(heavy) > work(await c.status()), `group 1 (height ${heavy.height}) is heavier than group 2 (height ${s2.height})`);

  // Heal: an operator connect lifts the block on that peer; both sides do it for two links.
  await links.heal([
    [0, 2],
    [1, 3],
  ]);
  const healed = await converged(nodes, heavy.height, 60_000);
  t.equal(healed.tip.hash, heavy.tip.hash, 'every node follows the heavier chain');
  const pending = await d.get<{ status: string }>(`/txs/${txs[0]!.txidHex}`);
  t.equal(pending.status, 'pending', 'the losing branch\u2019s transactions are back in the mempool');

  // Mining resumes on the losing side: its nodes hold the returned transactions.
  await c.post('/mining/start', {}, true);
  await minedEverywhere(
    nodes,
    txs[0]!.fields.from,
    txs.map((x) => x.txidHex),
    60_000,
  );
  t.pass('each returned transaction mined again exactly once, identically on every node');
  await c.post('/mining/stop', {}, true);
  await converged(nodes, heavy.height + 1, 30_000);
});
