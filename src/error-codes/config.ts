import type { CodeTable } from './table.js';

/** Stable error codes raised by src/config/: HTTP status and meaning of each. */
export const ConfigCodes = {
  CONFIG_INVALID: { status: 400, doc: 'A configuration value (file, flag or environment) of the wrong type or out of range.' },
  CONFIG_UNKNOWN_KEY: { status: 400, doc: 'A config file key that does not exist (--strict-config refuses unknown keys).' },
} as const satisfies CodeTable;
