import * as dagCbor from '@ipld/dag-cbor';
import { encodeCbor } from '../primitives/cbor.js';

/** Where an identity event (a rotation, a revocation) happened on the main chain. */
export interface IdentEvent {
  height: number;
  /** Hash of the block (natural order). */
  block: Uint8Array;
  txid: Uint8Array;
}

/**
 * What the index knows of one key that took part in an identity event (0x50 row). Keys without a row are their
 * own single-key identity, current and not revoked.
 */
export interface KeyRecord {
  /** The identity's first key: its DID names the identity. */
  root: Uint8Array;
  /** Position of this key in the identity's chain of keys (0 = the root). */
  index: number;
  /** First nonce of this key signed after it was rotated out (records from here on are KEY_ROTATED). */
  rotatedFrom?: number;
  /** First nonce of this key signed after the identity was revoked (records from here on are KEY_REVOKED). */
  revokedFrom?: number;
}

/** One key of an identity, with the rotation that added it (none for the root). */
export interface IdentityKey {
  key: Uint8Array;
  added?: IdentEvent;
}

/** An identity with at least one event (0x51 row, keyed by its root key). */
export interface IdentityRecord {
  /** Keys in rotation order; the last one is current unless the identity is revoked. */
  keys: IdentityKey[];
  revoked?: IdentEvent;
}

function eventToCbor(e: IdentEvent): Record<string, unknown> {
  return { height: e.height, block: e.block, txid: e.txid };
}

/** DAG-CBOR of a key record. */
export function encodeKeyRecord(r: KeyRecord): Uint8Array {
  const m: Record<string, unknown> = { root: r.root, index: r.index };
  if (r.rotatedFrom !== undefined) m.rotatedFrom = r.rotatedFrom;
  if (r.revokedFrom !== undefined) m.revokedFrom = r.revokedFrom;
  return encodeCbor(m);
}

/** Decode a stored key record. */
export function decodeKeyRecord(bytes: Uint8Array): KeyRecord {
  const m = dagCbor.decode(bytes) as KeyRecord;
  const out: KeyRecord = { root: m.root, index: m.index };
  if (m.rotatedFrom !== undefined) out.rotatedFrom = m.rotatedFrom;
  if (m.revokedFrom !== undefined) out.revokedFrom = m.revokedFrom;
  return out;
}

/** DAG-CBOR of an identity record. */
export function encodeIdentityRecord(r: IdentityRecord): Uint8Array {
  const m: Record<string, unknown> = { keys: r.keys.map((k) => (k.added === undefined ? { key: k.key } : { key: k.key, added: eventToCbor(k.added) })) };
  if (r.revoked !== undefined) m.revoked = eventToCbor(r.revoked);
  return encodeCbor(m);
}

/** Decode a stored identity record. */
export function decodeIdentityRecord(bytes: Uint8Array): IdentityRecord {
  return dagCbor.decode(bytes) as IdentityRecord;
}

/** Identity undo of one block: every index key it changed with the value before (null: absent before). */
export type IdentUndo = Array<[key: Uint8Array, prior: Uint8Array | null]>;

/** DAG-CBOR of identity undo data. */
export function encodeIdentUndo(undo: IdentUndo): Uint8Array {
  return encodeCbor(undo);
}

/** Decode stored identity undo data. */
export function decodeIdentUndo(bytes: Uint8Array): IdentUndo {
  return dagCbor.decode(bytes) as IdentUndo;
}

/** Flags of a record (an action) derived from the identity index. */
export const IdentFlag = {
  /** Signed by a key after that key was rotated out (a higher nonce than its rotation). */
  keyRotated: 'KEY_ROTATED',
  /** Signed by a key of a revoked identity after the revocation. */
  keyRevoked: 'KEY_REVOKED',
  /** An id.rotate or id.revoke that changed nothing (the code of the 0x53 note says why). */
  ignored: 'ID_ACTION_IGNORED',
} as const;

/** Flags of the record with `nonce` signed by a key with record `r` (undefined: the key has none). */
export function keyFlags(r: KeyRecord | undefined, nonce: number): string[] {
  const out: string[] = [];
  if (r?.rotatedFrom !== undefined && nonce >= r.rotatedFrom) out.push(IdentFlag.keyRotated);
  if (r?.revokedFrom !== undefined && nonce >= r.revokedFrom) out.push(IdentFlag.keyRevoked);
  return out;
}
