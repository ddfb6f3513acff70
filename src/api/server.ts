import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { Logger } from 'pino';
import type { ApiContext } from './context.js';
import { toErrorResponse } from './errors.js';
import { chainRoutes } from './routes/chain-routes.js';
import { eventRoutes } from './routes/events.js';
import { indexRoutes } from './routes/index-routes.js';
import { logRoutes } from './routes/log-routes.js';
import { nodeRoutes } from './routes/node-routes.js';
import { txRoutes } from './routes/tx-routes.js';

/** HTTP API options. */
export interface ApiOptions {
  host: string;
  port: number;
  /** Allowed CORS origins; empty = CORS off. */
  cors: string[];
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
}

/** Defaults: localhost only, CORS off. */
export const API_DEFAULTS: ApiOptions = { host: '127.0.0.1', port: 17332, cors: [], rateLimitPerMinute: 60_000, bodyLimitBytes: 8 * 1024 * 1024 };

/** Build the fastify app with every route, schemas, OpenAPI, limits and the error mapping (not yet listening). */
export async function createApi(options: ApiOptions, deps: { ctx: ApiContext; logger?: Logger }): Promise<FastifyInstance> {
  const app = Fastify({
    // Per-request logs would drown the node's own at ingest rates; the API logs warnings and errors only.
    loggerInstance: deps.logger?.child({ module: 'api' }, { level: 'warn' }) as FastifyBaseLogger | undefined,
    bodyLimit: options.bodyLimitBytes,
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'chain-node API', version: deps.ctx.version, description: 'Signed user actions on a proof-of-work chain. Errors: {error: {code, message}}.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'token from the data directory cookie file (api.cookie)' } } },
    },
  });
  await app.register(rateLimit, { max: options.rateLimitPerMinute, timeWindow: 60_000 });
  if (options.cors.length > 0) await app.register(cors, { origin: options.cors });

  app.setErrorHandler((err, _req, reply) => {
    const r = toErrorResponse(err);
    if (r.status >= 500) deps.logger?.error({ err }, 'API request failed');
    void reply.code(r.status).send({ error: { code: r.code, message: r.message } });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } });
  });
  app.addHook('onResponse', async (req, reply) => {
    deps.ctx.metrics.apiLatency.observe({ method: req.method, route: req.routeOptions.url ?? 'unknown', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  const ctx = deps.ctx;
  chainRoutes(app, ctx);
  txRoutes(app, ctx);
  indexRoutes(app, ctx);
  nodeRoutes(app, ctx);
  eventRoutes(app, ctx);
  logRoutes(app, ctx);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
