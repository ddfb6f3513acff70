import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebhookService } from './webhook-service.js';
import type { Delivery, Hook, HookFilter } from './types.js';

/** The guard of the webhook routes (today the admin token; swappable for scoped tokens). */
export type RouteGuard = (req: FastifyRequest) => Promise<void>;

const filterSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    actor: { type: 'string', pattern: '^0[23][0-9a-fA-F]{64}$' },
    subject: { type: 'string', minLength: 1, maxLength: 128 },
    kind: { type: 'string', minLength: 1, maxLength: 64 },
    blocks: { type: 'integer', minimum: 1, maximum: 10_000, description: 'confirmations a record needs before delivery (default 1)' },
    finality: { type: 'boolean', description: 'deliver only records covered by a final checkpoint (SPEC 12)' },
  },
} as const;

const hookSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    url: { type: 'string' },
    filter: filterSchema,
    createdAt: { type: 'string', format: 'date-time' },
    cursor: { type: 'object', properties: { height: { type: 'integer' }, hash: { type: 'string' } } },
    pending: { type: 'integer' },
  },
} as const;

const deliverySchema = {
  type: 'object',
  properties: {
    key: { type: 'string' },
    seq: { type: 'integer' },
    attempts: { type: 'integer' },
    createdAt: { type: 'string' },
    lastError: { type: 'string' },
    lastStatus: { type: 'integer' },
    body: { type: 'string' },
  },
} as const;

const SIGNING =
  'Deliveries are POSTed as JSON with headers `Chain-Node-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` and `Idempotency-Key` (the same for every attempt of one record to one hook). ' +
  'Receivers verify the HMAC over the raw body in constant time, reject old timestamps, and drop keys they have already processed.';

function publicHook(h: Hook): Omit<Hook, 'secret'> {
  const { secret: _secret, ...rest } = h;
  return rest;
}

function publicDelivery(d: Delivery): Omit<Delivery, 'hook' | 'nextAt'> & { nextAt: string } {
  const { hook: _hook, ...rest } = d;
  return { ...rest, nextAt: new Date(d.nextAt).toISOString() };
}

/** Webhook routes: register, list, show, delete, the delivery log, the dead-letter list and redrive. */
export function webhookRoutes(app: FastifyInstance, hooks: WebhookService, guard: RouteGuard): void {
  const security = [{ bearer: [] }];
  const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^wh_[0-9a-f]{24}$' } } } as const;
  const limitQuery = {
    type: 'object',
    additionalProperties: false,
    properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
  } as const;

  app.post<{ Body: { url: string; filter?: HookFilter } }>(
    '/webhooks',
    {
      preHandler: guard,
      schema: {
        summary:
          'Register a webhook (admin): records matching the filter are delivered to the URL. The response holds the signing secret, shown only this once',
        description: SIGNING,
        tags: ['webhooks'],
        security,
        body: {
          type: 'object',
          required: ['url'],
          additionalProperties: false,
          properties: { url: { type: 'string', minLength: 1, maxLength: 2048 }, filter: filterSchema },
        },
        response: {
          201: {
            ...hookSchema,
            properties: { ...hookSchema.properties, secret: { type: 'string', description: 'HMAC key of the Chain-Node-Signature header; not shown again' } },
          },
        },
      },
    },
    async (req, reply) => {
      const h = await hooks.create({ url: req.body.url, ...(req.body.filter === undefined ? {} : { filter: req.body.filter }) });
      return reply.code(201).send(h);
    },
  );
  app.get(
    '/webhooks',
    {
      preHandler: guard,
      schema: {
        summary: 'Registered webhooks (admin)',
        tags: ['webhooks'],
        security,
        response: { 200: { type: 'object', properties: { hooks: { type: 'array', items: hookSchema } } } },
      },
    },
    async () => ({
      hooks: (await hooks.hooks()).map(publicHook),
    }),
  );
  app.get<{ Params: { id: string } }>(
    '/webhooks/:id',
    {
      preHandler: guard,
      schema: { summary: 'One webhook with its pending delivery count (admin)', tags: ['webhooks'], security, params: idParams, response: { 200: hookSchema } },
    },
    async (req) => ({ ...publicHook(await hooks.hook(req.params.id)), pending: await hooks.pendingCount(req.params.id) }),
  );
  app.delete<{ Params: { id: string } }>(
    '/webhooks/:id',
    {
      preHandler: guard,
      schema: {
        summary: 'Delete a webhook and its pending deliveries, log and dead letters (admin)',
        tags: ['webhooks'],
        security,
        params: idParams,
        response: { 200: { type: 'object', properties: { deleted: { type: 'string' } } } },
      },
    },
    async (req) => {
      await hooks.remove(req.params.id);
      return { deleted: req.params.id };
    },
  );
  app.get<{ Params: { id: string }; Querystring: { limit: number } }>(
    '/webhooks/:id/deliveries',
    {
      preHandler: guard,
      schema: {
        summary: 'Delivery log of a webhook, newest first: every attempt with its status, error and outcome (admin)',
        tags: ['webhooks'],
        security,
        params: idParams,
        querystring: limitQuery,
        response: {
          200: {
            type: 'object',
            properties: {
              deliveries: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    key: { type: 'string' },
                    seq: { type: 'integer' },
                    at: { type: 'string' },
                    attempt: { type: 'integer' },
                    ok: { type: 'boolean' },
                    status: { type: 'integer' },
                    error: { type: 'string' },
                    ms: { type: 'integer' },
                    outcome: { type: 'string', enum: ['delivered', 'retry', 'dead'] },
                    nextAt: { type: 'string' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async (req) => ({ deliveries: await hooks.log(req.params.id, req.query.limit) }),
  );
  app.get<{ Params: { id: string }; Querystring: { limit: number } }>(
    '/webhooks/:id/dead-letters',
    {
      preHandler: guard,
      schema: {
        summary: 'Deliveries that failed every attempt (admin)',
        tags: ['webhooks'],
        security,
        params: idParams,
        querystring: limitQuery,
        response: {
          200: {
            type: 'object',
            properties: {
              deliveries: { type: 'array', items: { ...deliverySchema, properties: { ...deliverySchema.properties, nextAt: { type: 'string' } } } },
            },
          },
        },
      },
    },
    async (req) => ({ deliveries: (await hooks.deadLetters(req.params.id, req.query.limit)).map(publicDelivery) }),
  );
  app.post<{ Params: { id: string; seq: number } }>(
    '/webhooks/:id/dead-letters/:seq/retry',
    {
      preHandler: guard,
      schema: {
        summary: 'Put a dead letter back in the delivery queue, due now, attempts reset (admin)',
        tags: ['webhooks'],
        security,
        params: { type: 'object', required: ['id', 'seq'], properties: { id: idParams.properties.id, seq: { type: 'integer', minimum: 1 } } },
        response: { 200: { type: 'object', properties: { key: { type: 'string' }, seq: { type: 'integer' } } } },
      },
    },
    async (req) => {
      const d = await hooks.redrive(req.params.id, req.params.seq);
      return { key: d.key, seq: d.seq };
    },
  );
}
