import type { CodeTable } from './table.js';

/** Stable error codes raised by src/config/: HTTP status and meaning of each. */
export const ConfigCodes = {
  CONFIG_INVALID: { status: 400, doc: "…: '…' must be …." },
  CONFIG_UNKNOWN_KEY: { status: 400, doc: 'Config file …: … (--strict-config refuses unknown keys)' },
} as const satisfies CodeTable;
