import { ApiError } from '../errors.js';
import type { ErrorCode } from '../../errors.js';
import type { ChainTime } from './chain-time.js';

/** Stable codes of query parameter errors (all HTTP 400 but QUERY_TOO_LARGE). */
export const QueryErrorCode = {
  badTime: 'QUERY_BAD_TIME',
  badRange: 'QUERY_BAD_RANGE',
  badFields: 'QUERY_BAD_FIELDS',
  badFormat: 'QUERY_BAD_FORMAT',
  badBucket: 'QUERY_BAD_BUCKET',
  tooManyBuckets: 'QUERY_TOO_MANY_BUCKETS',
  tooLarge: 'QUERY_TOO_LARGE',
  notAggregated: 'QUERY_KIND_NOT_AGGREGATED',
} as const satisfies Record<string, ErrorCode>;

/** Range and shape parameters every index list route takes. */
export interface RangeQuery {
  since?: string;
  until?: string;
  fromHeight?: number;
  toHeight?: number;
}

/** JSON schema properties of {@link RangeQuery} plus `fields` and `format`. */
export const RANGE_QUERY_PROPERTIES = {
  since: { type: 'string', minLength: 1, maxLength: 40, description: 'block chain time at or after: ISO 8601 or unix seconds' },
  until: { type: 'string', minLength: 1, maxLength: 40, description: 'block chain time at or before: ISO 8601 or unix seconds' },
  fromHeight: { type: 'integer', minimum: 0, maximum: 4294967295 },
  toHeight: { type: 'integer', minimum: 0, maximum: 4294967295 },
  fields: { type: 'string', maxLength: 200, description: 'comma-separated item fields (see ROW_FIELDS); no payload = no block read' },
  format: { type: 'string', enum: ['json', 'csv', 'ndjson'], description: 'csv or ndjson stream the whole range (also by Accept header)' },
} as const;

const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Unix seconds of an ISO 8601 time (UTC when it names no offset) or of a decimal unix-seconds string. */
export function parseTime(value: string, name: string): number {
  if (/^\d{1,12}$/.test(value)) return Number(value);
  const m = ISO.exec(value);
  const ms = m === null ? NaN : Date.parse(value.length === 10 || m[1] !== undefined ? value : `${value}Z`);
  if (Number.isNaN(ms)) throw new ApiError(QueryErrorCode.badTime, `${name} must be ISO 8601 (2026-12-02T10:00:00Z) or unix seconds, got '${value}'`);
  return Math.floor(ms / 1000);
}

/** Inclusive height bounds a query resolves to; `empty` when nothing can match. */
export interface ResolvedRange {
  fromHeight?: number;
  toHeight?: number;
  empty: boolean;
}

/**
 * Height bounds of a range query: `fromHeight`/`toHeight` as given, narrowed by `since`/`until` mapped through the
 * chain time (see ChainTime). Inverted bounds the caller gave are an error; bounds that miss the chain are empty.
 */
export function resolveRange(q: RangeQuery, time: ChainTime): ResolvedRange {
  if (q.fromHeight !== undefined && q.toHeight !== undefined && q.fromHeight > q.toHeight) {
    throw new ApiError(QueryErrorCode.badRange, `fromHeight ${q.fromHeight} is above toHeight ${q.toHeight}`);
  }
  const since = q.since === undefined ? undefined : parseTime(q.since, 'since');
  const until = q.until === undefined ? undefined : parseTime(q.until, 'until');
  if (since !== undefined && until !== undefined && since > until) throw new ApiError(QueryErrorCode.badRange, `since is after until`);
  let from = q.fromHeight;
  let to = q.toHeight;
  if (since !== undefined) from = Math.max(from ?? 0, time.firstAtOrAfter(since));
  if (until !== undefined) to = Math.min(to ?? Number.MAX_SAFE_INTEGER, time.lastAtOrBefore(until));
  const out: ResolvedRange = { empty: to !== undefined && (to < 0 || (from !== undefined && from > to)) };
  if (from !== undefined) out.fromHeight = from;
  if (to !== undefined && to >= 0) out.toHeight = to;
  return out;
}

/** Fields an index item can carry; all but `payload` and `tx` come from the query rows without reading blocks. */
export const ROW_FIELDS = ['txid', 'height', 'index', 'time', 'blockHash', 'kind', 'subject', 'from', 'nonce', 'txTime', 'payload', 'tx'] as const;
/** One of {@link ROW_FIELDS}. */
export type RowField = (typeof ROW_FIELDS)[number];
/** Columns of an export when `fields` is not given. */
export const EXPORT_FIELDS: readonly RowField[] = ['height', 'index', 'time', 'txid', 'kind', 'subject', 'from', 'nonce', 'txTime', 'payload'];

/** Parse `fields=` (undefined when absent or empty). */
export function parseFields(value: string | undefined): RowField[] | undefined {
  if (value === undefined || value === '') return undefined;
  const out: RowField[] = [];
  for (const f of value.split(',')) {
    const name = f.trim();
    if (!(ROW_FIELDS as readonly string[]).includes(name))
      throw new ApiError(QueryErrorCode.badFields, `unknown field '${name}'; fields are ${ROW_FIELDS.join(', ')}`);
    if (!out.includes(name as RowField)) out.push(name as RowField);
  }
  return out;
}

/** Output format of a list route: `format=` wins, else the Accept header (text/csv, application/x-ndjson). */
export function pickFormat(format: string | undefined, accept: string | undefined): 'json' | 'csv' | 'ndjson' {
  if (format === 'json' || format === 'csv' || format === 'ndjson') return format;
  if (format !== undefined) throw new ApiError(QueryErrorCode.badFormat, `format must be json, csv or ndjson`);
  const a = (accept ?? '').toLowerCase();
  if (a.includes('text/csv')) return 'csv';
  if (a.includes('application/x-ndjson') || a.includes('application/jsonl') || a.includes('application/ndjson')) return 'ndjson';
  return 'json';
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Bucket width in seconds from `30s`, `1m`, `1h`, `1d` or plain seconds. */
export function parseBucket(value: string | undefined): number {
  if (value === undefined) return 60;
  const m = /^(\d{1,7})([smhd]?)$/.exec(value);
  const n = m === null ? 0 : Number(m[1]) * UNITS[m[2] === '' ? 's' : m[2]!]!;
  if (n < 1 || n > 366 * 86_400) throw new ApiError(QueryErrorCode.badBucket, `bucket must be like 30s, 1m, 1h, 1d (1 s to 366 d), got '${value}'`);
  return n;
}
