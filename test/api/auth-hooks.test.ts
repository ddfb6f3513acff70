// Issue 15 items 1 and 3: routes that declare no scope fail closed (GET: read, anything else: admin), the
// sign:<key> check for routes that sign with node-held keys, and per-token rate limits (keyed by token id).
import { join } from 'node:path';
import Fastify from 'fastify';
import t from 'tap';
import { installAuth, requireSignFor } from '../../src/api/auth.js';
import { toErrorResponse } from '../../src/api/errors.js';
import { API_DEFAULTS, closeApi, createApi } from '../../src/api/server.js';
import { TokenStore, TOKENS_FILE } from '../../src/auth/token-store.js';
import { openChain, tempDir } from '../utils/chain.js';
import { bareApiContext } from './support.js';

t.test('undeclared routes fail closed; sign:<key> per body key', async (t) => {
  const dir = await tempDir('auth-hooks-');
  t.teardown(dir.cleanup);
  const tokens = await TokenStore.open({ path: join(dir.path, TOKENS_FILE) });
  const app = Fastify();
  installAuth(app, { requireAuth: true }, { adminToken: 'c'.repeat(64), tokens });
  app.setErrorHandler((err, _req, reply) => {
    const r = toErrorResponse(err);
    void reply.code(r.status).send({ error: { code: r.code } });
  });
  app.get('/undeclared-get', async () => ({ ok: true }));
  app.post('/undeclared-post', async () => ({ ok: true }));
  app.post<{ Body: { key: string } }>('/actions', { config: { scope: 'sign:*' }, preHandler: requireSignFor((req) => req.body.key) }, async () => ({
    ok: true,
  }));
  app.post<{ Body: { actions: { key: string }[] } }>(
    '/actions/batch',
    { config: { scope: 'sign:*' }, preHandler: requireSignFor((req) => req.body.actions.map((a) => a.key)) },
    async () => ({ ok: true }),
  );
  t.teardown(() => app.close());
  const bearer = async (scopes: string[]): Promise<Record<string, string>> => ({ authorization: `Bearer ${(await tokens.create({ scopes })).token}` });
  const read = await bearer(['read']);
  const alice = await bearer(['sign:alice']);
  const admin = await bearer(['admin']);
  const code = async (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: unknown): Promise<[number, string | undefined]> => {
    const r = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
    return [r.statusCode, (r.json() as { error?: { code?: string } }).error?.code];
  };
  t.same(await code('GET', '/undeclared-get', read), [200, undefined], 'GET defaults to read');
  t.same(await code('GET', '/undeclared-get', alice), [403, 'AUTH_FORBIDDEN']);
  t.same(await code('POST', '/undeclared-post', read), [403, 'AUTH_FORBIDDEN'], 'POST defaults to admin');
  t.same(await code('POST', '/undeclared-post', admin), [200, undefined]);
  t.same(await code('POST', '/actions', alice, { key: 'alice' }), [200, undefined], 'sign:alice signs with alice');
  t.same(await code('POST', '/actions', alice, { key: 'bob' }), [403, 'AUTH_FORBIDDEN'], 'and not with bob');
  t.same(await code('POST', '/actions', read, { key: 'alice' }), [403, 'AUTH_FORBIDDEN'], 'read cannot sign');
  t.same(await code('POST', '/actions', {}, { key: 'alice' }), [401, 'AUTH_REQUIRED']);
  t.same(await code('POST', '/actions', admin, { key: 'anyone' }), [200, undefined], 'admin implies sign:<any>');
  t.same(await code('POST', '/actions/batch', alice, { actions: [{ key: 'alice' }, { key: 'alice' }] }), [200, undefined]);
  t.same(
    await code('POST', '/actions/batch', alice, { actions: [{ key: 'alice' }, { key: 'bob' }] }),
    [403, 'AUTH_FORBIDDEN'],
    'every key of a batch is checked',
  );
});

t.test('CORS preflights pass a --require-auth node; the request itself is checked', async (t) => {
  const dir = await tempDir('auth-cors-');
  const { chain, store } = await openChain(dir.path);
  const { ctx } = bareApiContext(chain, store);
  const tokens = await TokenStore.open({ path: join(dir.path, TOKENS_FILE) });
  const app = await createApi({ ...API_DEFAULTS, cors: ['https://app.example'], requireAuth: true }, { ctx, tokens });
  t.teardown(async () => {
    await closeApi(app);
    await chain.idle();
    await store.close();
    await dir.cleanup();
  });
  const pre = await app.inject({
    method: 'OPTIONS',
    url: '/status',
    headers: { origin: 'https://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
  });
  t.equal(pre.statusCode, 204, 'preflight answered without credentials');
  t.equal(pre.headers['access-control-allow-origin'], 'https://app.example');
  const bare = await app.inject({ method: 'GET', url: '/status', headers: { origin: 'https://app.example' } });
  t.equal(bare.statusCode, 401);
  const token = (await tokens.create({ scopes: ['read'] })).token;
  const ok = await app.inject({ method: 'GET', url: '/status', headers: { origin: 'https://app.example', authorization: `Bearer ${token}` } });
  t.equal(ok.statusCode, 200);
});

t.test('per-token rate limits', async (t) => {
  const dir = await tempDir('auth-limits-');
  const { chain, store } = await openChain(dir.path);
  const { ctx } = bareApiContext(chain, store);
  ctx.adminToken = 'c'.repeat(64);
  const tokens = await TokenStore.open({ path: join(dir.path, TOKENS_FILE) });
  const app = await createApi({ ...API_DEFAULTS, rateLimitPerMinute: 1000, tokenRateLimitPerMinute: 5 }, { ctx, tokens });
  t.teardown(async () => {
    await closeApi(app);
    await chain.idle();
    await store.close();
    await dir.cleanup();
  });
  const own = (await tokens.create({ scopes: ['read'], rateLimitPerMinute: 3 })).token;
  const dflt = (await tokens.create({ scopes: ['read'] })).token;
  const unlimited = (await tokens.create({ scopes: ['read'], rateLimitPerMinute: 0 })).token;
  const hit = async (token?: string): Promise<number> =>
    (await app.inject({ method: 'GET', url: '/mempool', headers: token === undefined ? {} : { authorization: `Bearer ${token}` } })).statusCode;
  const run = async (token: string | undefined, n: number): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(await hit(token));
    return out;
  };
  t.same(await run(own, 4), [200, 200, 200, 429], "the token's own limit (3/min)");
  const limited = await app.inject({ method: 'GET', url: '/mempool', headers: { authorization: `Bearer ${own}` } });
  t.equal((limited.json() as { error: { code: string } }).error.code, 'RATE_LIMITED');
  t.same(await run(dflt, 6), [200, 200, 200, 200, 200, 429], 'the default token limit (api.tokenRateLimitPerMinute 5), its own bucket');
  t.same(await run(unlimited, 20), Array(20).fill(200), '0 = unlimited');
  t.same(await run(undefined, 20), Array(20).fill(200), 'anonymous clients keep the per-address limit (1000/min), not the tokens’ buckets');
});
