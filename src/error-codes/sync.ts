import type { CodeTable } from './table.js';

/** Stable error codes raised by src/sync/: HTTP status and meaning of each. */
export const SyncCodes = {
  SYNC_STALLED: { status: 400, doc: 'Block download made no progress within its timeout.' },
} as const satisfies CodeTable;
