import t from 'tap';
import { buildLocator, locatorFork, mainChainAfter } from '../../src/sync/locator.js';
import { MAX_LOCATOR } from '../../src/sync/messages.js';
import { extend, mine, openChain, tempDir } from '../utils/chain.js';

t.test('locator: ten recent hashes, then doubling steps, genesis last', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const { chain, store } = await openChain(dir.path);
  t.teardown(() => store.close());
  await extend(chain, 200);
  const loc = buildLocator(chain.tree, chain.tip);
  const heights = loc.map((h) => chain.tree.get(h)!.height);
  t.same(heights.slice(0, 10), [200, 199, 198, 197, 196, 195, 194, 193, 192, 191]);
  t.same(heights.slice(10, 14), [189, 185, 177, 161], 'steps double after ten');
  t.equal(heights.at(-1), 0, 'genesis is last');
  t.ok(loc.length <= MAX_LOCATOR);
  t.equal(buildLocator(chain.tree, chain.tree.atHeight(0)!).length, 1, 'genesis alone');
});

t.test('locator fork point and headers after it, with a side branch', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const { chain, store } = await openChain(dir.path);
  t.teardown(() => store.close());
  await extend(chain, 30);
  // A side branch of 3 blocks from height 25 (less work, so not main; stored as sync stores a requested branch).
  let parent = chain.tree.atHeight(25)!;
  for (let i = 0; i < 3; i++) {
    const b = mine(chain, [], parent, Uint8Array.of(9, i));
    await chain.processBlock(b, { requested: true });
    parent = chain.tree.get(b.hash)!;
  }
  t.equal(chain.height, 30);
  t.notOk(chain.tree.isMain(parent), 'side tip is not main');
  const sideLoc = buildLocator(chain.tree, parent);
  t.equal(chain.tree.get(sideLoc[0]!)!.height, 28, 'locator starts at the side tip');
  const fork = locatorFork(chain.tree, sideLoc);
  t.equal(fork.height, 25, 'the first main-chain hash in the side locator is the fork point');
  const after = mainChainAfter(chain.tree, fork, 3);
  t.same(
    after.map((n) => n.height),
    [26, 27, 28],
  );
  t.equal(locatorFork(chain.tree, [new Uint8Array(32).fill(1)]).height, 0, 'unknown hashes fall back to genesis');
  t.equal(mainChainAfter(chain.tree, chain.tip, 10).length, 0, 'nothing after the tip');
});
