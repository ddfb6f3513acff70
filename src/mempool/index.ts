/** Transaction pool: per-actor nonce queues, eviction, expiry, reorg handling and block templates. */
export { Mempool } from './mempool.js';
export { MEMPOOL_DEFAULTS, resolveMempoolOptions, type MempoolOptions, type ResolvedMempoolOptions } from './options.js';
export { MEMPOOL_PENALTIES, MempoolErrorCode, type MempoolRejectCode } from './errors.js';
export { addressSource, LOCAL_SOURCE } from './sources.js';
export type {
  AddAccepted,
  AddRejected,
  AddResult,
  EncodedTx,
  MempoolDependencies,
  MempoolEvents,
  MempoolPage,
  MempoolStats,
  RemovalReason,
  TxAddedEvent,
  TxRemovedEvent,
  TxSources,
  TxState,
} from './types.js';
