import { ChainNodeError } from '../errors.js';

/** Number of blocks whose times make up the median time past (SPEC 4). */
export const MEDIAN_TIME_SPAN = 11;

/**
 * Median time past, as Bitcoin's `GetMedianTimePast`: of the last (up to) 11 block times, ordered oldest first,
 * sort them and return the element at index floor(n / 2). Throws `MTP_EMPTY` for an empty list.
 */
export function medianTimePast(times: readonly number[]): number {
  if (times.length === 0) throw new ChainNodeError('MTP_EMPTY', 'median time past needs at least one block time');
  const window = times.slice(-MEDIAN_TIME_SPAN).sort((a, b) => a - b);
  return window[Math.floor(window.length / 2)]!;
}
