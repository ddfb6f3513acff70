import type { Logger } from 'pino';
import type { ChainNodeError } from '../errors.js';
import type { BatchVerifier } from '../crypto/verify-pool.js';
import type { SignatureVerifier } from '../crypto/verifier.js';
import type { Transaction } from '../primitives/transaction.js';
import type { MempoolRejectCode } from './errors.js';

/** `ready`: minable now (consecutive from the actor's chain nonce); `future`: waiting for a missing nonce. */
export type TxState = 'ready' | 'future';

/** Why a transaction left the pool. */
export type RemovalReason = 'mined' | 'expired' | 'evicted' | 'stale';

/** A transaction the pool accepted. */
export interface AddAccepted {
  ok: true;
  /** Lowercase hex txid. */
  txid: string;
  /** Its state right after insertion. */
  state: TxState;
}

/** A transaction the pool refused; `error` is what {@link Mempool.add} would throw. */
export interface AddRejected {
  ok: false;
  txid: string;
  code: MempoolRejectCode;
  error: ChainNodeError;
}

/**
 * Where submitted transactions came from (see `addressSource`): one source for all, or one per transaction
 * (a missing one is `local`). Used only for fair eviction when the pool is full.
 */
export type TxSources = string | readonly (string | undefined)[];

/** Outcome of one transaction of {@link Mempool.addMany}. */
export type AddResult = AddAccepted | AddRejected;

/** Payload of `tx:added`. */
export interface TxAddedEvent {
  tx: Transaction;
  txid: string;
  state: TxState;
  /** `add`: through add/addMany; `reorg`: returned from a disconnected block. */
  source: 'add' | 'reorg';
}

/** Payload of `tx:removed`. */
export interface TxRemovedEvent {
  readonly txid: string;
  readonly reason: RemovalReason;
  /** Canonical encoding. */
  readonly bytes: Uint8Array;
  /** The transaction, decoded from `bytes` on first access (the pool stores encodings, not objects). */
  readonly tx: Transaction;
}

/** A pooled transaction as stored: its hex txid and canonical encoding (the block's Merkle leaf). */
export interface EncodedTx {
  txid: string;
  bytes: Uint8Array;
}

/** Events of a {@link Mempool}, for Node's typed `EventEmitter`. */
export interface MempoolEvents {
  'tx:added': [TxAddedEvent];
  'tx:removed': [TxRemovedEvent];
}

/**
 * Node policy applied at admission after the cheap stateless checks (e.g. kind schemas, src/kinds/policy.ts):
 * the refusal of a transaction from `source`, or undefined. Refusals are not remembered in the reject filter
 * (another source may be exempt) and carry the error's own penalty.
 */
export interface TxPolicy {
  check(tx: Transaction, source: string): ChainNodeError | undefined;
}

/** Dependencies of a {@link Mempool}. */
export interface MempoolDependencies {
  /** The network's genesis block hash (32 bytes, natural order): transactions must carry it in `chain`. */
  chainId: Uint8Array;
  /** Chain state: the actor's next nonce on the current tip. Called once per actor the pool does not know. */
  nextNonce(actor: Uint8Array): Promise<number>;
  /** Parallel signature checks for batches of at least PARALLEL_VERIFY_MIN_BATCH; inline otherwise. */
  verifyPool?: BatchVerifier;
  /** Inline verifier; default the auto-selected one (native libsecp256k1, else noble). */
  verifier?: SignatureVerifier;
  logger?: Logger;
  /** Clock in milliseconds; default `Date.now`. */
  now?: () => number;
  /** Admission policy (kind schemas); none by default. */
  policy?: TxPolicy;
}

/** A page of {@link Mempool.list} (decoded transactions) or {@link Mempool.listEncoded} (encodings). */
export interface MempoolPage<T = Transaction> {
  /** Transactions in pool order (oldest first). */
  txs: T[];
  /** Pass to the next call to continue; absent on the last page. */
  cursor?: string;
}

/** Snapshot of the pool for the API and metrics. */
export interface MempoolStats {
  count: number;
  bytes: number;
  ready: number;
  future: number;
  actors: number;
  /** Transactions between their first check and insertion (signatures being verified). */
  inFlight: number;
  maxCount: number;
  maxBytes: number;
  rejectFilterEntries: number;
  nonceCacheEntries: number;
  /** Totals since start. */
  accepted: number;
  /** Signatures verified since start (each transaction at most once). */
  signaturesVerified: number;
  rejected: Partial<Record<MempoolRejectCode, number>>;
  removed: Partial<Record<RemovalReason, number>>;
}
