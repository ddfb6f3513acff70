import type { CodeTable } from './table.js';

/** Stable error codes raised by src/chain/: HTTP status and meaning of each. */
export const ChainCodes = {
  BLOCK_BAD_BITS: { status: 400, doc: 'Bits 0x…, ASERT requires 0x….' },
  BLOCK_BAD_HEIGHT: { status: 400, doc: 'Meta height …, expected ….' },
  BLOCK_BAD_MERKLE_ROOT: { status: 400, doc: 'Merkle root does not match [meta, ...txs].' },
  BLOCK_BAD_NONCE: { status: 400, doc: "Transaction … has nonce …, actor's next nonce is …." },
  BLOCK_BAD_POW: { status: 400, doc: 'Block hash does not meet its target (or bits are invalid)' },
  BLOCK_BAD_SIGNATURE: { status: 400, doc: 'Transaction … has an invalid signature.' },
  BLOCK_BAD_VERSION: { status: 400, doc: 'Block version … is not ….' },
  BLOCK_CONFLICTS_FINAL: { status: 400, doc: 'Block conflicts with the final block at height ….' },
  BLOCK_DUPLICATE_TX: { status: 400, doc: 'Duplicate transaction ….' },
  BLOCK_FORK_TOO_DEEP: { status: 400, doc: 'Block forks from the main chain below height … (tip …); not stored.' },
  BLOCK_INVALID_PARENT: { status: 400, doc: 'Parent block is known invalid.' },
  BLOCK_KNOWN_INVALID: { status: 400, doc: 'Block was rejected before (…)' },
  BLOCK_LOW_WORK: { status: 400, doc: "The block's branch cannot plausibly become best; not stored, not relayed, no penalty." },
  BLOCK_MALFORMED: { status: 400, doc: 'The block does not decode or is not a well-formed block.' },
  BLOCK_OVERSIZED: { status: 400, doc: 'Block is … bytes, limit ….' },
  BLOCK_TIME_TOO_NEW: { status: 400, doc: 'Time … is more than … s ahead of the local clock.' },
  BLOCK_TIME_TOO_OLD: { status: 400, doc: 'Time … is not after median time past ….' },
  BLOCK_UNKNOWN_PARENT: { status: 400, doc: 'Parent … is unknown.' },
  BLOCK_WRONG_CHAIN: { status: 400, doc: 'Transaction … is for another network.' },
  FINAL_NOT_ON_MAIN: { status: 400, doc: 'Block … is not on the main chain.' },
  LOG_OUT_OF_ORDER: { status: 400, doc: 'Header at height … appended to a log of size ….' },
} as const satisfies CodeTable;
