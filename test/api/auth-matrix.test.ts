// Issue 15 acceptance: each scope admits exactly what it names. Every route of the real API (enumerated from the
// app, cross-checked with its OpenAPI document, so a new route cannot escape) against no credential, the cookie,
// a token of each scope, a revoked and an expired token, valid JWTs, and JWTs with a bad signature, a wrong
// audience or issuer, alg none and an expiry in the past; with and without api.requireAuth.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import t, { type Test } from 'tap';
import { routeAccess, type RouteAccess } from '../../src/api/auth.js';
import { API_DEFAULTS, createApi } from '../../src/api/server.js';
import { JwtVerifier } from '../../src/auth/jwt.js';
import { TokenStore, TOKENS_FILE } from '../../src/auth/token-store.js';
import { openApiChain, serveApi } from './support.js';

const SECRET = new TextEncoder().encode('matrix secret of more than thirty-two bytes');
const COOKIE = 'c'.repeat(64);
const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

/** A credential and what the node must make of it: an error whatever the route, or scopes, or nothing. */
interface Cred {
  name: string;
  header?: string;
  /** Refused on every non-public route with this status and code. */
  refused?: [number, string];
  /** Granted scopes (a valid credential). */
  scopes?: string[];
}

/** What a route needing `scope` answers a valid credential holding `scopes` (written from the issue, not the code). */
function admits(scope: string, scopes: string[]): boolean {
  if (scopes.includes('admin')) return true;
  switch (scope) {
    case 'read':
      return scopes.includes('read');
    case 'submit':
      return scopes.includes('submit');
    case 'sign:*':
      // The matrix names key 'alice' in the body of signing routes: sign:alice (or admin) is needed.
      return scopes.includes('sign:alice');
    case 'authenticated':
      return true;
    default:
      return false;
  }
}

async function setup(t: Test, requireAuth: boolean) {
  const { dir, chain, store, ctx } = await openApiChain('auth-matrix-');
  ctx.adminToken = COOKIE;
  let now = Date.now();
  const tokens = await TokenStore.open({ path: join(dir.path, TOKENS_FILE) }, { now: () => now });
  const keyFile = join(dir.path, 'jwt.secret');
  writeFileSync(keyFile, new TextDecoder().decode(SECRET));
  const jwt = await JwtVerifier.open({ alg: 'HS256', keyFile, issuer: 'idp', audience: 'chain-node', scopeClaim: 'scope' });
  const app = await createApi({ ...API_DEFAULTS, rateLimitPerMinute: 0, tokenRateLimitPerMinute: 0, explorer: true, requireAuth }, { ctx, tokens, jwt });
  const url = await serveApi(t, app, { chain, store, dir });
  const creds: Cred[] = [{ name: 'none' }, { name: 'cookie', header: `Bearer ${COOKIE}`, scopes: ['admin'] }];
  for (const scopes of [['read'], ['submit'], ['sign:alice'], ['admin'], ['read', 'submit']]) {
    creds.push({ name: `token ${scopes.join('+')}`, header: `Bearer ${(await tokens.create({ scopes })).token}`, scopes });
  }
  const revoked = await tokens.create({ scopes: ['admin'] });
  await tokens.revoke(revoked.info.id);
  creds.push({ name: 'revoked admin token', header: `Bearer ${revoked.token}`, refused: [401, 'AUTH_REVOKED'] });
  const expiring = await tokens.create({ scopes: ['admin'], expiresInSeconds: 60 });
  now += 61_000;
  creds.push({ name: 'expired admin token', header: `Bearer ${expiring.token}`, refused: [401, 'AUTH_EXPIRED'] });
  creds.push({ name: 'unknown token', header: `Bearer cnt_${'1'.repeat(16)}_${'A'.repeat(43)}`, refused: [401, 'AUTH_INVALID'] });
  creds.push({ name: 'wrong cookie', header: `Bearer ${'d'.repeat(64)}`, refused: [401, 'AUTH_INVALID'] });
  creds.push({ name: 'Basic scheme', header: `Basic ${Buffer.from(`x:${COOKIE}`).toString('base64')}`, refused: [401, 'AUTH_INVALID'] });
  const jwtOf = (claims: Record<string, unknown>, o: { key?: Uint8Array; aud?: string; iss?: string; exp?: number } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('gateway')
      .setIssuer(o.iss ?? 'idp')
      .setAudience(o.aud ?? 'chain-node')
      .setExpirationTime(o.exp ?? Math.floor(Date.now() / 1000) + 600)
      .sign(o.key ?? SECRET);
  creds.push({ name: 'JWT read', header: `Bearer ${await jwtOf({ scope: 'read' })}`, scopes: ['read'] });
  creds.push({ name: 'JWT submit sign:bob', header: `Bearer ${await jwtOf({ scope: 'submit sign:bob' })}`, scopes: ['submit', 'sign:bob'] });
  creds.push({ name: 'JWT admin', header: `Bearer ${await jwtOf({ scope: 'admin' })}`, scopes: ['admin'] });
  creds.push({
    name: 'JWT bad signature',
    header: `Bearer ${await jwtOf({ scope: 'admin' }, { key: new TextEncoder().encode('another secret of more than thirty-two bytes') })}`,
    refused: [401, 'AUTH_JWT_SIGNATURE'],
  });
  creds.push({ name: 'JWT wrong audience', header: `Bearer ${await jwtOf({ scope: 'admin' }, { aud: 'other' })}`, refused: [401, 'AUTH_JWT_AUDIENCE'] });
  creds.push({ name: 'JWT wrong issuer', header: `Bearer ${await jwtOf({ scope: 'admin' }, { iss: 'evil' })}`, refused: [401, 'AUTH_JWT_ISSUER'] });
  creds.push({
    name: 'JWT expired',
    header: `Bearer ${await jwtOf({ scope: 'admin' }, { exp: Math.floor(Date.now() / 1000) - 600 })}`,
    refused: [401, 'AUTH_EXPIRED'],
  });
  const exp = Math.floor(Date.now() / 1000) + 600;
  creds.push({
    name: 'JWT alg none',
    header: `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', iss: 'idp', aud: 'chain-node', exp, scope: 'admin' })}.`,
    refused: [401, 'AUTH_JWT_ALG'],
  });
  return { app, url, creds };
}

/** A concrete URL for a route pattern (parameters get a well-formed placeholder; the guard runs before validation anyway). */
function concrete(url: string): string {
  return url
    .replace(/:(\w+)/g, (_m, name: string) => (name === 'id' ? '0123456789abcdef' : name === 'height' ? '1' : name === 'name' ? 'x' : '0'.repeat(64)))
    .replace(/\*$/, 'x');
}

async function call(base: string, r: RouteAccess, header: string | undefined): Promise<{ status: number; code: string | undefined }> {
  const ac = new AbortController();
  const headers: Record<string, string> = header === undefined ? {} : { authorization: header };
  const hasBody = r.method !== 'GET' && r.method !== 'HEAD' && r.method !== 'DELETE';
  if (hasBody) headers['content-type'] = 'application/json';
  const body = r.scope === 'sign:*' ? '{"key":"alice"}' : '{}';
  const res = await fetch(`${base}${concrete(r.url)}`, { method: r.method, headers, ...(hasBody ? { body } : {}), signal: ac.signal });
  let code: string | undefined;
  if (res.status === 401 || res.status === 403) code = ((await res.json()) as { error?: { code?: string } }).error?.code;
  // Event streams never end: the status line is all the matrix needs.
  ac.abort();
  return { status: res.status, code };
}

for (const requireAuth of [false, true]) {
  t.test(`every route x every credential (requireAuth ${requireAuth})`, async (t) => {
    const { app, url, creds } = await setup(t, requireAuth);
    const routes = routeAccess(app).filter((r) => r.method !== 'HEAD' || !routeAccess(app).some((g) => g.method === 'GET' && g.url === r.url));
    // The matrix is the app's own route list; check it against the OpenAPI document (both ways) and known routes.
    const doc = app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const listed = new Set(routes.map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`));
    for (const [path, ops] of Object.entries(doc.paths))
      for (const m of Object.keys(ops)) t.ok(listed.has(`${m.toUpperCase()} ${path}`), `OpenAPI ${m} ${path} is in the matrix`);
    for (const must of [
      'GET /status',
      'POST /txs',
      'POST /txs/batch',
      'POST /mining/stop',
      'POST /tokens',
      'GET /tokens',
      'DELETE /tokens/:id',
      'GET /tokens/self',
      'GET /events',
      'GET /health',
      'GET /',
    ]) {
      t.ok(
        routes.some((r) => `${r.method} ${r.url}` === must),
        `${must} enumerated`,
      );
    }
    t.ok(routes.length >= 30, `${routes.length} routes`);
    const op = (m: string, path: string) => doc.paths[path]?.[m] as { security?: unknown; description?: string } | undefined;
    t.match(op('post', '/mining/stop'), { security: [{ bearer: [] }], description: /Scope: `admin`/ }, 'OpenAPI: admin routes say so');
    t.match(op('delete', '/tokens/{id}'), { description: /Scope: `admin`/ });
    if (requireAuth) t.match(op('get', '/status'), { security: [{ bearer: [] }], description: /Scope: `read`/ }, 'OpenAPI: reads need read');
    else t.equal(op('get', '/status')?.security, undefined, 'OpenAPI: reads are open');
    const scopeOf = (m: string, u: string): string | undefined => routes.find((r) => r.method === m && r.url === u)?.scope;
    t.equal(scopeOf('POST', '/txs'), 'submit');
    t.equal(scopeOf('POST', '/admin/shutdown'), 'admin');
    t.equal(scopeOf('GET', '/blocks'), 'read');
    t.equal(scopeOf('GET', '/health'), 'public');

    let checked = 0;
    for (const r of routes) {
      for (const c of creds) {
        const got = await call(url, r, c.header);
        const what = `${c.name} -> ${r.method} ${r.url} [${r.scope}]`;
        if (r.scope === 'public') {
          t.ok(got.status !== 401 && got.status !== 403, `${what}: public, credentials ignored (${got.status})`);
        } else if (c.refused !== undefined) {
          t.same([got.status, got.code], c.refused, `${what}: refused`);
        } else if ((r.scope === 'read' || r.scope === 'submit') && !requireAuth) {
          t.ok(got.status !== 401 && got.status !== 403, `${what}: open without requireAuth (${got.status})`);
        } else if (c.scopes === undefined) {
          t.same([got.status, got.code], [401, 'AUTH_REQUIRED'], `${what}: needs a credential`);
        } else if (admits(r.scope, c.scopes)) {
          t.ok(got.status !== 401 && got.status !== 403, `${what}: admitted (${got.status} ${got.code ?? ''})`);
        } else {
          t.same([got.status, got.code], [403, 'AUTH_FORBIDDEN'], `${what}: forbidden`);
        }
        checked++;
      }
    }
    t.ok(checked >= 30 * creds.length, `${checked} route x credential cells`);
  });
}
