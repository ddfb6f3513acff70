// Crash safety at scale, short variant (the long run is test/reliability/long/crash.long.ts): kill -9 at random
// moments, reopen, full consistency check, and a key-by-key comparison with a replay of the same blocks.
import t, { type Test } from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump, diff, feed, runKills } from './crash-replay.js';
import { Actor, mine, openChain } from '../utils/chain.js';

const KILLS = Number(process.env.RELIABILITY_TEST_KILLS ?? 10);

async function scratch(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'chain-reliab-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

t.test(`${KILLS} kill -9 at random moments: every reopen consistent and equal to a replay of the same blocks`, async (t) => {
  const dir = await scratch(t);
  const r = await runKills({ kills: KILLS, dir, log: (l) => t.comment(l) });
  t.same(r.problems, [], 'no failed kill');
  t.equal(r.kills, KILLS, 'every kill was followed by a reopen, a check and a comparison');
  t.equal(r.inconsistent, 0, 'kill_inconsistent');
  t.ok(r.blocksReplayed > KILLS, `the children made progress (${r.blocksReplayed} of ${r.blocksLogged} logged blocks were in the killed database)`);
  t.ok(r.sideBlocks > 0, `fork branches were stored (${r.sideBlocks} side blocks)`);
  t.ok(r.keysCompared > 100, `${r.keysCompared} keys compared`);
});

t.test('the replay comparison sees a database that differs by one block', async (t) => {
  const dir = await scratch(t);
  const a = await openChain(join(dir, 'a'));
  const b = await openChain(join(dir, 'b'));
  t.teardown(async () => {
    await a.store.close();
    await b.store.close();
  });
  const actor = new Actor();
  const blocks = [mine(a.chain, [actor.tx('doc.certify', 'x')])];
  await feed(a.chain, blocks);
  blocks.push(mine(a.chain, [actor.tx('doc.certify', 'y')]));
  await feed(a.chain, blocks.slice(1));
  await feed(b.chain, blocks.slice(0, 1));
  t.not(diff(await dump(a.store), await dump(b.store)).length, 0, 'one block more: differences reported');
  await feed(b.chain, blocks.slice(1));
  t.same(diff(await dump(a.store), await dump(b.store)), [], 'same blocks in the same order: equal databases');
});
