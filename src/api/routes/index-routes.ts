import type { FastifyInstance, FastifyReply } from 'fastify';
import { fromHex, toHex } from '../../util/bytes.js';
import type { Transaction } from '../../primitives/transaction.js';
import { StoreError, StoreErrorCode } from '../../store/errors.js';
import type { Page, PageRequest } from '../../store/pages.js';
import { BlockReader, type ReadBudget } from '../block-reader.js';
import type { ApiContext } from '../context.js';
import { txToJson, withIdentityFlags } from '../json.js';
import { chainTimeOf } from '../query/chain-time.js';
import { EXPORT_TYPES, exportStream, type Lister } from '../query/export.js';
import { EXPORT_FIELDS, parseFields, pickFormat, RANGE_QUERY_PROPERTIES, resolveRange, type RangeQuery, type ResolvedRange } from '../query/params.js';
import { resolveRows, type ItemRef, type RowItem } from '../query/rows.js';
import type { AccountJson, ActionJson, ActionPageJson } from '../types.js';
import { S } from './schemas.js';

/**
 * The actions of one index page, each decoded alone from its block (bodies read once per request), stopping
 * early with the cursor of the last item returned when the request's read budget is spent.
 */
export async function resolveActions(ctx: ApiContext, page: Page<ItemRef>, budget: ReadBudget | undefined): Promise<ActionPageJson> {
  const reader = new BlockReader(ctx.chain, budget);
  const items: ActionJson[] = [];
  const txs: Transaction[] = [];
  for (let i = 0; i < page.items.length; i++) {
    if (i > 0 && reader.exhausted) {
      const cursor = page.itemCursors?.[i - 1];
      if (cursor !== undefined) return { items: await withIdentityFlags(ctx.chain.identity, items, txs), nextCursor: cursor };
    }
    const it = page.items[i]!;
    let node;
    let index: number;
    if (it.height !== undefined && it.index !== undefined) {
      node = ctx.chain.nodeAt(it.height);
      index = it.index;
    } else {
      const loc = await ctx.chain.txLocation(it.txid);
      if (loc === undefined) continue;
      node = ctx.chain.node(loc.blockHash);
      index = loc.index;
    }
    if (node === undefined) continue;
    const tx = await reader.tx(node.hash, index);
    // A reorg between the index read and this one: the position now holds another transaction.
    if (tx === undefined || tx.txidHex !== toHex(it.txid)) continue;
    items.push({ txid: toHex(it.txid), height: node.height, blockHash: node.header.hashHex, index, time: node.header.time, tx: txToJson(tx) });
    txs.push(tx);
  }
  return { items: await withIdentityFlags(ctx.chain.identity, items, txs), ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) };
}

type ListQuery = RangeQuery & { limit?: number; cursor?: string; reverse?: boolean; fields?: string; format?: string; kind?: string };

function pageOf(q: ListQuery): PageRequest {
  const p: PageRequest = {};
  if (q.limit !== undefined) p.limit = q.limit;
  if (q.cursor !== undefined && q.cursor !== '') p.cursor = q.cursor;
  if (q.reverse !== undefined) p.reverse = q.reverse;
  return p;
}

const listQuery = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...S.page,
  properties: { ...S.page.properties, ...RANGE_QUERY_PROPERTIES, ...extra },
});

/**
 * One list request: a JSON page (full actions by default; only `fields` when given, from the query rows) or, for
 * `format=csv|ndjson` or such an Accept header, the whole range streamed from the cursor on.
 */
async function answerList(
  ctx: ApiContext,
  q: ListQuery,
  accept: string | undefined,
  reply: FastifyReply,
  list: (range: ResolvedRange) => Promise<Lister>,
  budget: ReadBudget | undefined,
): Promise<unknown> {
  const fields = parseFields(q.fields);
  const format = pickFormat(q.format, accept);
  const range = resolveRange(q, chainTimeOf(ctx.chain));
  const lister: Lister = range.empty ? async () => ({ items: [] }) : await list(range);
  if (format !== 'json') {
    const p = pageOf(q);
    // A stream cannot turn into an error answer once started: check what the first page would refuse first.
    if (p.cursor !== undefined && p.cursor.length % 2 !== 0) throw new StoreError(StoreErrorCode.badCursor, 'cursor is not valid hex');
    reply.type(EXPORT_TYPES[format]);
    return exportStream(ctx, lister, {
      fields: fields ?? EXPORT_FIELDS,
      format,
      ...(p.cursor === undefined ? {} : { cursor: p.cursor }),
      ...(p.reverse === true ? { reverse: true } : {}),
      ...(q.limit === undefined ? {} : { limit: q.limit }),
      ...(budget === undefined ? {} : { budget }),
    });
  }
  const removals = ctx.chain.mainRemovals;
  const page = await lister(pageOf(q));
  if (fields === undefined) return resolveActions(ctx, page, budget);
  const { items, cut } = await resolveRows(ctx, page.items, fields, { ...(budget === undefined ? {} : { budget }), removals });
  const nextCursor = cut === undefined ? page.nextCursor : page.itemCursors?.[cut - 1];
  return { items, ...(nextCursor === undefined ? {} : { nextCursor }) } satisfies { items: RowItem[]; nextCursor?: string };
}

/**
 * Account, subject and kind index routes (cursor pagination: pass `nextCursor` back as `cursor`). Every list takes
 * `since`/`until` (chain time, see ChainTime) and `fromHeight`/`toHeight`, answered by seeking to the first key;
 * `fields=` picks item fields; `format=csv|ndjson` (or Accept) streams the range. A page may hold fewer than
 * `limit` items when it reached the per-request read budget; `nextCursor` then continues it.
 */
export function indexRoutes(app: FastifyInstance, ctx: ApiContext, budget?: ReadBudget): void {
  const actorParams = { type: 'object', properties: { actor: S.actor }, required: ['actor'] } as const;

  app.get<{ Params: { actor: string } }>(
    '/accounts/:actor',
    { schema: { summary: "An actor's nonces: on chain and counting the mempool", tags: ['indexes'], params: actorParams } },
    async (req): Promise<AccountJson> => {
      const actor = fromHex(req.params.actor.toLowerCase());
      const nextNonce = await ctx.chain.nextNonce(actor);
      const pending = ctx.mempool.byActor(actor);
      let pendingNonce = nextNonce;
      for (const tx of pending) if (tx.fields.nonce === pendingNonce) pendingNonce++;
      return { actor: toHex(actor), nextNonce, pendingNonce, pending: pending.length };
    },
  );

  app.get<{ Params: { actor: string }; Querystring: ListQuery }>(
    '/accounts/:actor/actions',
    { schema: { summary: "An actor's mined actions in nonce order (= chain order)", tags: ['indexes'], params: actorParams, querystring: listQuery() } },
    async (req, reply) => {
      const actor = fromHex(req.params.actor.toLowerCase());
      return answerList(
        ctx,
        req.query,
        req.headers.accept,
        reply,
        async (range) => {
          const chain = ctx.chain;
          const total = await chain.nextNonce(actor);
          const heightOf = (h: Uint8Array): number | undefined => chain.node(h)?.height;
          const from = range.fromHeight === undefined ? 0 : await chain.query.actorNonceAt(actor, total, range.fromHeight, heightOf);
          const to = range.toHeight === undefined ? total : await chain.query.actorNonceAt(actor, total, range.toHeight + 1, heightOf);
          return (p) => chain.query.actor(actor, from, Math.max(from, to), p);
        },
        budget,
      );
    },
  );

  app.get<{ Params: { name: string }; Querystring: ListQuery }>(
    '/subjects/:name/actions',
    {
      schema: {
        summary: 'Mined actions about a subject (of one kind with `kind`), in chain order',
        tags: ['indexes'],
        params: { type: 'object', properties: { name: { type: 'string', minLength: 1, maxLength: 128 } }, required: ['name'] },
        querystring: listQuery({ kind: { type: 'string', minLength: 1, maxLength: 64 } }),
      },
    },
    async (req, reply) =>
      answerList(ctx, req.query, req.headers.accept, reply, async (range) => (p) => ctx.chain.query.subject(req.params.name, req.query.kind, range, p), budget),
  );

  app.get<{ Params: { name: string }; Querystring: ListQuery }>(
    '/kinds/:name/actions',
    {
      schema: {
        summary: 'Mined actions of a kind, in chain order',
        tags: ['indexes'],
        params: { type: 'object', properties: { name: { type: 'string', minLength: 1, maxLength: 64 } }, required: ['name'] },
        querystring: listQuery(),
      },
    },
    async (req, reply) =>
      answerList(ctx, req.query, req.headers.accept, reply, async (range) => (p) => ctx.chain.query.kind(req.params.name, range, p), budget),
  );
}
