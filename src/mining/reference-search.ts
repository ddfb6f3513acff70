import { sha256d } from '../crypto/hash.js';
import { readUint256LE } from '../util/bytes.js';
import type { SearchResult } from './backend.js';
import { checkSearchArgs } from './search-args.js';

/**
 * Plain JavaScript search, one sha256d per nonce: the reference the backends are tested against. Far too slow
 * to mine with (~0.4 MH/s); fine for short ranges.
 */
export function referenceSearch(header: Uint8Array, target: bigint, startNonce: number, count: number): SearchResult {
  const args = checkSearchArgs(header, target, startNonce, count);
  const view = new DataView(args.header.buffer, args.header.byteOffset, 80);
  for (let i = 0; i < count; i++) {
    const nonce = startNonce + i;
    view.setUint32(76, nonce, true);
    if (readUint256LE(sha256d(args.header)) <= target) return { nonce, hashes: i + 1 };
  }
  return { nonce: null, hashes: count };
}
