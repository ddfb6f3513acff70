import { ChainNodeError, Penalty, type ErrorCode } from '../errors.js';

/** Stable codes of peer-to-peer errors. */
export const P2pErrorCode = {
  /** Networking is off (`--no-p2p`). */
  disabled: 'P2P_DISABLED',
  /** A peer address (multiaddr or host:port) that cannot be parsed or resolved. */
  badAddress: 'P2P_BAD_ADDRESS',
  /** A peer id that cannot be parsed. */
  badPeerId: 'P2P_BAD_PEER_ID',
  /** The P2P listen address cannot be bound (port in use, address not local). */
  listenFailed: 'P2P_LISTEN_FAILED',
  /** Dialling a peer failed. */
  dialFailed: 'P2P_DIAL_FAILED',
  /** The peer is banned (or blocked after an admin disconnect). */
  banned: 'P2P_PEER_BANNED',
  /** A request/response exchange took longer than its timeout. */
  timeout: 'P2P_RPC_TIMEOUT',
  /** A request or response was larger than the protocol allows. */
  oversized: 'P2P_RPC_OVERSIZED',
  /** A request or response did not decode (strict DAG-CBOR, expected shape). */
  malformed: 'P2P_RPC_MALFORMED',
  /** Headers of a branch that conflicts with the latest final checkpoint (SPEC 12). */
  conflictsFinal: 'HEADERS_CONFLICT_FINAL',
  /** The remote answered with an error (rate limited, bad request, ...). */
  refused: 'P2P_RPC_REFUSED',
  /** The stream failed (reset, closed early, no such protocol). */
  failed: 'P2P_RPC_FAILED',
  /** The peer sent more requests than its rate limit allows. */
  rateLimited: 'P2P_RATE_LIMITED',
  /** A compact block could not be rebuilt (missing transactions could not be fetched). */
  compactFailed: 'P2P_COMPACT_FAILED',
  /** Penalty code: the peer follows another genesis block. */
  wrongGenesis: 'P2P_WRONG_GENESIS',
  /** Penalty code: the peer sent data nobody asked for (a block not requested). */
  unrequested: 'P2P_UNREQUESTED',
  /** Penalty code: the peer claimed more chain work than the headers it then served. */
  falseWork: 'SYNC_FALSE_WORK',
} as const satisfies Record<string, ErrorCode>;

/** One of {@link P2pErrorCode}. */
export type P2pErrorCodeValue = (typeof P2pErrorCode)[keyof typeof P2pErrorCode];

/** Penalty points for protocol abuse (application-level peer scoring). */
export const P2pPenalty = {
  /** Requests far over the rate limit that ignore refusals (a request just over it is refused, not penalised). */
  rateLimited: 5,
  /** A malformed or oversized request or response. */
  malformed: Penalty.high,
  /** Data nobody asked for (blocks not requested, wrong transactions for a compact block). */
  unrequested: Penalty.high,
  /** A request that timed out or a stream that failed (may be an honest slow peer). */
  timeout: 2,
  /** A peer that claimed more work than the headers it then served. */
  falseWork: 20,
  /** A peer on another genesis block (never useful; banned at once). */
  wrongGenesis: Penalty.ban,
} as const;

/** A peer-to-peer error: `penalty` is the sending peer's fault (0 when the fault is not the peer's). */
export class P2pError extends ChainNodeError {
  constructor(code: P2pErrorCodeValue, message: string, options: { penalty?: number; cause?: unknown } = {}) {
    super(code, message, options);
  }
}

/** @deprecated Use `new P2pError(...)`; kept so call sites written against the old helper still build. */
export function p2pError(code: P2pErrorCodeValue, message: string, options: { penalty?: number; cause?: unknown } = {}): P2pError {
  return new P2pError(code, message, options);
}
