import { ChainNodeError } from '../errors.js';

/**
 * HTTP status of every code authentication and authorization raise. 401: no usable credential (the client may
 * retry with another); 403: a valid credential that lacks the scope.
 */
export const AUTH_STATUS = {
  /** No credential on a route that needs one. */
  AUTH_REQUIRED: 401,
  /** A credential that is not one this node issued or accepts (unknown token, wrong cookie, not Bearer). */
  AUTH_INVALID: 401,
  /** A revoked API token. */
  AUTH_REVOKED: 401,
  /** An API token or JWT past its expiry. */
  AUTH_EXPIRED: 401,
  /** A valid credential without the scope the route needs. */
  AUTH_FORBIDDEN: 403,
  /** A JWT whose `alg` is `none` or not the configured algorithm. */
  AUTH_JWT_ALG: 401,
  /** A JWT whose signature does not verify with the configured key. */
  AUTH_JWT_SIGNATURE: 401,
  /** A JWT for another audience (`aud`). */
  AUTH_JWT_AUDIENCE: 401,
  /** A JWT from another issuer (`iss`). */
  AUTH_JWT_ISSUER: 401,
  /** A JWT that is malformed, not yet valid (`nbf`), or whose scope claim is not a string or list. */
  AUTH_JWT_INVALID: 401,
  /** A JWT was sent but the node has no JWT verification configured (api.jwtAlg). */
  AUTH_JWT_DISABLED: 401,
  /** No API token with that id (revoke). */
  TOKEN_NOT_FOUND: 404,
  /** A token creation request with an unknown scope, a bad expiry or limit. */
  TOKEN_BAD_REQUEST: 400,
  /** The token file could not be written (disk full, permissions): the change is not durable. */
  TOKEN_STORE_WRITE_FAILED: 503,
} as const;

/** A code of {@link AUTH_STATUS}. */
export type AuthErrorCode = keyof typeof AUTH_STATUS;

/** An authentication or authorization failure; `status` is its HTTP status. */
export class AuthError extends ChainNodeError {
  readonly status: number;
  constructor(code: AuthErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
    this.status = AUTH_STATUS[code];
  }
}

/** Codes of configuration problems found at start (the node refuses to start). */
export type AuthConfigCode = 'TLS_CERT_UNREADABLE' | 'TLS_KEY_UNREADABLE' | 'TLS_INVALID' | 'JWT_CONFIG_INVALID';
