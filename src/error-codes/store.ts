import type { CodeTable } from './table.js';

/** Stable error codes raised by src/store/: HTTP status and meaning of each. */
export const StoreCodes = {
  STORE_BAD_CURSOR: { status: 400, doc: 'A page cursor that does not decode.' },
  STORE_CORRUPT: { status: 400, doc: 'The database holds data that does not decode or is inconsistent.' },
  STORE_LOCKED: { status: 400, doc: 'Another process holds the data directory.' },
  STORE_NOT_FOUND: { status: 400, doc: 'A record the store was asked for does not exist.' },
  STORE_SCHEMA_MISMATCH: { status: 400, doc: 'The data directory has a schema version this node cannot open.' },
  STORE_WRITE_FAILED: { status: 400, doc: 'A queued write failed: the node stops, and reopens on the last whole connect that reached the disk.' },
  STORE_WRONG_NETWORK: { status: 400, doc: 'The data directory belongs to another network.' },
} as const satisfies CodeTable;
