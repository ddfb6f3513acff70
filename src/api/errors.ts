import { ERROR_CATALOGUE } from '../error-codes/catalogue.js';
import type { CodeInfo } from '../error-codes/table.js';
import { ChainNodeError, type ErrorCode } from '../errors.js';

/** HTTP status for each stable error code (from the catalogue, src/error-codes/): every code has one. */
export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = Object.fromEntries(
  Object.values(ERROR_CATALOGUE).flatMap((table) => Object.entries(table as Record<string, CodeInfo>).map(([code, info]) => [code, info.status])),
) as Record<ErrorCode, number>;

/** An API-level error with a stable code. */
export class ApiError extends ChainNodeError {
  readonly status: number;
  constructor(code: ErrorCode, message: string, status?: number) {
    super(code, message);
    this.status = status ?? STATUS_BY_CODE[code];
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
export function toErrorResponse(err: unknown): { status: number; code: ErrorCode; message: string; pointer?: string } {
  if (err instanceof ApiError) return { status: err.status, code: err.code, message: err.message };
  if (err instanceof ChainNodeError) {
    const pointer = (err as { pointer?: unknown }).pointer;
    // `?? 400`: a code relayed from another node version (ApiRequestError) may be missing from this catalogue.
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
