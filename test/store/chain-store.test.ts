// ChainStore: index pagination (limit, cursor, reverse, bad cursors) and the identity checks at open.
import { ClassicLevel } from 'classic-level';
import t from 'tap';
import { chainId, getNetwork } from '../../src/consensus/networks.js';
import { toHex } from '../../src/util/bytes.js';
import { ChainStore } from '../../src/store/chain-store.js';
import { PAGE_LIMITS, type Page, type PageRequest } from '../../src/store/pages.js';
import { Keys, SCHEMA_VERSION, u32be } from '../../src/store/layout.js';
import { Actor, CHAIN_ID, mine, openChain, tempDir } from '../utils/chain.js';

type Lister = (req: PageRequest) => Promise<Page<{ txid: Uint8Array }>>;

/** Walk every page of a listing and return the txids in order, with the page sizes. */
async function walk(list: Lister, req: PageRequest): Promise<{ txids: string[]; sizes: number[] }> {
  const txids: string[] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await list({ ...req, cursor });
    txids.push(...page.items.map((i) => toHex(i.txid)));
    sizes.push(page.items.length);
    cursor = page.nextCursor;
    if (cursor === undefined) break;
  }
  return { txids, sizes };
}

t.test('pagination of the actor, subject and kind indexes', async (t) => {
  const dir = await tempDir();
  const { chain, store } = await openChain(dir.path);
  t.teardown(async () => {
    await store.close();
    await dir.cleanup();
  });
  const a = new Actor();
  const other = new Actor();
  const mined: string[] = [];
  for (let block = 0; block < 5; block++) {
    const txs = Array.from({ length: 5 }, () => a.tx('doc.certify', 'shared-subject'));
    txs.push(other.tx('audit.login', 'other-subject'));
    await chain.processBlock(mine(chain, txs));
    mined.push(...txs.slice(0, 5).map((x) => x.txidHex));
  }
  const from = a.tx().fields.from;
  const byActor: Lister = (req) => store.actionsByActor(from, req);
  const bySubject: Lister = (req) => store.actionsBySubject('shared-subject', req);
  const byKind: Lister = (req) => store.actionsByKind('doc.certify', req);
  for (const [name, list] of [
    ['actor', byActor],
    ['subject', bySubject],
    ['kind', byKind],
  ] as const) {
    const all = await list({});
    t.same(
      all.items.map((i) => toHex(i.txid)),
      mined,
      `${name}: default page holds everything in chain order`,
    );
    t.equal(all.nextCursor, undefined, `${name}: no cursor after the last page`);
    const fwd = await walk(list, { limit: 10 });
    t.same(fwd.txids, mined, `${name}: pages of 10 concatenate to the whole list`);
    t.same(fwd.sizes, [10, 10, 5], `${name}: page sizes`);
    const exact = await walk(list, { limit: 25 });
    t.same(exact.sizes, [25], `${name}: a page exactly as long as the list has no cursor`);
    const rev = await walk(list, { limit: 7, reverse: true });
    t.same(rev.txids, [...mined].reverse(), `${name}: reverse pages walk backwards`);
    t.same(rev.sizes, [7, 7, 7, 4]);
    const first = await list({ limit: 3 });
    const back = await list({ limit: 10, cursor: first.nextCursor, reverse: true });
    t.same(
      back.items.map((i) => toHex(i.txid)),
      mined.slice(0, 2).reverse(),
      `${name}: reverse from a forward cursor gives what came before`,
    );
    t.equal((await list({ limit: 0 })).items.length, 1, `${name}: limit is at least 1`);
    t.equal((await list({ limit: PAGE_LIMITS.max * 10 })).items.length, 25, `${name}: a huge limit is clamped, not refused`);
    for (const cursor of ['zz', 'abc', 'not hex at all', '0x12']) {
      await t.rejects(list({ cursor }), { code: 'STORE_BAD_CURSOR' }, `${name}: cursor ${JSON.stringify(cursor)}`);
    }
    const past = await list({ cursor: 'ff'.repeat(20) });
    t.same(past.items, [], `${name}: a well-formed cursor past the end gives an empty page`);
  }
  const nonces = (await store.actionsByActor(from, { limit: 4 })).items.map((i) => i.nonce);
  t.same(nonces, [0, 1, 2, 3], 'actor pages carry nonces');
  const page = await store.actionsBySubject('shared-subject', { limit: 2 });
  t.same(
    page.items.map((i) => [i.height, i.index]),
    [
      [1, 0],
      [1, 1],
    ],
    'subject pages carry height and position',
  );
  t.same((await store.actionsBySubject('no-such-subject')).items, []);
  t.same((await store.actionsBySubject('shared-subjec')).items, [], 'a prefix of a subject is another subject');
});

t.test('a database of another network is refused with STORE_WRONG_NETWORK', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const store = await ChainStore.open({ path: dir.path, chainId: CHAIN_ID });
  await store.close();
  const devnet = chainId(getNetwork('devnet'));
  const err = await ChainStore.open({ path: dir.path, chainId: devnet }).then(
    () => undefined,
    (e: unknown) => e as { code?: string; message?: string },
  );
  t.equal(err?.code, 'STORE_WRONG_NETWORK');
  t.match(err?.message ?? '', dir.path, 'the message names the directory');
  const again = await ChainStore.open({ path: dir.path, chainId: CHAIN_ID });
  t.pass('still opens for its own network (the refused open released the lock)');
  await again.close();
});

t.test('a database with another schema version is refused with STORE_SCHEMA_MISMATCH', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const store = await ChainStore.open({ path: dir.path, chainId: CHAIN_ID });
  await store.close();
  const raw = new ClassicLevel<Uint8Array, Uint8Array>(dir.path, { keyEncoding: 'view', valueEncoding: 'view' });
  await raw.open();
  await raw.put(Keys.schema(), u32be(SCHEMA_VERSION + 1));
  await raw.close();
  await t.rejects(ChainStore.open({ path: dir.path, chainId: CHAIN_ID }), { code: 'STORE_SCHEMA_MISMATCH' }, 'newer schema');
  await raw.open();
  await raw.del(Keys.schema());
  await raw.close();
  await t.rejects(ChainStore.open({ path: dir.path, chainId: CHAIN_ID }), { code: 'STORE_SCHEMA_MISMATCH' }, 'schema key missing');
});

t.test('an empty directory is initialised; a fresh chain writes genesis once', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  let { chain, store } = await openChain(dir.path);
  t.equal(chain.height, 0);
  t.equal(toHex((await store.getTipHash())!), toHex(CHAIN_ID), 'tip is genesis');
  await store.close();
  ({ chain, store } = await openChain(dir.path));
  t.equal(chain.tree.size, 1, 'genesis stored once');
  await store.close();
});

t.test('write-behind: reads see queued writes, and a nonce read racing a write never leaves an old value cached', async (t) => {
  const { randomBytes } = await import('node:crypto');
  const { genesisBlock } = await import('../../src/consensus/networks.js');
  const { getNetwork: net } = await import('../../src/consensus/networks.js');
  const dir = await tempDir();
  // A one-entry nonce cache: every connect of another actor evicts the previous one.
  const store = await ChainStore.open({ path: dir.path, chainId: CHAIN_ID, nonceCacheSize: 1 });
  t.teardown(async () => {
    await store.close();
    await dir.cleanup();
  });
  const block = genesisBlock(net('regtest'));
  const entry = (height: number): Parameters<ChainStore['writeConnect']>[0] => ({
    hash: new Uint8Array(randomBytes(32)),
    header: block.header,
    height,
    chainWork: BigInt(height),
    status: 0,
    seq: height,
  });
  const actor = (): Uint8Array => Uint8Array.of(2, ...randomBytes(32));
  const a = actor();
  const b = actor();
  const nonces = (who: Uint8Array, next: number): Map<string, [Uint8Array, number]> => new Map([[toHex(who), [who, next]]]);

  for (let round = 0; round < 20; round++) {
    const base = round * 10;
    await store.writeConnect(entry(base + 1), block, [], nonces(a, base + 5));
    const firstLanded = store.flush();
    await store.writeConnect(entry(base + 2), block, [], nonces(b, base + 3));
    const reading = store.getNextNonces([a]);
    await firstLanded;
    // Queued while the read waits, in a later batch than the one it waits for; then `a` is evicted again.
    await store.writeConnect(entry(base + 3), block, [], nonces(a, base + 9));
    await store.writeConnect(entry(base + 4), block, [], nonces(b, base + 4));
    const [seen] = await reading;
    t.ok(seen === base + 5 || seen === base + 9, `round ${round}: the racing read saw a state that existed (${seen})`);
    t.same(await store.getNextNonces([a]), [base + 9], `round ${round}: the current nonce afterwards`);
    await store.flush();
    t.same(await store.getNextNonces([a]), [base + 9], `round ${round}: and once everything landed`);
  }
  // Reads wait for queued writes: the tip written last is what a read returns, without a flush in between.
  const last = entry(999);
  await store.writeConnect(last, block, [], new Map());
  t.same(await store.getTipHash(), last.hash);
  t.same(await store.getHashAtHeight(999), last.hash);
});
