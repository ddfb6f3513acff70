import type { CodeTable } from './table.js';

/** Stable error codes raised by src/client/: HTTP status and meaning of each. */
export const ClientCodes = {
  API_BAD_RESPONSE: { status: 400, doc: 'The node API answered with something that is not JSON.' },
  API_BAD_URL: { status: 400, doc: 'The node API address is not a URL.' },
  API_TIMEOUT: { status: 400, doc: 'The node API did not answer in time.' },
  API_UNREACHABLE: { status: 400, doc: 'The node API cannot be reached: is the node running? (chain-node start, or pass --api <url>).' },
  DOC_NOT_CERTIFIED: { status: 400, doc: 'The document hash is not certified on this chain (or not by that actor).' },
  DOC_PROOF_MISMATCH: { status: 400, doc: 'The record proof is about another document.' },
  DOC_UNREADABLE: { status: 400, doc: 'The document file cannot be read.' },
  FINALITY_TIMEOUT: { status: 400, doc: 'No final checkpoint covered the block in time.' },
  LOAD_BAD_OPTION: { status: 400, doc: 'A load-generator option out of range.' },
  NETWORK_MISMATCH: { status: 400, doc: 'The node runs another network than the command is set for: pass --network.' },
  TX_WAIT_TIMEOUT: { status: 400, doc: 'The transaction did not reach the confirmations asked for in time.' },
} as const satisfies CodeTable;
