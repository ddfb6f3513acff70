import type { FastifyRequest } from 'fastify';
import { requireSignFor } from './auth.js';

/**
 * The one guard of the routes that make the node sign with a key it holds (`POST /actions`, `/actions/batch`,
 * declared `config: { scope: 'sign:*' }`): a preValidation hook (the body is parsed, so the key name is known, but
 * not yet validated, so no 400 leaks ahead of a 401/403) demanding `sign:<key>` (or admin) for the key named.
 */
export function requireSignScope(): (req: FastifyRequest) => Promise<void> {
  return requireSignFor((req) => {
    const body = req.body as { key?: unknown } | undefined;
    return typeof body?.key === 'string' ? body.key : '';
  });
}
