import type { CodeTable } from './table.js';

/** Stable error codes raised by src/auth/: HTTP status and meaning of each. */
export const AuthCodes = {
  AUTH_EXPIRED: { status: 401, doc: 'An API token or JWT past its expiry.' },
  AUTH_FORBIDDEN: { status: 403, doc: 'A valid credential without the scope the route needs.' },
  AUTH_INVALID: { status: 401, doc: 'A credential that is not one this node issued or accepts (unknown token, wrong cookie, not Bearer).' },
  AUTH_JWT_ALG: { status: 401, doc: 'A JWT whose `alg` is `none` or not the configured algorithm.' },
  AUTH_JWT_AUDIENCE: { status: 401, doc: 'A JWT for another audience (`aud`).' },
  AUTH_JWT_DISABLED: { status: 401, doc: 'A JWT was sent but the node has no JWT verification configured (api.jwtAlg).' },
  AUTH_JWT_INVALID: { status: 401, doc: 'A JWT that is malformed, not yet valid (`nbf`), or whose scope claim is not a string or list.' },
  AUTH_JWT_ISSUER: { status: 401, doc: 'A JWT from another issuer (`iss`).' },
  AUTH_JWT_SIGNATURE: { status: 401, doc: 'A JWT whose signature does not verify with the configured key.' },
  AUTH_REQUIRED: { status: 401, doc: 'No credential on a route that needs one.' },
  AUTH_REVOKED: { status: 401, doc: 'A revoked API token.' },
  JWT_CONFIG_INVALID: { status: 400, doc: 'The JWT verification settings (api.jwtAlg, key, audience, issuer) are invalid.' },
  TLS_CERT_UNREADABLE: { status: 400, doc: 'The TLS certificate file cannot be read.' },
  TLS_INVALID: { status: 400, doc: 'HTTPS settings are incomplete or the certificate and key do not load (both --tls-cert and --tls-key are needed).' },
  TLS_KEY_UNREADABLE: { status: 400, doc: 'The TLS private key file cannot be read.' },
  TOKEN_BAD_REQUEST: { status: 400, doc: 'A token creation request with an unknown scope, a bad expiry or limit.' },
  TOKEN_NOT_FOUND: { status: 404, doc: 'No API token with that id (revoke).' },
  TOKEN_STORE_CORRUPT: { status: 400, doc: 'The API token file is damaged; restore it or move it away (every API token is then lost).' },
  TOKEN_STORE_UNREADABLE: { status: 400, doc: 'The API token file cannot be read.' },
  TOKEN_STORE_WRITE_FAILED: { status: 503, doc: 'The token file could not be written (disk full, permissions): the change is not durable.' },
} as const satisfies CodeTable;
