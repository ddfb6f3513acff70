import type { FastifyInstance } from 'fastify';
import { KindRegistry, type KindEntry } from '../../kinds/registry.js';
import type { ApiContext } from '../context.js';

const kindsSchema = {
  type: 'object',
  required: ['kinds'],
  properties: {
    kinds: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kind', 'description', 'source', 'schema'],
        properties: {
          kind: { type: 'string' },
          description: { type: 'string' },
          source: { type: 'string', enum: ['standard', 'config'] },
          schema: { type: 'object', additionalProperties: true },
        },
      },
    },
  },
} as const;

/** GET /kinds: the record kinds with a payload schema (standard and configured), with their JSON Schemas. */
export function kindRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const registry = ctx.kinds ?? new KindRegistry();
  app.get(
    '/kinds',
    {
      schema: {
        summary:
          'Record kinds with a payload JSON Schema (exact kinds and families such as supply.*); submissions through this API must satisfy them (TX_SCHEMA)',
        tags: ['kinds'],
        response: { 200: kindsSchema },
      },
    },
    async (): Promise<{ kinds: KindEntry[] }> => ({ kinds: registry.list() }),
  );
}
