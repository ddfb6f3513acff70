// Reorganisations: transactions of a dropped branch return to the mempool and end up mined exactly once; a deep
// (1,000-block) reorg with transactions on both branches leaves a consistent database.
import t from 'tap';
import { type Chain } from '../../src/chain/chain.js';
import { type ReorgEvent } from '../../src/chain/events.js';
import { type TreeNode } from '../../src/chain/block-tree.js';
import { Mempool } from '../../src/mempool/mempool.js';
import { toHex } from '../../src/util/bytes.js';
import { type Block } from '../../src/primitives/block.js';
import { type Transaction } from '../../src/primitives/transaction.js';
import { assertConsistent, openChainWith } from './helpers.js';
import { Actor, CHAIN_ID, NET, mine, tempDir } from '../utils/chain.js';
import { blockKeyHex } from '../../src/primitives/header.js';

/** Mine a branch on `parent` (txs[i] go into block i) without submitting it. */
function branch(chain: Chain, parent: TreeNode, txs: Transaction[][], tag: number): Block[] {
  const out: Block[] = [];
  let p = parent;
  for (let i = 0; i < txs.length; i++) {
    const b = mine(chain, txs[i]!, p, Uint8Array.of(tag, i >> 8, i & 0xff));
    out.push(b);
    p = { ...p, hash: b.hash, hex: blockKeyHex(b.hash), header: b.header, height: p.height + 1, parent: p };
  }
  return out;
}

// As headers-first sync delivers a branch (requested): stored while still behind the tip.
async function submitAll(chain: Chain, blocks: Block[]): Promise<void> {
  for (const b of blocks) await chain.processBlock(b, { requested: true });
}

/** Every txid the actor index holds for `actor`, in nonce order, with the nonces. */
async function minedByActor(chain: Chain, actor: Uint8Array): Promise<Array<{ nonce: number; txid: string }>> {
  const out: Array<{ nonce: number; txid: string }> = [];
  let cursor: string | undefined;
  do {
    const page = await chain.store.actionsByActor(actor, { limit: 100, cursor });
    out.push(...page.items.map((i) => ({ nonce: i.nonce, txid: toHex(i.txid) })));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}

t.test('transactions of the losing branch return to the mempool and are mined exactly once', async (t) => {
  const dir = await tempDir();
  const { chain, store } = await openChainWith(dir.path);
  t.teardown(async () => {
    await store.close();
    await dir.cleanup();
  });
  const pool = new Mempool({ maxTxBytes: NET.maxTxBytes }, { chainId: CHAIN_ID, nextNonce: (actor) => store.getNextNonce(actor) });
  chain.on('block:connected', (e) => pool.blockConnected(e.block.txs));
  chain.on('block:disconnected', (e) => pool.blockDisconnected(e.block.txs));
  const reorgs: ReorgEvent[] = [];
  chain.on('reorg', (e) => reorgs.push(e));
  const mineTemplate = async (): Promise<Block> => {
    const b = mine(chain, pool.buildTemplate(NET.maxBlockBytes));
    t.equal((await chain.processBlock(b)).status, 'connected');
    return b;
  };

  const fork = chain.tip;
  const [a, b, c, d] = [new Actor(), new Actor(), new Actor(), new Actor()];
  const aTxs = Array.from({ length: 5 }, (_, i) => a.tx('doc.certify', `doc-${i}`));
  const bTxs = Array.from({ length: 3 }, () => b.tx('supply.shipped', 'container-7'));
  const cTxs = [c.tx('metric', 'sensor-1', { t: 20 }), c.tx('metric', 'sensor-1', { t: 21 })];
  for (const tx of [...aTxs.slice(0, 3), ...bTxs.slice(0, 2), ...cTxs]) await pool.add(tx);
  const m1 = await mineTemplate();
  t.equal(m1.txs.length, 7, 'the template took the whole pool');
  for (const tx of [...aTxs.slice(3), bTxs[2]!]) await pool.add(tx);
  const m2 = await mineTemplate();
  t.equal(pool.size, 0);

  // A heavier branch from before m1: re-mines two of a's actions, mines a conflicting action for c (nonce 0,
  // different payload) and actions of a new actor d.
  c.nonce = 0;
  const cConflict = c.tx('metric', 'sensor-1', { t: 99 });
  const dTxs = [d.tx('review', 'product-1'), d.tx('review', 'product-2')];
  const alt = branch(chain, fork, [[aTxs[0]!, aTxs[1]!, cConflict], [dTxs[0]!], [dTxs[1]!]], 0xa1);
  await submitAll(chain, alt);
  t.equal(chain.tip.hex, toHex(alt[2]!.hash), 'reorganised to the heavier branch');
  t.equal(reorgs.length, 1);
  t.same(
    reorgs[0]!.disconnected.map((x) => x.header.hashHex),
    [m2.header.hashHex, m1.header.hashHex],
  );
  t.same(
    reorgs[0]!.connected.map((x) => x.header.hashHex),
    alt.map((x) => x.header.hashHex),
  );
  t.notOk(pool.has(aTxs[0]!.txid), 'a tx mined on both branches is not pooled');
  t.notOk(pool.has(cTxs[0]!.txid), 'the action replaced by a conflicting one is dropped');
  for (const tx of [...aTxs.slice(2), ...bTxs, cTxs[1]!]) t.ok(pool.has(tx.txid), `returned to the pool: ${tx.fields.kind} ${tx.fields.nonce}`);

  await mineTemplate();
  t.equal(pool.size, 0, 'the template on the new branch took every returned transaction');
  const losing = [...m1.txs, ...m2.txs];
  for (const tx of losing) {
    const mined = await minedByActor(chain, tx.fields.from);
    const same = mined.filter((m) => m.txid === tx.txidHex);
    if (tx.txidHex === cTxs[0]!.txidHex) {
      t.same(same, [], 'the conflicting original is not mined');
      continue;
    }
    t.equal(same.length, 1, `mined exactly once: ${tx.txidHex.slice(0, 12)}`);
    t.equal(same[0]?.nonce, tx.fields.nonce);
    const loc = await store.getTxLocation(tx.txid);
    t.ok(loc !== undefined && chain.tree.isMain(chain.tree.get(loc.blockHash)!), 'located on the main chain');
  }
  for (const [actor, n] of [
    [a, 5],
    [b, 3],
    [c, 2],
    [d, 2],
  ] as const) {
    const mined = await minedByActor(chain, actor.tx().fields.from);
    t.same(
      mined.map((m) => m.nonce),
      Array.from({ length: n }, (_, i) => i),
      'nonces contiguous from 0',
    );
    t.equal(await store.getNextNonce(actor.tx().fields.from), n);
  }
  await assertConsistent(t, chain);
});

t.test('a 1,000-block reorg with transactions on both branches', async (t) => {
  const dir = await tempDir();
  const { chain, store } = await openChainWith(dir.path);
  t.teardown(async () => {
    await store.close();
    await dir.cleanup();
  });
  const DEPTH = 1_000;
  const actors = Array.from({ length: 5 }, () => new Actor());
  const kinds = ['audit.login', 'doc.certify', 'metric'];
  const txsFor = (n: number, salt: string): Transaction[][] =>
    Array.from({ length: n }, (_, i) => [actors[i % actors.length]!.tx(kinds[i % kinds.length], `subject-${i % 7}`, { salt, i })]);
  const fork = chain.tip;
  const main = branch(chain, fork, txsFor(DEPTH, 'main'), 0x01);
  await submitAll(chain, main);
  t.equal(chain.height, DEPTH);
  for (const a of actors) a.nonce = 0;
  const alt = branch(chain, fork, txsFor(DEPTH + 1, 'alt'), 0x02);
  await submitAll(chain, alt.slice(0, DEPTH));
  t.equal(chain.tip.hex, toHex(main[DEPTH - 1]!.hash), 'equal work: still on the first branch');
  const reorgs: ReorgEvent[] = [];
  chain.on('reorg', (e) => reorgs.push(e));
  const start = performance.now();
  t.equal((await chain.processBlock(alt[DEPTH]!)).status, 'connected');
  const ms = performance.now() - start;
  t.comment(`1,000-block reorg took ${ms.toFixed(0)} ms`);
  t.equal(chain.height, DEPTH + 1);
  t.equal(reorgs.length, 1);
  t.equal(reorgs[0]!.disconnected.length, DEPTH);
  t.equal(reorgs[0]!.connected.length, DEPTH + 1);
  t.equal(reorgs[0]!.fork.hex, fork.hex);
  for (const [i, a] of actors.entries()) {
    const expected = Math.ceil((DEPTH + 1 - i) / actors.length);
    t.equal(await store.getNextNonce(a.tx().fields.from), expected, `actor ${i} next nonce`);
  }
  t.equal(await store.getTxLocation(main[500]!.txs[0]!.txid), undefined, 'old branch txs are gone from the index');
  t.equal((await store.actionsBySubject('subject-3', { limit: 1000 })).items.length, Math.ceil((DEPTH + 1 - 3) / 7));
  await assertConsistent(t, chain);
});
