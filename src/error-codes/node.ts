import type { CodeTable } from './table.js';

/** Stable error codes raised by src/node.ts: HTTP status and meaning of each. */
export const NodeCodes = {
  API_LISTEN_FAILED: { status: 400, doc: 'The HTTP API cannot listen on its address; choose another --api-port (0 = any free port) or --no-api.' },
} as const satisfies CodeTable;
