import type { ErrorCode } from './error-codes/catalogue.js';

export type { ErrorCode } from './error-codes/catalogue.js';

/**
 * Base class of every error chain-node raises on purpose. `code` is a stable string that tests, API clients and
 * the CLI match on; messages are for people and may change.
 */
export class ChainNodeError extends Error {
  /** Stable machine-readable code, e.g. `TX_BAD_SIGNATURE` (one of src/error-codes/). */
  readonly code: ErrorCode;
  /** Score penalty for the peer that sent the offending data (0 = not the sender's fault). */
  readonly penalty: number;

  constructor(code: ErrorCode, message: string, options: { penalty?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.penalty = options.penalty ?? 0;
  }
}

/** Penalty levels used across validation errors. */
export const Penalty = {
  none: 0,
  /** Mildly suspicious: malformed but possibly a version mismatch. */
  low: 10,
  /** Clearly invalid data a correct peer never relays. */
  high: 50,
  /** Provably malicious or expensive-to-check garbage (bad PoW, bad signature). */
  ban: 100,
} as const;

/** True when `err` is a ChainNodeError carrying `code`. */
export function hasCode(err: unknown, code: ErrorCode): boolean {
  return err instanceof ChainNodeError && err.code === code;
}
