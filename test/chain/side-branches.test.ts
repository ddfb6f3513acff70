// Issue 12 fault 4 ("low-work side branches are stored forever"): side branches are stored only while they could
// become best, and pruned in crash-safe batches once the tip has moved too far past their fork.
import t from 'tap';
import { Chain } from '../../src/chain/chain.js';
import { toHex } from '../../src/util/bytes.js';
import { ChainStore } from '../../src/store/chain-store.js';
import { assertConsistent } from './helpers.js';
import { CHAIN_ID, extend, mine, NET, tempDir } from '../utils/chain.js';

async function open(path: string, finalHeight?: () => number): Promise<{ chain: Chain; store: ChainStore }> {
  const store = await ChainStore.open({ path, chainId: CHAIN_ID });
  const chain = await Chain.open({ params: NET, sideBranches: { maxDepth: 5 } }, { store, finalHeight });
  return { chain, store };
}

t.test('fault 4: stale side branches are pruned as the tip moves on, and stay pruned after a reopen', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  let { chain, store } = await open(dir.path);
  await extend(chain, 3);
  // A two-leaf side branch forking at height 2 (equal work with the tip when it arrives).
  const s1 = mine(chain, [], chain.tree.atHeight(2)!);
  t.equal((await chain.processBlock(s1)).status, 'side');
  const s2a = mine(chain, [], chain.tree.get(s1.hash)!, Uint8Array.of(1));
  const s2b = mine(chain, [], chain.tree.get(s1.hash)!, Uint8Array.of(2));
  t.equal((await chain.processBlock(s2a)).status, 'connected', 'heavier: reorganised onto it');
  t.equal((await chain.processBlock(s2b)).status, 'side');
  // The old block 3 is a side branch forking at height 2; s2a one forking at s1 (height 3).
  const oldThree = [...chain.tree.children(chain.tree.atHeight(2)!)].find((n) => n.hex !== toHex(s1.hash))!.hex;
  // Grow the s2b branch past s2a: the s2b branch becomes the main chain, s2a a side leaf.
  let parent = chain.tree.get(s2b.hash)!;
  for (let i = 0; i < 2; i++) {
    const b = mine(chain, [], parent);
    await chain.processBlock(b);
    parent = chain.tree.get(b.hash)!;
  }
  t.equal(chain.tip, parent, 'the s2b branch is the main chain now (height 6)');
  t.ok(chain.hasBlock(s2a.hash) && chain.hasBlock(oldThree), 'side branches within the depth bound are kept');
  await extend(chain, 2);
  t.notOk(chain.hasBlock(oldThree), 'tip 8: the branch forking at height 2 (6 below) is pruned');
  t.ok(chain.hasBlock(s2a.hash), 'tip 8: s2a forks at height 3 (5 below): kept');
  await extend(chain, 1);
  t.notOk(chain.hasBlock(s2a.hash), 'tip 9: then it goes too');
  for (const hex of [oldThree, toHex(s2a.hash)]) {
    t.equal(await store.getEntry(Buffer.from(hex, 'hex')), undefined, `entry ${hex.slice(0, 8)} deleted`);
    t.equal(await store.getBlockBytes(Buffer.from(hex, 'hex')), undefined, `body ${hex.slice(0, 8)} deleted`);
  }
  t.equal(chain.tree.size, chain.height + 1, 'only the main chain is left');
  await assertConsistent(t, chain);
  await store.close();
  ({ chain, store } = await open(dir.path));
  t.equal(chain.tree.size, chain.height + 1, 'reopened: nothing pruned comes back');
  await store.close();
});

t.test('fault 4: a partly pruned branch (crash between batches) opens consistently and is pruned at start', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  {
    // Stored without the policy (as an old database would hold it): a 4-block branch off genesis.
    const store = await ChainStore.open({ path: dir.path, chainId: CHAIN_ID });
    const chain = await Chain.open({ params: NET }, { store });
    const g = chain.tip;
    await extend(chain, 10);
    let parent = g;
    const branch: Uint8Array[] = [];
    for (let i = 0; i < 4; i++) {
      const b = mine(chain, [], parent, Uint8Array.of(9, i));
      await chain.processBlock(b, { requested: true });
      parent = chain.tree.get(b.hash)!;
      branch.push(b.hash);
    }
    t.equal(chain.tree.size, 15, 'a 4-block side branch off genesis is stored (depth 10 is within the default bound)');
    // A crash after the first pruning batch: the leaf is gone, its ancestors are not.
    await store.deleteBlocks([branch[3]!]);
    await store.close();
  }
  const { chain, store } = await open(dir.path);
  t.teardown(() => store.close());
  t.equal(chain.height, 10);
  t.equal(chain.tree.size, 11, 'the rest of the stale branch was pruned when the chain opened');
  await assertConsistent(t, chain);
});

t.test('fault 4: the finality seam refuses and prunes branches forking below the final height', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  let final = 0;
  const { chain, store } = await open(dir.path, () => final);
  t.teardown(() => store.close());
  await extend(chain, 4);
  const side = mine(chain, [], chain.tree.atHeight(3)!);
  t.equal((await chain.processBlock(side)).status, 'side', 'forks at height 3, one block behind: stored');
  final = 4;
  await t.rejects(
    chain.processBlock(mine(chain, [], chain.tree.atHeight(3)!, Uint8Array.of(7)), { requested: true }),
    { code: 'BLOCK_FORK_TOO_DEEP' },
    'below the final height: refused even when requested',
  );
  await extend(chain, 1);
  t.notOk(chain.hasBlock(side.hash), 'the branch forking below the final height was pruned');
});
