import { AUTH_STATUS } from '../auth/errors.js';
import { ChainNodeError } from '../errors.js';

/** HTTP status for each stable error code the API returns; unlisted ChainNodeError codes are 400. */
export const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  NOT_FOUND: 404,
  TX_NOT_FOUND: 404,
  BLOCK_NOT_FOUND: 404,
  LOG_NO_FINAL_CHECKPOINT: 404,
  ...AUTH_STATUS,
  RATE_LIMITED: 429,
  HOST_NOT_ALLOWED: 403,
  JSON_TOO_DEEP: 400,
  SSE_LIMIT: 503,
  SSE_ADDRESS_LIMIT: 429,
  SSE_BAD_EVENT_ID: 400,
  WEBHOOK_NOT_FOUND: 404,
  WEBHOOK_DELIVERY_NOT_FOUND: 404,
  WEBHOOK_URL_INVALID: 400,
  WEBHOOK_TARGET_FORBIDDEN: 400,
  WEBHOOK_TARGET_UNRESOLVABLE: 400,
  WEBHOOK_LIMIT: 409,
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
  DID_INVALID: 400,
  DID_NOT_FOUND: 404,
  TX_SCHEMA: 400,
  KIND_SCHEMA_INVALID: 400,
  KEY_LOCKED: 423,
  KEY_NOT_FOUND: 404,
  KEY_EXISTS: 409,
  KEY_QUEUE_FULL: 503,
  KEY_SIGNER_CLOSED: 503,
  KEY_SIGNER_FAULT: 500,
  KEYS_DISABLED: 404,
  KEY_TAMPERED: 409,
  KEY_FILE_INVALID: 409,
  METRICS_FACADE_OFF: 404,
  METRIC_BAD_TIMESTAMP: 400,
  INTERNAL_ERROR: 500,
  QUERY_BAD_TIME: 400,
  QUERY_BAD_RANGE: 400,
  QUERY_BAD_FIELDS: 400,
  QUERY_BAD_FORMAT: 400,
  QUERY_BAD_BUCKET: 400,
  QUERY_TOO_MANY_BUCKETS: 400,
  QUERY_KIND_NOT_AGGREGATED: 400,
  QUERY_TOO_LARGE: 413,
};

/** An API-level error with a stable code. */
export class ApiError extends ChainNodeError {
  readonly status: number;
  constructor(code: string, message: string, status?: number) {
    super(code, message);
    this.status = status ?? STATUS_BY_CODE[code] ?? 400;
  }
}

interface ValidationIssue {
  instancePath?: string;
  keyword?: string;
  params?: { pattern?: string; missingProperty?: string };
  message?: string;
}

const HASH_PATTERN = '^[0-9a-fA-F]{64}$';

/**
 * A reader's message for a schema failure: "txid must be 64 hex characters (a SHA-256 hash)" rather than the
 * JSON-schema text ("params/txid must match pattern ...").
 */
function validationMessage(validation: unknown, fallback: string | undefined): string {
  const first = Array.isArray(validation) ? (validation[0] as ValidationIssue | undefined) : undefined;
  if (first === undefined) return fallback ?? 'invalid request';
  const field = (first.instancePath ?? '').split('/').filter(Boolean).join('.') || first.params?.missingProperty || 'request';
  if (first.keyword === 'pattern' && first.params?.pattern === HASH_PATTERN) return `${field} must be 64 hex characters (a SHA-256 hash)`;
  if (first.keyword === 'required') return `${first.params?.missingProperty ?? field} is required`;
  return `${field} ${first.message ?? 'is invalid'}`;
}

/** Map any thrown value to `{status, code, message}` (and `pointer` for a schema failure) for the error body. */
export function toErrorResponse(err: unknown): { status: number; code: string; message: string; pointer?: string } {
  if (err instanceof ApiError) return { status: err.status, code: err.code, message: err.message };
  if (err instanceof ChainNodeError) {
    const pointer = (err as { pointer?: unknown }).pointer;
    return { status: STATUS_BY_CODE[err.code] ?? 400, code: err.code, message: err.message, ...(typeof pointer === 'string' ? { pointer } : {}) };
  }
  const e = err as { validation?: unknown; statusCode?: number; code?: string; message?: string };
  if (e.validation !== undefined) return { status: 400, code: 'BAD_REQUEST', message: validationMessage(e.validation, e.message) };
  if (e.statusCode === 429) return { status: 429, code: 'RATE_LIMITED', message: 'too many requests' };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { status: 413, code: 'BODY_TOO_LARGE', message: 'request body is too large' };
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send application/json' };
  if (e.code === 'FST_ERR_BAD_URL') return { status: 400, code: 'BAD_URL', message: 'the URL does not decode' };
  if (e.code === 'FST_ERR_MAX_PARAM_LENGTH') return { status: 414, code: 'URI_TOO_LONG', message: 'a path parameter is too long' };
  if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (e.statusCode === 400 && e.message !== undefined)) {
    return { status: 400, code: 'BAD_JSON', message: e.message ?? 'invalid JSON body' };
  }
  // Any other client error fastify raises keeps its status, with a generic code.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500)
    return { status: e.statusCode, code: 'BAD_REQUEST', message: e.message ?? 'bad request' };
  return { status: 500, code: 'INTERNAL_ERROR', message: 'internal error' };
}
