import { searchNonce } from '../consensus/pow.js';
import type { SearchResult } from './backend.js';
import { checkSearchArgs } from './search-args.js';

/**
 * Plain JavaScript search, one sha256d per nonce: the reference the backends are tested against. Far too slow
 * to mine with (~0.4 MH/s); fine for short ranges.
 */
export function referenceSearch(header: Uint8Array, target: bigint, startNonce: number, count: number): SearchResult {
  const args = checkSearchArgs(header, target, startNonce, count);
  return searchNonce(args.header, target, startNonce, count);
}
