/** Consensus primitives: compact targets, block work, proof of work, ASERT difficulty, median time past. */
export {
  MAX_UINT256,
  bitLength,
  checkBits,
  compactToTarget,
  decodeCompact,
  targetToCompact,
  type DecodedCompact,
} from './compact.js';
export { blockWork, blockWorkFromBits } from './work.js';
export { HEADER_BITS_OFFSET, HEADER_BYTES, checkProofOfWork, hashToBigint, headerBits, meetsTarget } from './pow.js';
export {
  asertNextBits,
  asertTarget,
  calculateAsert,
  type AsertAnchor,
  type AsertParams,
  type AsertTip,
} from './asert.js';
export { MEDIAN_TIME_SPAN, medianTimePast } from './median-time.js';
export * from './networks.js';
export * from './record-proof.js';
export * from './network-file.js';
