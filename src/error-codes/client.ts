import type { CodeTable } from './table.js';

/** Stable error codes raised by src/client/: HTTP status and meaning of each. */
export const ClientCodes = {
  API_BAD_RESPONSE: { status: 400, doc: '… ……: the answer is not JSON.' },
  API_BAD_URL: { status: 400, doc: "Not a URL: '…'." },
  API_TIMEOUT: { status: 400, doc: '… …: no answer within … ms.' },
  API_UNREACHABLE: { status: 400, doc: 'Cannot reach the node API at … (…); is the node running? (chain-node start, or pass --api <url>)' },
  DOC_NOT_CERTIFIED: { status: 400, doc: 'The document hash is not certified on this chain (or not by that actor).' },
  DOC_PROOF_MISMATCH: { status: 400, doc: 'Record proof of … is about another document.' },
  DOC_UNREADABLE: { status: 400, doc: "Cannot read document '…': …." },
  FINALITY_TIMEOUT: { status: 400, doc: 'No final checkpoint covered block … within … s.' },
  LOAD_BAD_OPTION: { status: 400, doc: 'A load-generator option out of range.' },
  NETWORK_MISMATCH: { status: 400, doc: "The node at … runs network '…' (chain …...), but this command is set for '…': pass --network …." },
  TX_WAIT_TIMEOUT: { status: 400, doc: 'Tx … has … of … confirmations after … s (…)' },
} as const satisfies CodeTable;
