import type { FastifyInstance } from 'fastify';
import { fromHex, toHex } from '../../util/bytes.js';
import type { Page, PageRequest } from '../../store/pages.js';
import { BlockReader, type ReadBudget } from '../block-reader.js';
import type { ApiContext } from '../context.js';
import { txToJson } from '../json.js';
import type { AccountJson, ActionJson, ActionPageJson } from '../types.js';
import { S } from './schemas.js';

/** Where an index item's transaction lies: the index gives height and position, or only the txid (actor index). */
type ItemRef = { txid: Uint8Array; height?: number; index?: number };

/**
 * The actions of one index page, each decoded alone from its block (bodies read once per request), stopping
 * early with the cursor of the last item returned when the request's read budget is spent.
 */
async function resolveActions(ctx: ApiContext, page: Page<ItemRef>, budget: ReadBudget | undefined): Promise<ActionPageJson> {
  const reader = new BlockReader(ctx.chain, budget);
  const items: ActionJson[] = [];
  for (let i = 0; i < page.items.length; i++) {
    if (i > 0 && reader.exhausted) {
      const cursor = page.itemCursors?.[i - 1];
      if (cursor !== undefined) return { items, nextCursor: cursor };
    }
    const it = page.items[i]!;
    let node;
    let index: number;
    if (it.height !== undefined && it.index !== undefined) {
      node = ctx.chain.tree.atHeight(it.height);
      index = it.index;
    } else {
      const loc = await ctx.chain.store.getTxLocation(it.txid);
      if (loc === undefined) continue;
      node = ctx.chain.tree.get(loc.blockHash);
      index = loc.index;
    }
    if (node === undefined) continue;
    const tx = await reader.tx(node.hash, index);
    // A reorg between the index read and this one: the position now holds another transaction.
    if (tx === undefined || tx.txidHex !== toHex(it.txid)) continue;
    items.push({ txid: toHex(it.txid), height: node.height, blockHash: node.header.hashHex, index, time: node.header.time, tx: txToJson(tx) });
  }
  return { items, ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) };
}

type PageQuery = { limit?: number; cursor?: string; reverse?: boolean };

function pageOf(q: PageQuery): PageRequest {
  const p: PageRequest = {};
  if (q.limit !== undefined) p.limit = q.limit;
  if (q.cursor !== undefined && q.cursor !== '') p.cursor = q.cursor;
  if (q.reverse !== undefined) p.reverse = q.reverse;
  return p;
}

/**
 * Account, subject and kind index routes (cursor pagination: pass `nextCursor` back as `cursor`). A page may hold
 * fewer than `limit` items when it reached the per-request read budget; `nextCursor` then continues it.
 */
export function indexRoutes(app: FastifyInstance, ctx: ApiContext, budget?: ReadBudget): void {
  const actorParams = { type: 'object', properties: { actor: S.actor }, required: ['actor'] } as const;

  app.get<{ Params: { actor: string } }>(
    '/accounts/:actor',
    { schema: { summary: "An actor's nonces: on chain and counting the mempool", tags: ['indexes'], params: actorParams } },
    async (req): Promise<AccountJson> => {
      const actor = fromHex(req.params.actor.toLowerCase());
      const nextNonce = await ctx.chain.store.getNextNonce(actor);
      const pending = ctx.mempool.byActor(actor);
      let pendingNonce = nextNonce;
      for (const tx of pending) if (tx.fields.nonce === pendingNonce) pendingNonce++;
      return { actor: toHex(actor), nextNonce, pendingNonce, pending: pending.length };
    },
  );

  app.get<{ Params: { actor: string }; Querystring: PageQuery }>(
    '/accounts/:actor/actions',
    { schema: { summary: "An actor's mined actions in nonce order", tags: ['indexes'], params: actorParams, querystring: S.page } },
    async (req): Promise<ActionPageJson> => {
      return resolveActions(ctx, await ctx.chain.store.actionsByActor(fromHex(req.params.actor.toLowerCase()), pageOf(req.query)), budget);
    },
  );

  for (const [path, what, list] of [
    ['/subjects/:name/actions', 'subject', (n: string, p: PageRequest) => ctx.chain.store.actionsBySubject(n, p)],
    ['/kinds/:name/actions', 'kind', (n: string, p: PageRequest) => ctx.chain.store.actionsByKind(n, p)],
  ] as const) {
    app.get<{ Params: { name: string }; Querystring: PageQuery }>(
      path,
      {
        schema: {
          summary: `Mined actions of a ${what}, in chain order`,
          tags: ['indexes'],
          params: { type: 'object', properties: { name: { type: 'string', minLength: 1, maxLength: what === 'kind' ? 64 : 128 } }, required: ['name'] },
          querystring: S.page,
        },
      },
      async (req): Promise<ActionPageJson> => {
        return resolveActions(ctx, await list(req.params.name, pageOf(req.query)), budget);
      },
    );
  }
}
