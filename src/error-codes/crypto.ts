import type { CodeTable } from './table.js';

/** Stable error codes raised by src/crypto/: HTTP status and meaning of each. */
export const CryptoCodes = {
  CRYPTO_BAD_MSG_HASH: { status: 400, doc: 'A message hash of the wrong length.' },
  CRYPTO_BAD_SECRET_KEY: { status: 400, doc: 'Secret key must be 32 bytes encoding an integer in 1..n-1.' },
  CRYPTO_NATIVE_UNAVAILABLE: { status: 400, doc: 'The native libsecp256k1 binding did not load.' },
  MERKLE_BAD_HASH: { status: 400, doc: 'A Merkle leaf hash that is not a 32-byte Uint8Array.' },
  MERKLE_BAD_SIZE: { status: 400, doc: 'A tree size out of range for a consistency proof.' },
  MERKLE_INDEX_OUT_OF_RANGE: { status: 400, doc: 'A leaf index outside the tree.' },
  VERIFY_POOL_CLOSED: { status: 400, doc: '`verifyBatch` after (or during) `close()`.' },
  VERIFY_POOL_WORKER_FAILED: { status: 400, doc: 'A worker crashed or its backend failed to load; its pending batches are rejected.' },
} as const satisfies CodeTable;
