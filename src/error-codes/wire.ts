import type { CodeTable } from './table.js';

/** Stable error codes raised by src/wire/: HTTP status and meaning of each. */
export const WireCodes = {
  HEADERS_CONFLICT_FINAL: { status: 400, doc: 'Headers of a branch that conflicts with the latest final checkpoint (SPEC 12).' },
  P2P_BAD_ADDRESS: { status: 400, doc: 'A peer address (multiaddr or host:port) that cannot be parsed or resolved.' },
  P2P_BAD_PEER_ID: { status: 400, doc: 'A peer id that cannot be parsed.' },
  P2P_COMPACT_FAILED: { status: 400, doc: 'A compact block could not be rebuilt (missing transactions could not be fetched).' },
  P2P_DIAL_FAILED: { status: 400, doc: 'Dialling a peer failed.' },
  P2P_DISABLED: { status: 400, doc: 'Networking is off (`--no-p2p`).' },
  P2P_LISTEN_FAILED: { status: 400, doc: 'The P2P listen address cannot be bound (port in use, address not local).' },
  P2P_PEER_BANNED: { status: 400, doc: 'The peer is banned (or blocked after an admin disconnect).' },
  P2P_RATE_LIMITED: { status: 400, doc: 'The peer sent more requests than its rate limit allows.' },
  P2P_RPC_FAILED: { status: 400, doc: 'The stream failed (reset, closed early, no such protocol).' },
  P2P_RPC_MALFORMED: { status: 400, doc: 'A request or response did not decode (strict DAG-CBOR, expected shape).' },
  P2P_RPC_OVERSIZED: { status: 400, doc: 'A request or response was larger than the protocol allows.' },
  P2P_RPC_REFUSED: { status: 400, doc: 'The remote answered with an error (rate limited, bad request, ...).' },
  P2P_RPC_TIMEOUT: { status: 400, doc: 'A request/response exchange took longer than its timeout.' },
  P2P_UNREQUESTED: { status: 400, doc: 'Penalty code: the peer sent data nobody asked for (a block not requested).' },
  P2P_WRONG_GENESIS: { status: 400, doc: 'Penalty code: the peer follows another genesis block.' },
  SYNC_FALSE_WORK: { status: 400, doc: 'Penalty code: the peer claimed more chain work than the headers it then served.' },
} as const satisfies CodeTable;
