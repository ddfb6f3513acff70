import type { FastifyInstance } from 'fastify';
import type { TokenInfo, TokenStore } from '../../auth/token-store.js';
import { ApiError } from '../errors.js';
import { principalOf } from '../auth.js';

/** A token as the API shows it (times as ISO 8601 strings). */
export interface TokenJson {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  rateLimitPerMinute: number | null;
  revokedAt: string | null;
  /** `active`, `expired` or `revoked`. */
  state: 'active' | 'expired' | 'revoked';
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function tokenJson(t: TokenInfo, now: number): TokenJson {
  const state = t.revokedAt !== null ? 'revoked' : t.expiresAt !== null && now >= t.expiresAt ? 'expired' : 'active';
  return {
    id: t.id,
    name: t.name,
    scopes: t.scopes,
    createdAt: iso(t.createdAt)!,
    expiresAt: iso(t.expiresAt),
    rateLimitPerMinute: t.rateLimitPerMinute,
    revokedAt: iso(t.revokedAt),
    state,
  };
}

const tokenSchema = {
  type: 'object',
  required: ['id', 'name', 'scopes', 'createdAt', 'expiresAt', 'rateLimitPerMinute', 'revokedAt', 'state'],
  properties: {
    id: { type: 'string', description: 'Token id (public: the part after cnt_ and before the secret)' },
    name: { type: 'string' },
    scopes: { type: 'array', items: { type: 'string' }, description: 'read, submit, sign:<key name>, admin' },
    createdAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: ['string', 'null'], format: 'date-time' },
    rateLimitPerMinute: { type: ['integer', 'null'], description: 'null: the node default (api.tokenRateLimitPerMinute)' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
    state: { type: 'string', enum: ['active', 'expired', 'revoked'] },
  },
} as const;

const adminSecurity = [{ bearer: [] }];

/** Admin routes managing API tokens, and `GET /tokens/self` (the caller's own scopes, for UIs). */
export function tokenRoutes(app: FastifyInstance, tokens: TokenStore, now: () => number = Date.now): void {
  app.post<{ Body: { name?: string; scopes: string[]; expiresInSeconds?: number; rateLimitPerMinute?: number } }>(
    '/tokens',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Create an API token (admin); the secret is in this answer only',
        tags: ['auth'],
        security: adminSecurity,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['scopes'],
          properties: {
            name: { type: 'string', maxLength: 100 },
            scopes: { type: 'array', minItems: 1, maxItems: 64, items: { type: 'string', maxLength: 80 } },
            expiresInSeconds: { type: 'integer', minimum: 1, maximum: 10 * 365 * 86_400 },
            rateLimitPerMinute: { type: 'integer', minimum: 0, maximum: 10_000_000, description: '0 = unlimited; absent = api.tokenRateLimitPerMinute' },
          },
        },
        response: {
          201: {
            type: 'object',
            required: ['token', 'info'],
            properties: { token: { type: 'string', description: 'cnt_<id>_<secret>: store it now, it is not shown again' }, info: tokenSchema },
          },
        },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const { token, info } = await tokens.create({
        scopes: b.scopes,
        ...(b.name === undefined ? {} : { name: b.name }),
        ...(b.expiresInSeconds === undefined ? {} : { expiresInSeconds: b.expiresInSeconds }),
        ...(b.rateLimitPerMinute === undefined ? {} : { rateLimitPerMinute: b.rateLimitPerMinute }),
      });
      void reply.code(201);
      return { token, info: tokenJson(info, now()) };
    },
  );
  app.get(
    '/tokens',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Every API token with its scopes and state (admin); never the secrets',
        tags: ['auth'],
        security: adminSecurity,
        response: { 200: { type: 'object', required: ['tokens'], properties: { tokens: { type: 'array', items: tokenSchema } } } },
      },
    },
    async () => {
      const t = now();
      return { tokens: tokens.list().map((i) => tokenJson(i, t)) };
    },
  );
  app.get(
    '/tokens/self',
    {
      config: { scope: 'authenticated' },
      schema: {
        summary: 'The credential of this request: its kind and scopes',
        tags: ['auth'],
        security: adminSecurity,
        response: {
          200: {
            type: 'object',
            required: ['kind', 'id', 'scopes'],
            properties: {
              kind: { type: 'string', enum: ['cookie', 'token', 'jwt'] },
              id: { type: 'string' },
              scopes: { type: 'array', items: { type: 'string' } },
            },
          },
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      if (p === undefined) throw new ApiError('AUTH_REQUIRED', 'send Authorization: Bearer <token>');
      return { kind: p.kind, id: p.id, scopes: p.scopes };
    },
  );
  app.delete<{ Params: { id: string } }>(
    '/tokens/:id',
    {
      config: { scope: 'admin' },
      schema: {
        summary: 'Revoke an API token (admin; idempotent)',
        tags: ['auth'],
        security: adminSecurity,
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9a-f]{16}$' } } },
        response: { 200: tokenSchema },
      },
    },
    async (req) => tokenJson(await tokens.revoke(req.params.id), now()),
  );
}
