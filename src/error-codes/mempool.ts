import type { CodeTable } from './table.js';

/** Stable error codes raised by src/mempool/: HTTP status and meaning of each. */
export const MempoolCodes = {
  MEMPOOL_ACTOR_LIMIT: { status: 429, doc: 'The actor already has `maxPerActor` transactions pooled.' },
  MEMPOOL_BAD_CURSOR: { status: 400, doc: 'A mempool page cursor that does not decode.' },
  MEMPOOL_BAD_LIMIT: { status: 400, doc: 'A mempool page size out of range.' },
  MEMPOOL_BAD_NONCE: { status: 400, doc: 'The chain returned an invalid next nonce for an actor.' },
  MEMPOOL_BAD_OPTIONS: { status: 400, doc: 'ChainId must be the 32-byte genesis hash.' },
  MEMPOOL_FULL: { status: 503, doc: 'The pool is full and the eviction policy frees no room for this transaction.' },
  TX_BAD_SIGNATURE: { status: 400, doc: 'The signature does not verify (high-S, bad key, tampered body, ...).' },
  TX_DUPLICATE: { status: 400, doc: 'Already in the pool, or being added right now.' },
  TX_NONCE_CONFLICT: { status: 409, doc: 'Another transaction of the actor with the same nonce is pooled (first seen wins).' },
  TX_NONCE_TOO_FAR: { status: 409, doc: "Nonce more than `futureWindow` past the actor's next expected nonce." },
  TX_NONCE_TOO_LOW: { status: 409, doc: "Nonce below the actor's next nonce on the chain: a replay or an already mined action." },
  TX_OVERSIZED: { status: 400, doc: 'Encoded size above `maxTxBytes`.' },
  TX_RECENTLY_REJECTED: { status: 400, doc: 'The txid was refused recently for a reason that cannot change (bad signature, wrong chain, ...).' },
  TX_WRONG_CHAIN: { status: 400, doc: "`chain` is not this network's genesis hash." },
} as const satisfies CodeTable;
