// Fork choice and reorganisation scenarios (feature_block.py style): mutated bodies, equal-work ties, reorgs and
// back, branches that fail to connect half-way, and state/index restoration across reorgs.
import t, { type Test } from 'tap';
import { type Chain } from '../../src/chain/chain.js';
import { type ReorgEvent } from '../../src/chain/events.js';
import { type TreeNode } from '../../src/chain/block-tree.js';
import { toHex } from '../../src/util/bytes.js';
import { Block } from '../../src/primitives/block.js';
import { type Transaction } from '../../src/primitives/transaction.js';
import { assertConsistent, expectReject, openChainWith, withSig } from './helpers.js';
import { Actor, mine, tempDir } from '../utils/chain.js';
import { blockKeyHex } from '../../src/primitives/header.js';

async function fresh(tt: Test): Promise<{ chain: Chain; path: string }> {
  const dir = await tempDir();
  const { chain, store } = await openChainWith(dir.path);
  tt.teardown(async () => {
    await store.close().catch(() => undefined);
    await dir.cleanup();
  });
  return { chain, path: dir.path };
}

/** Mine a branch of `n` blocks on `parent` (txs[i] go into block i) without submitting them. */
function branch(chain: Chain, parent: TreeNode, n: number, txs: Transaction[][] = []): Block[] {
  const out: Block[] = [];
  let p = parent;
  for (let i = 0; i < n; i++) {
    const b = mine(chain, txs[i] ?? [], p, Uint8Array.of(0xb0, i));
    out.push(b);
    // A detached node good enough for assembling the next block (parent link, height, time, bits).
    p = { ...p, hash: b.hash, hex: blockKeyHex(b.hash), header: b.header, height: p.height + 1, parent: p };
  }
  return out;
}

// Branches arrive as headers-first sync delivers them (requested): a branch still behind the tip is stored.
async function submit(chain: Chain, blocks: Block[]): Promise<string[]> {
  const statuses: string[] = [];
  for (const b of blocks) statuses.push((await chain.processBlock(b, { requested: true })).status);
  return statuses;
}

function recordReorgs(chain: Chain): ReorgEvent[] {
  const out: ReorgEvent[] = [];
  chain.on('reorg', (e) => out.push(e));
  return out;
}

const hexes = (blocks: readonly Block[]): string[] => blocks.map((b) => toHex(b.hash));

t.test('a mutated body is rejected without caching the header; the real block is accepted after', async (t) => {
  const { chain } = await fresh(t);
  const a = new Actor();
  const txs = [a.tx(), a.tx(), a.tx()];
  const good = mine(chain, txs);
  await expectReject(t, chain, new Block(good.header, good.meta, [new Actor().tx()]), 'BLOCK_BAD_MERKLE_ROOT', 'different txs');
  await expectReject(t, chain, new Block(good.header, good.meta, [...txs, txs[2]!]), 'BLOCK_BAD_MERKLE_ROOT', 'last tx duplicated (CVE-2012-2459 shape)');
  await expectReject(t, chain, new Block(good.header, good.meta, txs.slice(0, 2)), 'BLOCK_BAD_MERKLE_ROOT', 'tx dropped');
  await expectReject(t, chain, new Block(good.header, { ...good.meta, extra: Uint8Array.of(1) }, txs), 'BLOCK_BAD_MERKLE_ROOT', 'meta changed');
  t.equal(chain.invalidReason(good.hash), undefined);
  t.equal((await chain.processBlock(good)).status, 'connected');
  t.equal((await chain.processBlock(good)).status, 'duplicate', 'a second copy is a duplicate');
  await assertConsistent(t, chain);
});

t.test('equal-work forks keep the first-seen chain', async (t) => {
  const { chain, path } = await fresh(t);
  const g = chain.tip;
  const a = branch(chain, g, 2);
  const b = branch(chain, g, 2);
  t.same(await submit(chain, a), ['connected', 'connected']);
  t.same(await submit(chain, b), ['side', 'side']);
  t.equal(chain.tip.hex, toHex(a[1]!.hash), 'first seen stays');
  await assertConsistent(t, chain);
  // After a restart the tie still goes to the first-seen block (arrival order is stored with each entry).
  await chain.store.close();
  const reopened = await openChainWith(path);
  t.equal(reopened.chain.tip.hex, toHex(a[1]!.hash), 'still the first seen after reopening');
  await reopened.store.close();
});

t.test('a longer fork reorganises, and the original branch growing longer reorganises back', async (t) => {
  const { chain, path } = await fresh(t);
  const reorgs = recordReorgs(chain);
  const disconnected: string[] = [];
  chain.on('block:disconnected', (e) => disconnected.push(e.entry.hex));
  const x = new Actor();
  const y = new Actor();
  await submit(chain, branch(chain, chain.tip, 2));
  const fork = chain.tip;
  const xa = [x.tx('doc.certify', 'd1'), x.tx('doc.certify', 'd2')];
  const a = branch(chain, fork, 3, [[xa[0]!], [xa[1]!], []]);
  t.same(await submit(chain, a), ['connected', 'connected', 'connected']);
  x.nonce = 0;
  const xb = x.tx('doc.certify', 'd3');
  const b = branch(chain, fork, 4, [[xb], [y.tx('supply.shipped', 'box')], [], []]);
  t.same(await submit(chain, b), ['side', 'side', 'side', 'connected'], 'the fourth block makes the fork heavier');
  t.equal(chain.tip.hex, toHex(b[3]!.hash));
  t.equal(reorgs.length, 1);
  t.equal(reorgs[0]!.fork.hex, fork.hex);
  t.same(hexes(reorgs[0]!.disconnected), hexes(a).reverse(), 'disconnected tip first');
  t.same(hexes(reorgs[0]!.connected), hexes(b));
  t.same(disconnected, hexes(a).reverse());
  const store = chain.store;
  t.equal(await store.getNextNonce(xb.fields.from), 1, 'actor nonce restored then advanced on the new branch');
  t.same(
    (await store.actionsByActor(xb.fields.from)).items.map((i) => toHex(i.txid)),
    [xb.txidHex],
  );
  t.equal((await store.actionsBySubject('d1')).items.length, 0, 'subject index of the old branch removed');
  t.equal(await store.getTxLocation(xa[1]!.txid), undefined, 'old tx location removed');
  t.equal((await store.actionsByKind('supply.shipped')).items.length, 1);
  await assertConsistent(t, chain);

  // The original branch grows past the fork again (it re-mines x's actions and more).
  const a2 = branch(chain, chain.tree.get(a[2]!.hash)!, 2);
  t.same(await submit(chain, a2), ['side', 'connected']);
  t.equal(reorgs.length, 2);
  t.same(hexes(reorgs[1]!.disconnected), hexes(b).reverse());
  t.same(hexes(reorgs[1]!.connected), hexes([...a, ...a2]));
  t.equal(await store.getNextNonce(xb.fields.from), 2);
  t.equal(await store.getNextNonce(b[1]!.txs[0]!.fields.from), 0, 'an actor only on the dropped branch is back to 0');
  t.equal((await store.actionsBySubject('box')).items.length, 0);
  await assertConsistent(t, chain);

  // The state survives a reopen.
  await store.close();
  const reopened = await openChainWith(path);
  t.equal(reopened.chain.tip.hex, toHex(a2[1]!.hash));
  await assertConsistent(t, reopened.chain, 'consistent after reopen');
  await reopened.store.close();
});

t.test('orphans arriving in reverse order all connect when the missing parent arrives', async (t) => {
  const { chain } = await fresh(t);
  const a = new Actor();
  const blocks = branch(chain, chain.tip, 5, [[a.tx()], [a.tx()], [a.tx()], [a.tx()], [a.tx()]]);
  for (const b of blocks.slice(1).reverse()) await expectReject(t, chain, b, 'BLOCK_UNKNOWN_PARENT');
  t.equal(chain.orphans.size, 4);
  t.equal((await chain.processBlock(blocks[0]!)).status, 'connected');
  t.equal(chain.height, 5);
  t.equal(chain.orphans.size, 0);
  t.equal(await chain.store.getNextNonce(a.tx().fields.from), 5);
  await assertConsistent(t, chain);
});

/**
 * Main chain of `mainLen` blocks, then a branch from genesis of `branchLen` = mainLen + 1 blocks (heavier only once
 * its last block arrives) whose block `badAt` holds a transaction with a bad signature. Blocks arrive one at a
 * time, so the valid prefix of the failed branch never has more work than the old chain.
 */
async function failingBranch(
  t: Test,
  mainLen: number,
  branchLen: number,
  badAt: number,
): Promise<{ chain: Chain; main: Block[]; side: Block[]; reorgs: ReorgEvent[] }> {
  const { chain } = await fresh(t);
  const g = chain.tip;
  const x = new Actor();
  const main = branch(
    chain,
    g,
    mainLen,
    Array.from({ length: mainLen }, () => [x.tx('audit.login', 'main')]),
  );
  await submit(chain, main);
  const reorgs = recordReorgs(chain);
  const y = new Actor();
  x.nonce = 0;
  const txs = Array.from({ length: branchLen }, (_, i) => {
    const tx = i % 2 === 0 ? x.tx('audit.login', 'side') : y.tx('audit.login', 'side');
    if (i !== badAt) return [tx];
    const sig = Uint8Array.from(tx.fields.sig);
    sig[3]! ^= 1;
    return [withSig(tx, sig)];
  });
  const side = branch(chain, g, branchLen, txs);
  const rejected: string[] = [];
  chain.on('block:rejected', (e) => rejected.push(e.error.code));
  for (const b of side.slice(0, -1))
    await chain.processBlock(b, { requested: true }).catch((err: { code: string }) => t.equal(err.code, 'BLOCK_BAD_SIGNATURE'));
  t.equal(chain.tip.hex, toHex(main[mainLen - 1]!.hash), 'lighter branch blocks stay on the side');
  await t.rejects(chain.processBlock(side[branchLen - 1]!, { requested: true }), {
    code: badAt === branchLen - 1 ? 'BLOCK_BAD_SIGNATURE' : 'BLOCK_INVALID_PARENT',
  });
  t.same(
    rejected,
    badAt === branchLen - 1 ? ['BLOCK_BAD_SIGNATURE'] : ['BLOCK_BAD_SIGNATURE', 'BLOCK_INVALID_PARENT'],
    'block:rejected for the failing block, then the submitted descendant',
  );
  t.equal(chain.invalidReason(side[badAt]!.hash), 'BLOCK_BAD_SIGNATURE');
  for (const b of side.slice(badAt + 1)) t.equal(chain.invalidReason(b.hash), 'BLOCK_INVALID_PARENT', 'descendants are invalid too');
  return { chain, main, side, reorgs };
}

t.test('a heavier branch failing on connect: the old chain comes back when it has more work', async (t) => {
  const { chain, main, reorgs } = await failingBranch(t, 3, 4, 1);
  t.equal(chain.tip.hex, toHex(main[2]!.hash), 'back on the original chain');
  t.equal(reorgs.length, 2, 'switched to the branch and back');
  t.same(hexes(reorgs[1]!.connected), hexes(main));
  t.equal(await chain.store.getNextNonce(main[0]!.txs[0]!.fields.from), 3);
  await assertConsistent(t, chain);
});

t.test('a heavier branch failing on connect: on equal work the first-seen chain comes back', async (t) => {
  const { chain, main } = await failingBranch(t, 2, 3, 2);
  t.equal(chain.tip.hex, toHex(main[1]!.hash), 'ties keep the chain seen first (SPEC 3)');
  await assertConsistent(t, chain);
});

t.test('a transaction mined on a dropped branch may be mined again on the new one, once', async (t) => {
  const { chain } = await fresh(t);
  const g = chain.tip;
  const a = new Actor();
  const tx = a.tx('doc.certify', 'contract');
  await submit(chain, branch(chain, g, 1, [[tx]]));
  await expectReject(t, chain, mine(chain, [tx]), 'BLOCK_BAD_NONCE', 'replay on the same branch');
  const b = branch(chain, g, 2, [[], [tx]]);
  t.same(await submit(chain, b), ['side', 'connected']);
  const loc = await chain.store.getTxLocation(tx.txid);
  t.equal(loc === undefined ? undefined : toHex(loc.blockHash), toHex(b[1]!.hash), 'located in the new branch');
  t.same(
    (await chain.store.actionsByActor(tx.fields.from)).items.map((i) => toHex(i.txid)),
    [tx.txidHex],
  );
  await expectReject(t, chain, mine(chain, [tx]), 'BLOCK_BAD_NONCE', 'replay after the reorg');
  await assertConsistent(t, chain);
});
