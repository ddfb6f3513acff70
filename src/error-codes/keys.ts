import type { CodeTable } from './table.js';

/** Stable error codes raised by src/keys/: HTTP status and meaning of each. */
export const KeysCodes = {
  KEY_UNAVAILABLE: { status: 400, doc: 'A node-held key that cannot sign right now.' },
} as const satisfies CodeTable;
