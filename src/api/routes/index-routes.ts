import type { FastifyInstance } from 'fastify';
import { fromHex, toHex } from '../../primitives/bytes.js';
import type { PageRequest } from '../../store/pages.js';
import type { ApiContext } from '../context.js';
import { txToJson } from '../json.js';
import type { AccountJson, ActionJson, ActionPageJson } from '../types.js';
import { S } from './schemas.js';

async function resolveActions(ctx: ApiContext, txids: Uint8Array[]): Promise<ActionJson[]> {
  const out: ActionJson[] = [];
  for (const txid of txids) {
    const loc = await ctx.chain.store.getTxLocation(txid);
    if (loc === undefined) continue;
    const node = ctx.chain.tree.get(loc.blockHash);
    const block = await ctx.chain.getBlock(loc.blockHash);
    if (node === undefined || block === undefined) continue;
    out.push({ txid: toHex(txid), height: node.height, blockHash: node.header.hashHex, index: loc.index, time: node.header.time, tx: txToJson(block.txs[loc.index]!) });
  }
  return out;
}

type PageQuery = { limit?: number; cursor?: string; reverse?: boolean };

function pageOf(q: PageQuery): PageRequest {
  const p: PageRequest = {};
  if (q.limit !== undefined) p.limit = q.limit;
  if (q.cursor !== undefined && q.cursor !== '') p.cursor = q.cursor;
  if (q.reverse !== undefined) p.reverse = q.reverse;
  return p;
}

/** Account, subject and kind index routes (cursor pagination: pass `nextCursor` back as `cursor`). */
export function indexRoutes(app: FastifyInstance, ctx: ApiContext): void {
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
      const page = await ctx.chain.store.actionsByActor(fromHex(req.params.actor.toLowerCase()), pageOf(req.query));
      return { items: await resolveActions(ctx, page.items.map((i) => i.txid)), ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) };
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
        const page = await list(req.params.name, pageOf(req.query));
        return { items: await resolveActions(ctx, page.items.map((i) => i.txid)), ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) };
      },
    );
  }
}
