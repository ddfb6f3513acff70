import type { FastifyRequest } from 'fastify';
import type { ApiContext } from './context.js';
import { requireAdmin } from './routes/node-routes.js';

/**
 * The one guard of the routes that make the node sign with a key it holds (`POST /actions`, `/actions/batch`):
 * a preValidation hook (the body is parsed, so the key name is known, but not yet validated, so no 400 leaks
 * ahead of a 401). For now it asks for the admin cookie token; with scoped tokens it becomes
 * `authorize(req, 'sign:' + key)` here and nowhere else.
 */
export function requireSignScope(ctx: ApiContext): (req: FastifyRequest) => Promise<void> {
  const admin = requireAdmin(ctx);
  return async (req) => {
    const body = req.body as { key?: unknown } | undefined;
    const _key = typeof body?.key === 'string' ? body.key : '';
    await admin(req);
  };
}
