import { ChainNodeError } from '../errors.js';

/** HTTP status for each stable error code the API returns; unlisted ChainNodeError codes are 400. */
export const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  NOT_FOUND: 404,
  TX_NOT_FOUND: 404,
  BLOCK_NOT_FOUND: 404,
  LOG_NO_FINAL_CHECKPOINT: 404,
  AUTH_REQUIRED: 401,
  AUTH_INVALID: 403,
  RATE_LIMITED: 429,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  MEMPOOL_FULL: 503,
  MEMPOOL_ACTOR_LIMIT: 429,
  TX_NONCE_TOO_LOW: 409,
  TX_NONCE_CONFLICT: 409,
  TX_NONCE_TOO_FAR: 409,
  MINING_BACKEND_UNAVAILABLE: 409,
  MINING_NO_BACKEND: 409,
  NOT_READY: 503,
  INTERNAL_ERROR: 500,
};

/** An API-level error with a stable code. */
export class ApiError extends ChainNodeError {
  readonly status: number;
  constructor(code: string, message: string, status?: number) {
    super(code, message);
    this.status = status ?? STATUS_BY_CODE[code] ?? 400;
  }
}

/** Map any thrown value to `{status, code, message}` for the error body. */
export function toErrorResponse(err: unknown): { status: number; code: string; message: string } {
  if (err instanceof ApiError) return { status: err.status, code: err.code, message: err.message };
  if (err instanceof ChainNodeError) return { status: STATUS_BY_CODE[err.code] ?? 400, code: err.code, message: err.message };
  const e = err as { validation?: unknown; statusCode?: number; code?: string; message?: string };
  if (e.validation !== undefined) return { status: 400, code: 'BAD_REQUEST', message: e.message ?? 'invalid request' };
  if (e.statusCode === 429) return { status: 429, code: 'RATE_LIMITED', message: 'too many requests' };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { status: 413, code: 'BODY_TOO_LARGE', message: 'request body is too large' };
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send application/json' };
  if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (e.statusCode === 400 && e.message !== undefined)) {
    return { status: 400, code: 'BAD_JSON', message: e.message ?? 'invalid JSON body' };
  }
  return { status: 500, code: 'INTERNAL_ERROR', message: 'internal error' };
}
