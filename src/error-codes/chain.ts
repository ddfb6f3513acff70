import type { CodeTable } from './table.js';

/** Stable error codes raised by src/chain/: HTTP status and meaning of each. */
export const ChainCodes = {
  BLOCK_BAD_BITS: { status: 400, doc: 'The header bits are not the target ASERT requires.' },
  BLOCK_BAD_HEIGHT: { status: 400, doc: 'The meta record height is not the parent height plus one.' },
  BLOCK_BAD_MERKLE_ROOT: { status: 400, doc: 'Merkle root does not match [meta, ...txs].' },
  BLOCK_BAD_NONCE: { status: 400, doc: "A transaction nonce is not the actor's next nonce." },
  BLOCK_BAD_POW: { status: 400, doc: 'The block hash does not meet its target (or the bits are invalid).' },
  BLOCK_BAD_SIGNATURE: { status: 400, doc: 'A transaction in the block has an invalid signature.' },
  BLOCK_BAD_VERSION: { status: 400, doc: 'An unknown block version.' },
  BLOCK_CONFLICTS_FINAL: { status: 400, doc: 'The block conflicts with a final block (SPEC 12).' },
  BLOCK_DUPLICATE_TX: { status: 400, doc: 'The block holds the same transaction twice.' },
  BLOCK_FORK_TOO_DEEP: { status: 400, doc: 'The block forks from the main chain below the reorganisation limit; not stored.' },
  BLOCK_INVALID_PARENT: { status: 400, doc: 'Parent block is known invalid.' },
  BLOCK_KNOWN_INVALID: { status: 400, doc: 'The block was rejected before.' },
  BLOCK_LOW_WORK: { status: 400, doc: "The block's branch cannot plausibly become best; not stored, not relayed, no penalty." },
  BLOCK_MALFORMED: { status: 400, doc: 'The block does not decode or is not a well-formed block.' },
  BLOCK_OVERSIZED: { status: 400, doc: 'The block is larger than the network allows.' },
  BLOCK_TIME_TOO_NEW: { status: 400, doc: 'The block time is too far ahead of the local clock (may become valid later).' },
  BLOCK_TIME_TOO_OLD: { status: 400, doc: 'The block time is not after the median time past.' },
  BLOCK_UNKNOWN_PARENT: { status: 400, doc: 'The parent block is unknown (an orphan).' },
  BLOCK_WRONG_CHAIN: { status: 400, doc: 'A transaction in the block is for another network.' },
  FINAL_NOT_ON_MAIN: { status: 400, doc: 'A final block is not on the main chain.' },
  LOG_OUT_OF_ORDER: { status: 400, doc: 'A header appended to the header log out of height order.' },
} as const satisfies CodeTable;
