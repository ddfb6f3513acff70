import type { CodeTable } from './table.js';

/** Stable error codes raised by src/ident/: HTTP status and meaning of each. */
export const IdentCodes = {
  DID_INVALID: { status: 400, doc: 'Not `did:chain-node:<network>:<33-byte compressed secp256k1 public key hex>` (or not a point on the curve).' },
  DID_NOT_FOUND: { status: 404, doc: "No identity with this key on this node's network (never signed, never named by a rotation, or another network)." },
} as const satisfies CodeTable;
