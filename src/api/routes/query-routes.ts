import type { FastifyInstance } from 'fastify';
import { fromHex } from '../../util/bytes.js';
import type { ReadBudget } from '../block-reader.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { aggregate, MAX_AGGREGATE_BUCKETS } from '../query/aggregate.js';
import { chainTimeOf } from '../query/chain-time.js';
import { parseBucket, parseFields, QueryErrorCode, RANGE_QUERY_PROPERTIES, resolveRange, type RangeQuery } from '../query/params.js';
import { resolveRows } from '../query/rows.js';
import type { CountOf } from '../../store/query-reader.js';
import { S } from './schemas.js';

const nameParams = (max: number): Record<string, unknown> => ({
  type: 'object',
  properties: { name: { type: 'string', minLength: 1, maxLength: max } },
  required: ['name'],
});
const kindQuery = { type: 'object', additionalProperties: false, properties: { kind: { type: 'string', minLength: 1, maxLength: 64 } } } as const;
const rangeProps = {
  since: RANGE_QUERY_PROPERTIES.since,
  until: RANGE_QUERY_PROPERTIES.until,
  fromHeight: RANGE_QUERY_PROPERTIES.fromHeight,
  toHeight: RANGE_QUERY_PROPERTIES.toHeight,
} as const;
const countQuery = (withKind: boolean): Record<string, unknown> => ({
  type: 'object',
  additionalProperties: false,
  properties: { ...(withKind ? kindQuery.properties : {}), ...rangeProps },
});
const countSchema = {
  type: 'object',
  properties: { subject: { type: 'string' }, kind: { type: 'string' }, actor: { type: 'string' }, count: { type: 'integer' } },
  required: ['count'],
} as const;
const bucketSchema = {
  type: 'object',
  properties: {
    start: { type: 'integer' },
    count: { type: 'integer' },
    min: { type: 'number' },
    max: { type: 'number' },
    mean: { type: 'number' },
    last: { type: 'number' },
  },
  required: ['start', 'count', 'min', 'max', 'mean', 'last'],
} as const;

/**
 * Counts (one read each, exact, kept through reorgs by the connect/disconnect batches), the latest action about a
 * subject, and aggregates of numeric payload fields of aggregated kinds (`query.aggregateKinds`), per time bucket.
 */
export function queryRoutes(app: FastifyInstance, ctx: ApiContext, budget?: ReadBudget): void {
  const query = ctx.chain.query;

  // Counts within a range come from the ordinals of its first and last entries: two seeks, whatever the size.
  const countIn = async (of: CountOf, q: RangeQuery): Promise<number> => {
    const range = resolveRange(q, chainTimeOf(ctx.chain));
    return range.empty ? 0 : query.count(of, range);
  };

  app.get<{ Params: { name: string }; Querystring: RangeQuery & { kind?: string } }>(
    '/subjects/:name/count',
    {
      schema: {
        summary: 'Exact count of mined actions about a subject (of one kind with `kind`), in a range when given',
        tags: ['indexes'],
        params: nameParams(128),
        querystring: countQuery(true),
        response: { 200: countSchema },
      },
    },
    async (req) => {
      const { name } = req.params;
      const kind = req.query.kind;
      return { subject: name, ...(kind === undefined ? {} : { kind }), count: await countIn({ subject: name, kind }, req.query) };
    },
  );

  app.get<{ Params: { name: string }; Querystring: RangeQuery }>(
    '/kinds/:name/count',
    {
      schema: {
        summary: 'Exact count of mined actions of a kind, in a range when given',
        tags: ['indexes'],
        params: nameParams(64),
        querystring: countQuery(false),
        response: { 200: countSchema },
      },
    },
    async (req) => ({ kind: req.params.name, count: await countIn({ kind: req.params.name }, req.query) }),
  );

  app.get<{ Params: { actor: string } }>(
    '/accounts/:actor/count',
    {
      schema: {
        summary: "Exact count of an actor's mined actions",
        tags: ['indexes'],
        params: { type: 'object', properties: { actor: S.actor }, required: ['actor'] },
        response: { 200: countSchema },
      },
    },
    // Nonces run 0, 1, 2, ... per actor with no gaps on the chain: the next nonce is the count.
    async (req) => ({ actor: req.params.actor.toLowerCase(), count: await ctx.chain.nextNonce(fromHex(req.params.actor.toLowerCase())) }),
  );

  app.get<{ Params: { name: string }; Querystring: { kind?: string; fields?: string } }>(
    '/subjects/:name/latest',
    {
      schema: {
        summary: 'The latest mined action about a subject (of one kind with `kind`); 404 when there is none',
        tags: ['indexes'],
        params: nameParams(128),
        querystring: { type: 'object', additionalProperties: false, properties: { kind: kindQuery.properties.kind, fields: RANGE_QUERY_PROPERTIES.fields } },
      },
    },
    async (req) => {
      const fields = parseFields(req.query.fields) ?? ['txid', 'height', 'index', 'time', 'blockHash', 'tx'];
      const removals = ctx.chain.mainRemovals;
      const pos = await query.latest(req.params.name, req.query.kind);
      const item = pos === undefined ? undefined : (await resolveRows(ctx, [pos], fields, { ...(budget === undefined ? {} : { budget }), removals })).items[0];
      if (item === undefined)
        throw new ApiError(
          'NOT_FOUND',
          `no mined action about subject '${req.params.name}'${req.query.kind === undefined ? '' : ` of kind '${req.query.kind}'`}`,
        );
      return item;
    },
  );

  type AggregateQuery = RangeQuery & { field: string; bucket?: string; kind?: string };
  app.get<{ Params: { name: string }; Querystring: AggregateQuery }>(
    '/subjects/:name/aggregate',
    {
      schema: {
        summary: `Count, min, max, mean and last of a numeric payload field per time bucket (block time), at most ${MAX_AGGREGATE_BUCKETS} buckets`,
        tags: ['indexes'],
        params: nameParams(128),
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['field'],
          properties: {
            field: { type: 'string', minLength: 1, maxLength: 64 },
            bucket: { type: 'string', maxLength: 12, description: '30s, 1m, 1h, 1d or seconds (default 1m)' },
            kind: { type: 'string', minLength: 1, maxLength: 64, description: 'an aggregated kind (default metric)' },
            since: RANGE_QUERY_PROPERTIES.since,
            until: RANGE_QUERY_PROPERTIES.until,
            fromHeight: RANGE_QUERY_PROPERTIES.fromHeight,
            toHeight: RANGE_QUERY_PROPERTIES.toHeight,
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              subject: { type: 'string' },
              kind: { type: 'string' },
              field: { type: 'string' },
              bucket: { type: 'integer' },
              count: { type: 'integer' },
              buckets: { type: 'array', items: bucketSchema },
            },
          },
        },
      },
    },
    async (req) => {
      const q = req.query;
      const kind = q.kind ?? 'metric';
      if (!ctx.chain.queryOptions.aggregateKinds.includes(kind)) {
        throw new ApiError(
          QueryErrorCode.notAggregated,
          `kind '${kind}' is not aggregated (query.aggregateKinds: ${ctx.chain.queryOptions.aggregateKinds.join(', ') || 'none'})`,
        );
      }
      const bucket = parseBucket(q.bucket);
      const range = resolveRange(q, chainTimeOf(ctx.chain));
      const result = range.empty
        ? { count: 0, buckets: [] }
        : await aggregate(query.metric(req.params.name, kind, q.field, range), bucket, (h) => ctx.chain.nodeAt(h)?.header.time);
      return { subject: req.params.name, kind, field: q.field, bucket, ...result };
    },
  );
}
