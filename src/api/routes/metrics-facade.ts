// Compatibility facade for the container-metrics service (an Express + MongoDB collector) that chain-node
// replaces: the same routes and JSON shapes, so a client switches by changing its base URL. Each record is an
// action of kind `metric` signed with the node-held key named by keys.metricsKey, subject = containerId.
import type { FastifyInstance } from 'fastify';
import { cborToJson } from '../json.js';
import { addressSource } from '../../mempool/sources.js';
import { fromHex } from '../../util/bytes.js';
import type { Transaction } from '../../primitives/transaction.js';
import { BlockReader } from '../block-reader.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { signingOf } from './action-routes.js';

/** A stored metric as the original service returned it (a Mongoose document). */
export interface MetricRecordJson {
  /** The record's id: the action's txid. */
  _id: string;
  containerId: string;
  memoryMB: number;
  cpuUsage: number;
  /** ISO 8601. */
  timestamp: string;
  /** When the node signed it (ISO 8601). */
  createdAt: string;
  __v: 0;
}

const KIND = 'metric';
const recordSchema = {
  type: 'object',
  required: ['_id', 'containerId', 'memoryMB', 'cpuUsage', 'timestamp', 'createdAt', '__v'],
  properties: {
    _id: { type: 'string' },
    containerId: { type: 'string' },
    memoryMB: { type: 'number' },
    cpuUsage: { type: 'number' },
    timestamp: { type: 'string' },
    createdAt: { type: 'string' },
    __v: { type: 'integer' },
  },
} as const;
const limitQuery = { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } } } as const;

function recordOf(tx: Transaction, actor: string): MetricRecordJson | undefined {
  const f = tx.fields;
  if (f.kind !== KIND || tx.fromHex !== actor || f.subject === undefined) return undefined;
  const p = cborToJson(f.payload, 2) as { memoryMB?: unknown; cpuUsage?: unknown; timestamp?: unknown } | null;
  if (p === null || typeof p !== 'object' || typeof p.memoryMB !== 'number' || typeof p.cpuUsage !== 'number' || typeof p.timestamp !== 'string')
    return undefined;
  return {
    _id: tx.txidHex,
    containerId: f.subject,
    memoryMB: p.memoryMB,
    cpuUsage: p.cpuUsage,
    timestamp: p.timestamp,
    createdAt: new Date(f.time).toISOString(),
    __v: 0,
  };
}

/** The facade's records, newest first: pending ones (highest nonce first), then mined ones from an index. */
async function newest(ctx: ApiContext, actor: string, limit: number, containerId?: string): Promise<MetricRecordJson[]> {
  const out: MetricRecordJson[] = [];
  for (const tx of ctx.mempool.byActor(actor).reverse()) {
    const r = recordOf(tx, actor);
    if (r !== undefined && (containerId === undefined || r.containerId === containerId)) out.push(r);
    if (out.length >= limit) return out;
  }
  const reader = new BlockReader(ctx.chain);
  const chain = ctx.chain;
  let cursor: string | undefined;
  do {
    const page =
      containerId === undefined
        ? await chain.actionsByActor(fromHex(actor), { reverse: true, limit: 200, ...(cursor === undefined ? {} : { cursor }) })
        : await chain.actionsBySubject(containerId, { reverse: true, limit: 200, ...(cursor === undefined ? {} : { cursor }) });
    for (const it of page.items) {
      const loc = await chain.txLocation(it.txid);
      const node = loc === undefined ? undefined : ctx.chain.node(loc.blockHash);
      const tx = node === undefined ? undefined : await reader.tx(node.hash, loc!.index);
      const r = tx === undefined ? undefined : recordOf(tx, actor);
      if (r !== undefined) out.push(r);
      if (out.length >= limit) return out;
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined && !reader.exhausted);
  return out;
}

/**
 * `POST /api/metrics` (201, the stored record), `GET /api/metrics` (newest first, `?limit`, default 100),
 * `GET /api/metrics/:containerId`, `GET /api/metrics/count` (`{count}`). Off (`METRICS_FACADE_OFF`, 404) unless
 * keys.metricsKey names a node-held key. Like the original service, these routes take no token.
 */
export function metricsFacadeRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const keyName = (): string => {
    if (ctx.metricsKey === undefined || ctx.metricsKey === '')
      throw new ApiError('METRICS_FACADE_OFF', 'the container-metrics facade is off: set keys.metricsKey to a node-held key');
    return ctx.metricsKey;
  };
  const actorOf = async (): Promise<string> => (await signingOf(ctx).keys.unlock(keyName())).publicKeyHex;
  const tags = ['metrics facade'];

  app.post<{ Body: { containerId: string; memoryMB: number; cpuUsage: number; timestamp?: string | number } }>(
    '/api/metrics',
    {
      // Like the original service, no token on an open node (the facade's key signs); --require-auth: scope submit.
      config: { scope: 'submit' },
      schema: {
        summary: 'Container-metrics facade: store one metric (signed by the node, kind metric, subject containerId)',
        tags,
        body: {
          type: 'object',
          required: ['containerId', 'memoryMB', 'cpuUsage'],
          properties: {
            containerId: { type: 'string', minLength: 1, maxLength: 128 },
            memoryMB: { type: 'number', minimum: 0 },
            cpuUsage: { type: 'number', minimum: 0 },
            timestamp: { description: 'ISO 8601 date or milliseconds since 1970; default now' },
          },
        },
        response: { 201: recordSchema },
      },
    },
    async (req, reply): Promise<MetricRecordJson> => {
      const b = req.body;
      const now = (ctx.now ?? Date.now)();
      const ts: unknown = b.timestamp;
      const when = ts === undefined ? new Date(now) : typeof ts === 'string' || typeof ts === 'number' ? new Date(ts) : new Date(NaN);
      if (Number.isNaN(when.getTime())) throw new ApiError('METRIC_BAD_TIMESTAMP', 'timestamp must be an ISO 8601 date or milliseconds since 1970');
      const timestamp = when.toISOString();
      const payload = { memoryMB: b.memoryMB, cpuUsage: b.cpuUsage, timestamp };
      const [r] = await signingOf(ctx).signer.submit(keyName(), [{ kind: KIND, subject: b.containerId, payload }], addressSource('api', req.ip));
      if (!r!.ok) throw new ApiError(r!.code, r!.message);
      void reply.code(201);
      return {
        _id: r!.txid,
        containerId: b.containerId,
        memoryMB: b.memoryMB,
        cpuUsage: b.cpuUsage,
        timestamp,
        // The signed transaction's time, which the listing routes read back.
        createdAt: new Date(r!.time).toISOString(),
        __v: 0,
      };
    },
  );

  app.get<{ Querystring: { limit?: number } }>(
    '/api/metrics',
    {
      schema: {
        summary: 'Container-metrics facade: stored metrics, newest first',
        tags,
        querystring: limitQuery,
        response: { 200: { type: 'array', items: recordSchema } },
      },
    },
    async (req) => newest(ctx, await actorOf(), req.query.limit ?? 100),
  );

  app.get(
    '/api/metrics/count',
    {
      schema: {
        summary: 'Container-metrics facade: how many metrics are stored (every action of the facade key)',
        tags,
        response: { 200: { type: 'object', required: ['count'], properties: { count: { type: 'integer' } } } },
      },
    },
    async () => {
      const actor = await actorOf();
      const pooled = ctx.mempool.actorState(actor);
      return { count: pooled?.readyEnd ?? (await ctx.chain.nextNonce(fromHex(actor))) };
    },
  );

  app.get<{ Params: { containerId: string }; Querystring: { limit?: number } }>(
    '/api/metrics/:containerId',
    {
      schema: {
        summary: "Container-metrics facade: one container's metrics, newest first",
        tags,
        params: { type: 'object', required: ['containerId'], properties: { containerId: { type: 'string', minLength: 1, maxLength: 128 } } },
        querystring: limitQuery,
        response: { 200: { type: 'array', items: recordSchema } },
      },
    },
    async (req) => newest(ctx, await actorOf(), req.query.limit ?? 100, req.params.containerId),
  );
}
