import { AuthError } from './errors.js';

/**
 * A permission an API credential carries: `read` (GET routes, enforced only with api.requireAuth), `submit`
 * (signed transactions; enforced only with api.requireAuth), `sign:<key name>` (ask the node to sign with that
 * node-held key), `admin` (everything, including the other scopes).
 */
export type Scope = 'read' | 'submit' | 'admin' | `sign:${string}`;

/**
 * What a route needs, as declared in its `config.scope`: a {@link Scope}, `public` (never checked: health,
 * static explorer files, the OpenAPI document), `authenticated` (any valid credential) or `sign:*` (any
 * credential that may sign with some key; the handler then checks `sign:<key>` with {@link authorize}).
 */
export type RouteScope = Scope | 'public' | 'authenticated' | 'sign:*';

/** Key names a `sign:` scope may name (as the keystore's names). */
const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Whether `s` is a valid scope string. */
export function isScope(s: string): s is Scope {
  if (s === 'read' || s === 'submit' || s === 'admin') return true;
  return s.startsWith('sign:') && KEY_NAME.test(s.slice(5));
}

/** Parse a list of scope strings (duplicates dropped, order kept); throws TOKEN_BAD_REQUEST on an unknown one. */
export function parseScopes(list: readonly string[]): Scope[] {
  const out: Scope[] = [];
  for (const s of list) {
    if (!isScope(s)) throw new AuthError('TOKEN_BAD_REQUEST', `unknown scope '${s}' (read, submit, admin or sign:<key name>)`);
    if (!out.includes(s)) out.push(s);
  }
  if (out.length === 0) throw new AuthError('TOKEN_BAD_REQUEST', 'a token needs at least one scope');
  return out;
}

/** Whether a credential holding `granted` may do what `needed` names (`admin` implies every scope). */
export function scopeAllows(granted: readonly Scope[], needed: RouteScope): boolean {
  if (needed === 'public' || needed === 'authenticated') return true;
  if (granted.includes('admin')) return true;
  if (needed === 'sign:*') return granted.some((g) => g.startsWith('sign:'));
  return granted.includes(needed);
}
