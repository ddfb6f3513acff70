import { ChainNodeError, Penalty, type ErrorCode } from '../errors.js';

/** Stable codes for decoding failures of wire and disk objects. */
export const DecodeErrorCode = {
  malformed: 'DECODE_MALFORMED',
  nonCanonical: 'DECODE_NON_CANONICAL',
  unknownField: 'DECODE_UNKNOWN_FIELD',
  missingField: 'DECODE_MISSING_FIELD',
  wrongType: 'DECODE_WRONG_TYPE',
  badValue: 'DECODE_BAD_VALUE',
  oversized: 'DECODE_OVERSIZED',
  /** Nested deeper than SPEC 2 allows (see `MAX_CBOR_DEPTH`). */
  tooDeep: 'DECODE_TOO_DEEP',
} as const satisfies Record<string, ErrorCode>;

/** Raised when bytes from a peer, a file or a client do not decode to a valid object. */
export class DecodeError extends ChainNodeError {
  constructor(code: (typeof DecodeErrorCode)[keyof typeof DecodeErrorCode], message: string, cause?: unknown) {
    super(code, message, { penalty: Penalty.high, cause });
  }
}

/** The stable code of a decoding failure (so every path reports the decoder's verdict), else `fallback`. */
export function decodeCode(err: unknown, fallback: ErrorCode): ErrorCode {
  return err instanceof DecodeError ? err.code : fallback;
}
