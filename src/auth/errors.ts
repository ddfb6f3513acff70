import { AuthCodes } from '../error-codes/auth.js';
import { ChainNodeError } from '../errors.js';

/** Codes of configuration problems found at start (the node refuses to start). */
export type AuthConfigCode = 'TLS_CERT_UNREADABLE' | 'TLS_KEY_UNREADABLE' | 'TLS_INVALID' | 'JWT_CONFIG_INVALID';

/**
 * A code an {@link AuthError} carries: the auth/ codes of the catalogue (src/error-codes/auth.ts, with their HTTP
 * statuses: 401 no usable credential, 403 a valid credential that lacks the scope) but the start-up ones.
 */
export type AuthErrorCode = Exclude<keyof typeof AuthCodes, AuthConfigCode | 'TOKEN_STORE_UNREADABLE' | 'TOKEN_STORE_CORRUPT'>;

/** An authentication or authorization failure; `status` is its HTTP status. */
export class AuthError extends ChainNodeError {
  readonly status: number;
  constructor(code: AuthErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
    this.status = AuthCodes[code].status;
  }
}
