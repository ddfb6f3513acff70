import { ChainNodeError, Penalty, type ErrorCode } from '../errors.js';

/**
 * Stable codes of the reasons a transaction is refused by the mempool, listed in the order the checks run
 * (cheapest first; the signature is checked last).
 */
export const MempoolErrorCode = {
  /** The txid was refused recently for a reason that cannot change (bad signature, wrong chain, ...). */
  recentlyRejected: 'TX_RECENTLY_REJECTED',
  /** Already in the pool, or being added right now. */
  duplicate: 'TX_DUPLICATE',
  /** `chain` is not this network's genesis hash. */
  wrongChain: 'TX_WRONG_CHAIN',
  /** Encoded size above `maxTxBytes`. */
  oversized: 'TX_OVERSIZED',
  /** Nonce below the actor's next nonce on the chain: a replay or an already mined action. */
  nonceTooLow: 'TX_NONCE_TOO_LOW',
  /** Another transaction of the actor with the same nonce is pooled (first seen wins). */
  nonceConflict: 'TX_NONCE_CONFLICT',
  /** Nonce more than `futureWindow` past the actor's next expected nonce. */
  nonceTooFar: 'TX_NONCE_TOO_FAR',
  /** The actor already has `maxPerActor` transactions pooled. */
  actorLimit: 'MEMPOOL_ACTOR_LIMIT',
  /** The pool is full and the eviction policy frees no room for this transaction. */
  full: 'MEMPOOL_FULL',
  /** The signature does not verify (high-S, bad key, tampered body, ...). */
  badSignature: 'TX_BAD_SIGNATURE',
  /** Refused by the node's admission policy: the payload fails its kind's schema (src/kinds/policy.ts). */
  schema: 'TX_SCHEMA',
} as const satisfies Record<string, ErrorCode>;

/** One of {@link MempoolErrorCode}. */
export type MempoolRejectCode = (typeof MempoolErrorCode)[keyof typeof MempoolErrorCode];

/** Score penalty for the peer that relayed a transaction refused with each code. */
export const MEMPOOL_PENALTIES: Readonly<Record<MempoolRejectCode, number>> = Object.freeze({
  TX_RECENTLY_REJECTED: Penalty.none,
  TX_DUPLICATE: Penalty.none,
  TX_WRONG_CHAIN: Penalty.high,
  TX_OVERSIZED: Penalty.high,
  TX_NONCE_TOO_LOW: Penalty.none,
  TX_NONCE_CONFLICT: Penalty.none,
  TX_NONCE_TOO_FAR: Penalty.none,
  MEMPOOL_ACTOR_LIMIT: Penalty.none,
  MEMPOOL_FULL: Penalty.none,
  TX_BAD_SIGNATURE: Penalty.ban,
  TX_SCHEMA: Penalty.none,
});

// Refusals that hold for the txid whatever the pool holds later; the reject filter remembers only these.
// TX_NONCE_TOO_LOW can only change through a reorg, and the filter is cleared on every disconnected block.
const STICKY: ReadonlySet<MempoolRejectCode> = new Set<MempoolRejectCode>([
  MempoolErrorCode.wrongChain,
  MempoolErrorCode.oversized,
  MempoolErrorCode.nonceTooLow,
  MempoolErrorCode.badSignature,
]);

/** True when a refusal with `code` is remembered in the reject filter. */
export function isStickyRejection(code: MempoolRejectCode): boolean {
  return STICKY.has(code);
}

/** A transaction refused by the mempool, with the code's penalty for the peer that relayed it. */
export class MempoolError extends ChainNodeError {
  constructor(code: MempoolRejectCode, message: string) {
    super(code, message, { penalty: MEMPOOL_PENALTIES[code] });
  }
}

/** @deprecated Use `new MempoolError(...)`; kept so call sites written against the old helper still build. */
export function mempoolError(code: MempoolRejectCode, message: string): MempoolError {
  return new MempoolError(code, message);
}
