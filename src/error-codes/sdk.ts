import type { CodeTable } from './table.js';

/** Stable error codes raised by src/sdk/: HTTP status and meaning of each. */
export const SdkCodes = {
  SDK_BAD_OPTION: { status: 400, doc: 'TxSender needs url or client.' },
} as const satisfies CodeTable;
