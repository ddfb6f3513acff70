import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';
import { parseEventId, type EventCursor } from '../event-ids.js';
import type { SseFilter, SseHub, SseType } from '../sse-hub.js';

interface EventQuery {
  types?: string;
  actor?: string;
  kind?: string;
  subject?: string;
  lastEventId?: string;
}

const TYPE = '(block|tx|record|reorg|final)';

/**
 * Server-sent events: new blocks, main-chain records, new pending transactions, reorgs and final checkpoints,
 * filterable by actor, kind and subject. Block and record events carry ids (`<height * 2^20 + position>-<block
 * hash>`); a client reconnecting with `Last-Event-ID` (or `?lastEventId=`) first gets what it missed from the store.
 * Streams are capped globally and per address (`SSE_LIMIT` 503, `SSE_ADDRESS_LIMIT` 429); see {@link SseHub}.
 */
export function eventRoutes(app: FastifyInstance, hub: SseHub): void {
  app.get<{ Querystring: EventQuery }>(
    '/events',
    {
      schema: {
        summary:
          'Server-sent event stream (text/event-stream) of block, record (a main-chain transaction), tx (pending), reorg (lists the records that left and re-entered the chain) and final (SPEC 12) events. ' +
          'Block and record events carry ids; reconnect with Last-Event-ID to get what was missed (up to api.sseHistoryBlocks behind the tip, else a resync event). Capped per node and per address, slow readers are dropped',
        tags: ['events'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            types: { type: 'string', pattern: `^${TYPE}(,${TYPE})*$`, description: 'default block,tx,reorg,final' },
            actor: { type: 'string', pattern: '^0[23][0-9a-fA-F]{64}$' },
            kind: { type: 'string', minLength: 1, maxLength: 64 },
            subject: { type: 'string', minLength: 1, maxLength: 128 },
            lastEventId: { type: 'string', maxLength: 100, description: 'same as the Last-Event-ID header (for clients that cannot set headers)' },
          },
        },
      },
    },
    (req, reply) => {
      const q = req.query;
      const header = req.headers['last-event-id'];
      const last = q.lastEventId ?? (Array.isArray(header) ? header[0] : header);
      let resume: EventCursor | undefined;
      if (last !== undefined && last !== '') {
        resume = parseEventId(last);
        if (resume === undefined)
          throw new ApiError('SSE_BAD_EVENT_ID', `Last-Event-ID '${last.slice(0, 100)}' is not an id this node sent (<sequence>-<block hash>)`);
      }
      hub.admit(req.ip);
      const types = new Set((q.types ?? 'block,tx,reorg,final').split(',') as SseType[]);
      const filter: SseFilter = { types };
      if (q.actor !== undefined) filter.actor = q.actor.toLowerCase();
      if (q.kind !== undefined) filter.kind = q.kind;
      if (q.subject !== undefined) filter.subject = q.subject;
      reply.hijack();
      hub.attach(reply.raw, req.ip, filter, resume);
    },
  );
}
