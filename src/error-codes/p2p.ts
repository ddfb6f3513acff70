import type { CodeTable } from './table.js';

/** Stable error codes raised by src/p2p/: HTTP status and meaning of each. */
export const P2pCodes = {
  P2P_BAD_KEY_FILE: { status: 400, doc: 'The peer key file does not hold a libp2p private key; move it away to create a new identity.' },
  TX_MALFORMED: { status: 400, doc: 'Penalty code: a relayed transaction that does not decode.' },
} as const satisfies CodeTable;
