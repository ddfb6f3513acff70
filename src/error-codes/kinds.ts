import type { CodeTable } from './table.js';

/** Stable error codes raised by src/kinds/: HTTP status and meaning of each. */
export const KindsCodes = {
  KIND_SCHEMA_INVALID: { status: 400, doc: 'A configured kind file is unreadable, not JSON, or holds a bad kind name or schema.' },
  TX_SCHEMA: { status: 400, doc: "A payload fails its kind's schema (the error carries the JSON pointer of the first failure)." },
} as const satisfies CodeTable;
