import type { MetricPoint } from '../../store/query-reader.js';
import { ApiError } from '../errors.js';
import { QueryErrorCode } from './params.js';

/** Most buckets one aggregate answers. */
export const MAX_AGGREGATE_BUCKETS = 10_000;
/** Most indexed values one aggregate reads (past it: QUERY_TOO_LARGE, narrow the range). */
export const MAX_AGGREGATE_POINTS = 2_000_000;

/** Statistics of one time bucket; `last` is the value latest in chain order. */
export interface BucketStats {
  /** Bucket start, unix seconds (a multiple of the bucket width). */
  start: number;
  count: number;
  min: number;
  max: number;
  mean: number;
  last: number;
}

/**
 * Count, min, max, mean and last per bucket of `width` seconds by block header time, over indexed values read in
 * chain order; buckets sorted by start. Reads only the numeric-field index, never a block.
 */
export async function aggregate(
  points: AsyncIterable<MetricPoint>,
  width: number,
  timeAt: (height: number) => number | undefined,
): Promise<{ count: number; buckets: BucketStats[] }> {
  const byStart = new Map<number, { count: number; min: number; max: number; sum: number; last: number }>();
  let count = 0;
  for await (const p of points) {
    const t = timeAt(p.height);
    if (t === undefined) continue;
    if (++count > MAX_AGGREGATE_POINTS)
      throw new ApiError(QueryErrorCode.tooLarge, `more than ${MAX_AGGREGATE_POINTS} values in range: narrow it with since/until`);
    const start = Math.floor(t / width) * width;
    const b = byStart.get(start);
    if (b === undefined) {
      if (byStart.size >= MAX_AGGREGATE_BUCKETS)
        throw new ApiError(QueryErrorCode.tooManyBuckets, `more than ${MAX_AGGREGATE_BUCKETS} buckets: use a wider bucket or a narrower range`);
      byStart.set(start, { count: 1, min: p.value, max: p.value, sum: p.value, last: p.value });
    } else {
      b.count++;
      if (p.value < b.min) b.min = p.value;
      if (p.value > b.max) b.max = p.value;
      b.sum += p.value;
      b.last = p.value;
    }
  }
  const buckets = [...byStart]
    .sort(([a], [b]) => a - b)
    .map(([start, b]) => ({ start, count: b.count, min: b.min, max: b.max, mean: b.sum / b.count, last: b.last }));
  return { count, buckets };
}
