import type { FastifyInstance } from 'fastify';
import type { SseFilter, SseHub } from '../sse-hub.js';

interface EventQuery {
  types?: string;
  actor?: string;
  kind?: string;
  subject?: string;
}

/**
 * Server-sent events: new blocks, new pending transactions and reorgs, filterable by actor, kind and subject.
 * Streams are capped globally and per address (`SSE_LIMIT` 503, `SSE_ADDRESS_LIMIT` 429); see {@link SseHub}.
 */
export function eventRoutes(app: FastifyInstance, hub: SseHub): void {
  app.get<{ Querystring: EventQuery }>(
    '/events',
    {
      schema: {
        summary: 'Server-sent event stream (text/event-stream) of block, tx, reorg and final (a new final checkpoint, SPEC 12) events; capped per node and per address, slow readers are dropped',
        tags: ['events'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            types: { type: 'string', pattern: '^(block|tx|reorg|final)(,(block|tx|reorg|final))*$' },
            actor: { type: 'string', pattern: '^0[23][0-9a-fA-F]{64}$' },
            kind: { type: 'string', minLength: 1, maxLength: 64 },
            subject: { type: 'string', minLength: 1, maxLength: 128 },
          },
        },
      },
    },
    (req, reply) => {
      const q = req.query;
      hub.admit(req.ip);
      const types = new Set((q.types ?? 'block,tx,reorg,final').split(',') as Array<'block' | 'tx' | 'reorg' | 'final'>);
      const filter: SseFilter = { types };
      if (q.actor !== undefined) filter.actor = q.actor.toLowerCase();
      if (q.kind !== undefined) filter.kind = q.kind;
      if (q.subject !== undefined) filter.subject = q.subject;
      reply.hijack();
      hub.attach(reply.raw, req.ip, filter);
    },
  );
}
