import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { Logger } from 'pino';
import type { JwtVerifier } from '../auth/jwt.js';
import type { TokenStore } from '../auth/token-store.js';
import { installAuth, principalOf, type Principal } from './auth.js';
import type { ApiContext } from './context.js';
import { ApiError, toErrorResponse } from './errors.js';
import { HostAllowList } from './host-check.js';
import { lazyCompilers } from './lazy-compilers.js';
import { documentResponses } from './openapi-responses.js';
import type { ApiOptions } from './options.js';
import { SseHub } from './sse-hub.js';
import { registerExplorer } from './explorer.js';
import { chainRoutes } from './routes/chain-routes.js';
import { eventRoutes } from './routes/events.js';
import { identityRoutes } from './routes/identity-routes.js';
import { indexRoutes } from './routes/index-routes.js';
import { kindRoutes } from './routes/kind-routes.js';
import { queryRoutes } from './routes/query-routes.js';
import { logRoutes } from './routes/log-routes.js';
import { tokenRoutes } from './routes/token-routes.js';
import { nodeRoutes } from './routes/node-routes.js';
import { txRoutes } from './routes/tx-routes.js';
import { actionRoutes } from './routes/action-routes.js';
import { metricsFacadeRoutes } from './routes/metrics-facade.js';

export { API_DEFAULTS, type ApiOptions } from './options.js';
export { requireAdmin } from './routes/node-routes.js';

// Routes other than the two submission routes take small bodies (admin commands).
const DEFAULT_BODY_LIMIT = 16 * 1024;
// Route schemas not used yet compile this long after listening (see LazyCompilers.warm): a start's first requests
// are answered first.
const WARM_DELAY_MS = 1_000;
// Deepest JSON nesting any route accepts (a batch is an object holding an array of strings: depth 2).
const MAX_JSON_DEPTH = 8;

/**
 * Build the fastify app with every route, schemas, OpenAPI, limits and the error mapping (not yet listening).
 * Close it with {@link closeApi}: event streams are ended first and the close is bounded.
 */
export async function createApi(
  options: ApiOptions,
  deps: { ctx: ApiContext; logger?: Logger; tokens?: TokenStore; jwt?: JwtVerifier; extraRoutes?: (app: FastifyInstance) => void },
): Promise<FastifyInstance> {
  const requestTimeout = options.requestTimeoutMs;
  // The https variant of the instance type differs only in its server; the rest of the API is the same.
  const compilers = lazyCompilers();
  const app = Fastify({
    ...(options.tls === undefined ? {} : { https: { cert: options.tls.cert, key: options.tls.key } }),
    // Per-request logs would drown the node's own at ingest rates; the API logs warnings and errors only.
    loggerInstance: deps.logger?.child({ module: 'api' }, { level: 'warn' }) as FastifyBaseLogger | undefined,
    bodyLimit: DEFAULT_BODY_LIMIT,
    // Slow-body and idle clients must not hold sockets forever: the whole request within requestTimeout, and
    // sockets idle for twice that are cut (event streams switch their socket's timeout off, see SseHub).
    requestTimeout,
    connectionTimeout: requestTimeout * 2,
    http: { headersTimeout: Math.min(requestTimeout, 60_000), connectionsCheckingInterval: Math.min(5_000, Math.max(250, Math.floor(requestTimeout / 4))) },
    forceCloseConnections: 'idle',
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
    // Route schemas compile on first use or a while after listening, not before: a node starts serving sooner.
    schemaController: { compilersFactory: { buildValidator: compilers.buildValidator as never, buildSerializer: compilers.buildSerializer as never } },
    // Errors fastify raises before routing (a URL that does not decode, ...) get the same error body as the rest.
    frameworkErrors: (err, _req, reply) => {
      const r = toErrorResponse(err);
      void (reply as FastifyReply).code(r.status).send({ error: { code: r.code, message: r.message } });
    },
  });
  app.server.maxConnections = options.maxConnections;
  const hosts = new HostAllowList(options.allowedHosts);
  app.addHook('onRequest', async (req, reply) => {
    if (!hosts.allows(req.headers.host)) {
      return reply
        .code(403)
        .send({ error: { code: 'HOST_NOT_ALLOWED', message: `Host '${req.headers.host ?? ''}' is not served here (see api.allowedHosts)` } });
    }
    return undefined;
  });
  installAuth(
    app,
    { requireAuth: options.requireAuth ?? false },
    { adminToken: deps.ctx.adminToken, ...(deps.tokens === undefined ? {} : { tokens: deps.tokens }), ...(deps.jwt === undefined ? {} : { jwt: deps.jwt }) },
  );
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
      done(new ApiError('JSON_TOO_DEEP', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      return;
    }
    jsonParser(req, text, done);
  });
  const sse = new SseHub(options.sse, {
    chain: deps.ctx.chain,
    mempool: deps.ctx.mempool,
    metrics: deps.ctx.metrics,
    ...(deps.ctx.finality === undefined ? {} : { finality: deps.ctx.finality }),
    logger: deps.logger,
  });
  hubs.set(app, { sse, closeTimeoutMs: options.closeTimeoutMs });
  app.addHook('preClose', async () => sse.close());
  // The hook resolves with nothing: a value it resolved with would be logged by fastify as a listen error.
  app.addHook('onListen', async () => {
    compilers.warm(WARM_DELAY_MS);
  });
  app.addHook('onClose', async () => compilers.stop());
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'chain-node API',
        version: deps.ctx.version,
        description: 'Signed user actions on a proof-of-work chain. Errors: {error: {code, message}}.',
      },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description:
              'an API token (cnt_..., see POST /tokens), a JWT from the configured issuer, or the token in the data directory cookie file (api.cookie, admin)',
          },
        },
      },
    },
    transform: documentResponses,
  });
  // Per credential (an API token's own limit or the token default) once authenticated, else per client address.
  const limitOf = (p: Principal | undefined): number =>
    p === undefined || p.kind === 'cookie'
      ? options.rateLimitPerMinute
      : (p.rateLimitPerMinute ?? options.tokenRateLimitPerMinute ?? options.rateLimitPerMinute);
  await app.register(rateLimit, {
    max: (req) => limitOf(principalOf(req)),
    keyGenerator: (req) => principalOf(req)?.id ?? req.ip,
    timeWindow: 60_000,
    allowList: (req) => req.url === '/health' || req.url === '/health/ready' || limitOf(principalOf(req)) === 0,
  });
  if (options.cors.length > 0) await app.register(cors, { origin: options.cors });

  app.setErrorHandler((err, _req, reply) => {
    const r = toErrorResponse(err);
    if (r.status >= 500) deps.logger?.error({ err }, 'API request failed');
    void reply.code(r.status).send({ error: { code: r.code, message: r.message, ...(r.pointer === undefined ? {} : { pointer: r.pointer }) } });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } });
  });
  app.addHook('onResponse', async (req, reply) => {
    deps.ctx.metrics.apiLatency.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unknown', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  const ctx = deps.ctx;
  chainRoutes(app, ctx, options.readBudget);
  txRoutes(app, ctx, { batchBodyLimitBytes: options.bodyLimitBytes });
  indexRoutes(app, ctx, options.readBudget);
  queryRoutes(app, ctx, options.readBudget);
  nodeRoutes(app, ctx);
  eventRoutes(app, sse);
  logRoutes(app, ctx);
  if (deps.tokens !== undefined) tokenRoutes(app, deps.tokens, ctx.now);
  identityRoutes(app, ctx, options.readBudget);
  // Routes of layers above the API (webhooks), registered by the node before the explorer's.
  deps.extraRoutes?.(app);
  kindRoutes(app, ctx);
  actionRoutes(app, ctx);
  metricsFacadeRoutes(app, ctx);
  app.get('/openapi.json', { config: { scope: 'public' }, schema: { hide: true } }, async () => app.swagger());
  if (options.explorer === true) {
    const served = await registerExplorer(app);
    if (!served) deps.logger?.warn('explorer not built (run npm run build): not serving it');
  }
  return app;
}

const hubs = new WeakMap<FastifyInstance, { sse: SseHub; closeTimeoutMs: number }>();

/**
 * Close the API within a bound: event streams end at once, requests in flight get `closeTimeoutMs` to finish,
 * then every remaining connection is cut. Resolves once the server no longer listens.
 */
export async function closeApi(app: FastifyInstance): Promise<void> {
  const h = hubs.get(app);
  h?.sse.close();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((res) => {
    timer = setTimeout(() => {
      app.server.closeAllConnections();
      res();
    }, h?.closeTimeoutMs ?? 3_000);
  });
  const closing = app.close();
  try {
    await Promise.race([closing, deadline]);
  } finally {
    clearTimeout(timer);
  }
  // Cut connections close within a tick; never wait on the server longer than that.
  await Promise.race([closing, new Promise((res) => setTimeout(res, 1_000).unref())]);
}

/** The SSE hub of an app made by {@link createApi} (metrics, tests). */
export function sseHubOf(app: FastifyInstance): SseHub | undefined {
  return hubs.get(app)?.sse;
}

/** Whether `[`/`{` nest deeper than `max` anywhere in `text` (outside strings); one pass, no recursion. */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
