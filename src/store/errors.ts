import { ChainNodeError, type ErrorCode } from '../errors.js';

/** Stable codes of storage failures. */
export const StoreErrorCode = {
  locked: 'STORE_LOCKED',
  corrupt: 'STORE_CORRUPT',
  wrongNetwork: 'STORE_WRONG_NETWORK',
  schema: 'STORE_SCHEMA_MISMATCH',
  notFound: 'STORE_NOT_FOUND',
  badCursor: 'STORE_BAD_CURSOR',
  /** A queued write failed: the node stops, and reopens on the last whole connect that reached the disk. */
  writeFailed: 'STORE_WRITE_FAILED',
} as const satisfies Record<string, ErrorCode>;

/** A storage error; messages name the data directory so operators know what to look at. */
export class StoreError extends ChainNodeError {
  constructor(code: (typeof StoreErrorCode)[keyof typeof StoreErrorCode], message: string, cause?: unknown) {
    super(code, message, { cause });
  }
}
