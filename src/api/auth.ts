import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { AuthError } from '../auth/errors.js';
import { JwtVerifier } from '../auth/jwt.js';
import { scopeAllows, type RouteScope, type Scope } from '../auth/scopes.js';
import { TokenStore } from '../auth/token-store.js';
import { tokenMatches } from './context.js';

/** Who sent a request: the cookie holder, an API token or a JWT subject, with its scopes. */
export interface Principal {
  kind: 'cookie' | 'token' | 'jwt';
  /** `cookie`, the token id, or `<issuer subject>` of a JWT: the rate-limit key. */
  id: string;
  scopes: Scope[];
  /** Requests per minute (null = the configured default). */
  rateLimitPerMinute: number | null;
}

/** Authentication settings of the API. */
export interface AuthOptions {
  /** Reads need `read` and submissions `submit` (private deployments); off: both are open to anyone. */
  requireAuth: boolean;
}

/** Credential checkers; the cookie token is always accepted as `admin`. */
export interface AuthDeps {
  adminToken: string;
  tokens?: TokenStore;
  jwt?: JwtVerifier;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route needs (see {@link RouteScope}); absent: `read` for GET and HEAD, `public` for OPTIONS, `admin` for the rest. */
    scope?: RouteScope;
  }
}

/** One route and what it needs, as registered. */
export interface RouteAccess {
  method: string;
  url: string;
  scope: RouteScope;
}

interface AuthState {
  options: AuthOptions;
  deps: AuthDeps;
  routes: RouteOptions[];
}

const states = new WeakMap<FastifyInstance, AuthState>();
const principals = new WeakMap<FastifyRequest, Principal | undefined>();

/**
 * The scope a route declared, or its default: `read` for GET and HEAD, `public` for OPTIONS (CORS preflights
 * never carry credentials), `admin` for anything else (fail closed).
 */
function scopeOfRoute(method: string, config: { scope?: RouteScope } | undefined): RouteScope {
  return config?.scope ?? (method === 'GET' || method === 'HEAD' ? 'read' : method === 'OPTIONS' ? 'public' : 'admin');
}

/**
 * Install authentication on an app before any route is added: every route gets a scope (declared in
 * `config.scope`, or the fail-closed default) and an onRequest check of it. Credentials: `Authorization: Bearer`
 * with the cookie token, an API token (`cnt_...`) or a JWT. A credential that is presented is always verified,
 * even on a route open to anyone, so a client learns at once that its token is bad.
 */
export function installAuth(app: FastifyInstance, options: AuthOptions, deps: AuthDeps): void {
  const state: AuthState = { options, deps, routes: [] };
  states.set(app, state);
  app.addHook('onRoute', (route) => {
    state.routes.push(route);
    // The OpenAPI document (swagger's onRoute hook runs after this one) says which routes need what.
    const method = Array.isArray(route.method) ? route.method[0] : route.method;
    const scope = scopeOfRoute(method, route.config as { scope?: RouteScope } | undefined);
    const enforced = scope !== 'public' && (options.requireAuth || (scope !== 'read' && scope !== 'submit'));
    if (enforced && route.schema !== undefined && route.schema.hide !== true) {
      const schema = route.schema as { security?: Array<Record<string, string[]>>; description?: string };
      route.schema = {
        ...route.schema,
        security: schema.security ?? [{ bearer: [] }],
        description: `${schema.description === undefined ? '' : `${schema.description}\n\n`}Scope: \`${scope}\`.`,
      };
    }
  });
  app.addHook('onRequest', async (req) => {
    // Unmatched URLs (404) have no route config; nothing to guard.
    if (req.routeOptions.url === undefined) return;
    const needed = scopeOfRoute(req.method, req.routeOptions.config);
    if (needed === 'public') return;
    principals.set(req, await authenticate(state, req));
    check(state, req, needed);
  });
}

async function authenticate(state: AuthState, req: FastifyRequest): Promise<Principal | undefined> {
  const h = req.headers.authorization;
  if (h === undefined || h === '') return undefined;
  const m = /^Bearer ([\x21-\x7e]{1,4096})$/.exec(h);
  if (m === null) throw new AuthError('AUTH_INVALID', 'send Authorization: Bearer <token> (an API token, a JWT, or the data directory cookie token)');
  const bearer = m[1];
  const { tokens, jwt, adminToken } = state.deps;
  if (TokenStore.looksLikeToken(bearer)) {
    if (tokens === undefined) throw new AuthError('AUTH_INVALID', 'this node has no API tokens');
    const t = tokens.verify(bearer);
    return { kind: 'token', id: `token:${t.id}`, scopes: t.scopes, rateLimitPerMinute: t.rateLimitPerMinute };
  }
  if (tokenMatches(bearer, adminToken)) return { kind: 'cookie', id: 'cookie', scopes: ['admin'], rateLimitPerMinute: null };
  if (!JwtVerifier.looksLikeJwt(bearer)) throw new AuthError('AUTH_INVALID', 'the token is wrong (neither an API token, a JWT nor the cookie token)');
  if (jwt === undefined) throw new AuthError('AUTH_JWT_DISABLED', 'this node accepts no JWTs (api.jwtAlg is not set)');
  const p = await jwt.verify(bearer);
  return { kind: 'jwt', id: `jwt:${p.subject}`, scopes: p.scopes, rateLimitPerMinute: null };
}

function check(state: AuthState, req: FastifyRequest, needed: RouteScope): void {
  if (needed === 'public') return;
  if ((needed === 'read' || needed === 'submit') && !state.options.requireAuth) return;
  const p = principals.get(req);
  if (p === undefined)
    throw new AuthError(
      'AUTH_REQUIRED',
      `${req.method} ${req.routeOptions.url ?? req.url} needs a credential with scope '${needed}': send Authorization: Bearer <token>`,
    );
  if (!scopeAllows(p.scopes, needed))
    throw new AuthError('AUTH_FORBIDDEN', `this credential (scopes: ${p.scopes.join(' ') || 'none'}) lacks scope '${needed}'`);
}

/**
 * The one authorization check of the API: throws AUTH_REQUIRED (401) or AUTH_FORBIDDEN (403) unless the
 * request's credential holds `scope`. Route hooks call it with the route's declared scope; a handler whose scope
 * depends on the body calls it itself, e.g. `authorize(req, \`sign:${req.body.key}\`)` on a route declared
 * `config: { scope: 'sign:*' }`.
 */
export function authorize(req: FastifyRequest, scope: RouteScope): void {
  const state = states.get(req.server) ?? rootState(req.server);
  if (state === undefined) throw new AuthError('AUTH_REQUIRED', 'authentication is not installed on this server');
  check(state, req, scope);
}

/** onRequest hook that demands `scope` on top of the route's declared one (installAuth must have run). */
export function requireScope(scope: RouteScope): (req: FastifyRequest) => Promise<void> {
  return async (req) => authorize(req, scope);
}

/**
 * preHandler for routes that sign with node-held keys (declared `config: { scope: 'sign:*' }`): after body
 * validation, demands `sign:<key>` for every key the request names, e.g.
 * `config: { scope: 'sign:*' }, preHandler: requireSignFor((req) => req.body.key),`.
 */
export function requireSignFor<R extends FastifyRequest = FastifyRequest>(keysOf: (req: R) => string | readonly string[]): (req: R) => Promise<void> {
  return async (req) => {
    const keys = keysOf(req);
    for (const k of typeof keys === 'string' ? [keys] : keys) authorize(req, `sign:${k}`);
  };
}

/** The credential a request was authenticated with (undefined: none, or a public route). */
export function principalOf(req: FastifyRequest): Principal | undefined {
  return principals.get(req);
}

/** Every route of an app with what it needs (HEAD routes fastify adds for GET included), for tests and docs. */
export function routeAccess(app: FastifyInstance): RouteAccess[] {
  const state = states.get(app) ?? rootState(app);
  if (state === undefined) return [];
  const out: RouteAccess[] = [];
  for (const r of state.routes) {
    for (const method of Array.isArray(r.method) ? r.method : [r.method]) {
      out.push({ method, url: r.url, scope: scopeOfRoute(method, r.config as { scope?: RouteScope } | undefined) });
    }
  }
  return out;
}

// Encapsulated plugin contexts are instances made with Object.create(parent); the auth state hangs off the root.
function rootState(app: FastifyInstance): AuthState | undefined {
  for (let a: object | null = app; a !== null; a = Object.getPrototypeOf(a) as object | null) {
    const s = states.get(a as FastifyInstance);
    if (s !== undefined) return s;
  }
  return undefined;
}
