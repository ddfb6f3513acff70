// Issue 12, fault 7: index and /blocks queries decoded a whole block per result (GET /kinds/k/actions?limit=1000
// over one 1.2 MB block took 8.3 s of CPU). Pages now locate each transaction inside its block's bytes, read each
// body once per request, and stop at a read budget with a cursor. Real chain, store and API (fastify inject).
import t, { type Test } from 'tap';
import type { ReadBudget } from '../../src/api/block-reader.js';
import type { FastifyInstance } from 'fastify';
import { createApi, API_DEFAULTS } from '../../src/api/server.js';
import { Block } from '../../src/primitives/block.js';
import { blockTxBytes, blockTxRanges, outlineBlock, blockMetaOf } from '../../src/primitives/block-outline.js';
import type { Chain } from '../../src/chain/chain.js';
import { Actor, mine, openChain, tempDir } from '../utils/chain.js';
import { bareApiContext } from './support.js';

const TXS = 1_200;

async function setup(t: Test, readBudget?: ReadBudget): Promise<{ chain: Chain; app: FastifyInstance; big: Block }> {
  const dir = await tempDir('query-cost-');
  const built = await openChain(dir.path);
  const actors = Array.from({ length: 12 }, () => new Actor());
  const txs = [];
  for (let i = 0; i < TXS; i++) {
    const a = actors[i % actors.length]!;
    txs.push(a.tx('k', `subj-${i % 3}`, { i, pad: 'p'.repeat(700) }));
  }
  await built.chain.processBlock(mine(built.chain));
  const big = mine(built.chain, txs);
  await built.chain.processBlock(big);
  await built.chain.processBlock(mine(built.chain, [actors[0]!.tx('k', 'subj-0')]));
  await built.chain.idle();
  await built.store.close();
  // Reopened: nothing in the chain's block cache, as for blocks mined long ago.
  const { chain, store } = await openChain(dir.path);
  const { ctx } = bareApiContext(chain, store, 'http://127.0.0.1:0');
  const app = await createApi({ ...API_DEFAULTS, rateLimitPerMinute: 0, ...(readBudget === undefined ? {} : { readBudget }) }, { ctx });
  t.teardown(async () => {
    await app.close();
    await chain.idle();
    await store.close();
    await dir.cleanup();
  });
  return { chain, app, big };
}

/** Count whole-block decodes while `fn` runs (the real decoder still runs). */
async function countingBlockDecodes<T>(fn: () => Promise<T>): Promise<{ value: T; decodes: number }> {
  const original = Block.decode;
  let decodes = 0;
  Block.decode = (...args: Parameters<typeof Block.decode>): Block => {
    decodes++;
    return original.apply(Block, args);
  };
  try {
    return { value: await fn(), decodes };
  } finally {
    Block.decode = original;
  }
}

t.test('fault 7: block outline agrees with the full decoder', async (t) => {
  const { big } = await setup(t);
  const o = outlineBlock(big.bytes);
  t.equal(o.txCount, TXS);
  t.equal(o.size, big.size);
  t.same(blockMetaOf(big.bytes, o), big.meta);
  const ranges = blockTxRanges(big.bytes, o);
  for (const i of [0, 1, 599, TXS - 1]) t.same(blockTxBytes(big.bytes, ranges, i), big.txs[i]!.bytes, `tx ${i} located in place`);
  t.equal(blockTxBytes(big.bytes, ranges, TXS), undefined);
  t.throws(() => outlineBlock(big.bytes.subarray(0, 1000)), { code: 'DECODE_MALFORMED' }, 'truncated body');
});

t.test('fault 7: /kinds/k/actions?limit=1000 over one big block decodes no block', async (t) => {
  const { app, big, chain } = await setup(t);
  const { value: res, decodes } = await countingBlockDecodes(() => app.inject({ method: 'GET', url: '/kinds/k/actions?limit=1000' }));
  t.equal(res.statusCode, 200);
  const body = res.json<{ items: Array<{ txid: string; index: number; height: number; tx: { kind: string; nonce: number } }>; nextCursor?: string }>();
  t.equal(decodes, 0, 'no whole block decoded (the old code decoded one per result: 1,000)');
  t.equal(body.items.length, 1000);
  t.ok(body.nextCursor !== undefined, 'more to come');
  body.items.forEach((it, i) => {
    if (it.txid !== big.txs[i]!.txidHex || it.index !== i || it.height !== 2) t.fail(`item ${i} wrong`);
  });
  t.pass('every item is the right transaction at the right position');
  const rest = res.json<{ nextCursor: string }>().nextCursor;
  const next = (await app.inject({ method: 'GET', url: `/kinds/k/actions?limit=1000&cursor=${rest}` })).json<{ items: unknown[]; nextCursor?: string }>();
  t.equal(next.items.length, TXS + 1 - 1000, 'the next page holds the rest');
  t.equal(next.nextCursor, undefined);

  const actor = big.txs[0]!.fields.from;
  const byActor = await countingBlockDecodes(() => app.inject({ method: 'GET', url: `/accounts/${Buffer.from(actor).toString('hex')}/actions?limit=1000` }));
  t.equal(byActor.decodes, 0, 'actor index: no whole block decoded');
  t.equal(byActor.value.json<{ items: unknown[] }>().items.length, TXS / 12 + 1);

  const one = await countingBlockDecodes(() => app.inject({ method: 'GET', url: `/txs/${big.txs[7]!.txidHex}` }));
  t.equal(one.decodes, 0, 'GET /txs/:txid decodes only its transaction');
  t.match(one.value.json(), { status: 'mined', tx: { txid: big.txs[7]!.txidHex }, block: { index: 7, height: 2 } });

  const blocks = await countingBlockDecodes(() => app.inject({ method: 'GET', url: '/blocks?limit=10' }));
  t.equal(blocks.decodes, 0, 'GET /blocks decodes no block');
  const list = blocks.value.json<{ blocks: Array<{ height: number; txCount: number; size: number; miner?: string }> }>().blocks;
  t.same(
    list.map((b) => [b.height, b.txCount]),
    [
      [3, 1],
      [2, TXS],
      [1, 0],
      [0, chain.tree.atHeight(0) === undefined ? 0 : (await chain.getBlock(chain.tree.atHeight(0)!.hash))!.txs.length],
    ],
  );
  t.equal(list[1]!.size, big.size);
  t.equal(list[1]!.miner, big.meta.miner);
});

t.test('fault 7: a page stops at the read budget and its cursor resumes it', async (t) => {
  // 100 KB of transactions per request: a 1,000-item page over ~800-byte transactions ends early.
  const { app } = await setup(t, { maxBodyBytes: 16 * 1024 * 1024, maxTxBytes: 100_000 });
  const seen = new Set<string>();
  let cursor: string | undefined;
  let pages = 0;
  do {
    const r = await app.inject({ method: 'GET', url: `/kinds/k/actions?limit=1000${cursor === undefined ? '' : `&cursor=${cursor}`}` });
    t.equal(r.statusCode, 200);
    const body = r.json<{ items: Array<{ txid: string }>; nextCursor?: string }>();
    if (pages === 0) t.ok(body.items.length < 1000 && body.items.length > 0, `first page cut at ${body.items.length} items`);
    for (const it of body.items) seen.add(it.txid);
    cursor = body.nextCursor;
    pages++;
  } while (cursor !== undefined && pages < 100);
  t.equal(seen.size, TXS + 1, `every action listed once over ${pages} pages`);

  const { app: tiny } = await setup(t, { maxBodyBytes: 1, maxTxBytes: 1 });
  const blocks = (await tiny.inject({ method: 'GET', url: '/blocks?limit=10' })).json<{ blocks: unknown[] }>().blocks;
  t.equal(blocks.length, 1, '/blocks stops after the first body once the budget is spent');
});
