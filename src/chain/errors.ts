import { ChainNodeError, Penalty, type ErrorCode } from '../errors.js';

/** Rule of a block rejection: its code, the sender's penalty, and whether the hash may be cached as invalid. */
interface Rule {
  penalty: number;
  /** False when the same header could still be valid (mutated body, future time, unknown parent). */
  cacheInvalid: boolean;
}

/** One code per block validation rule (SPEC 7), with penalty and caching policy. */
export const BlockRules = {
  BLOCK_MALFORMED: { penalty: Penalty.high, cacheInvalid: false },
  BLOCK_OVERSIZED: { penalty: Penalty.high, cacheInvalid: false },
  BLOCK_BAD_VERSION: { penalty: Penalty.high, cacheInvalid: true },
  BLOCK_BAD_POW: { penalty: Penalty.ban, cacheInvalid: false },
  BLOCK_BAD_MERKLE_ROOT: { penalty: Penalty.high, cacheInvalid: false },
  BLOCK_DUPLICATE_TX: { penalty: Penalty.high, cacheInvalid: true },
  BLOCK_UNKNOWN_PARENT: { penalty: Penalty.none, cacheInvalid: false },
  BLOCK_INVALID_PARENT: { penalty: Penalty.high, cacheInvalid: true },
  BLOCK_KNOWN_INVALID: { penalty: Penalty.high, cacheInvalid: false },
  BLOCK_BAD_HEIGHT: { penalty: Penalty.high, cacheInvalid: true },
  BLOCK_BAD_BITS: { penalty: Penalty.high, cacheInvalid: true },
  BLOCK_TIME_TOO_OLD: { penalty: Penalty.high, cacheInvalid: true },
  BLOCK_TIME_TOO_NEW: { penalty: Penalty.none, cacheInvalid: false },
  BLOCK_WRONG_CHAIN: { penalty: Penalty.high, cacheInvalid: true },
  BLOCK_BAD_NONCE: { penalty: Penalty.high, cacheInvalid: true },
  BLOCK_BAD_SIGNATURE: { penalty: Penalty.ban, cacheInvalid: true },
  // Not stored, not relayed (issue 12 fault 4): its branch cannot plausibly become best. Valid blocks may be
  // refused this way (a race lost by several blocks), so no penalty and nothing cached.
  BLOCK_LOW_WORK: { penalty: Penalty.none, cacheInvalid: false },
  BLOCK_FORK_TOO_DEEP: { penalty: Penalty.none, cacheInvalid: false },
  // A minority-branch peer may relay these honestly until it learns of the final checkpoint: a low penalty.
  BLOCK_CONFLICTS_FINAL: { penalty: Penalty.low, cacheInvalid: true },
} as const satisfies Partial<Record<ErrorCode, Rule>>;

/** A block validation code. */
export type BlockErrorCode = keyof typeof BlockRules;

/** A rejected block: `code` names the rule, `penalty` the sender's fault, `cacheInvalid` whether to remember it. */
export class BlockError extends ChainNodeError {
  readonly cacheInvalid: boolean;
  readonly blockHash: string | undefined;

  constructor(code: BlockErrorCode, message: string, blockHash?: string) {
    super(code, message, { penalty: BlockRules[code].penalty });
    this.cacheInvalid = BlockRules[code].cacheInvalid;
    this.blockHash = blockHash;
  }
}
