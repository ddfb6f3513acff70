import { isValidPublicKey } from '../crypto/signature.js';
import { bytesEqual, fromHex, toHex } from '../util/bytes.js';
import { isCborMap } from '../primitives/cbor.js';
import type { Transaction } from '../primitives/transaction.js';
import type { IdentEvent, IdentityRecord, KeyRecord } from './records.js';

/** Kind of the action that names an identity's next key (payload `{next: <compressed public key hex>}`). */
export const ID_ROTATE = 'id.rotate';
/** Kind of the action that revokes an identity (payload `{reason?}`). */
export const ID_REVOKE = 'id.revoke';

/** Why an id.rotate or id.revoke changed nothing (the 0x53 note of its txid). */
export const IdentNoteCode = {
  /** Signed by a key that was rotated out before. */
  keyRotated: 'ID_KEY_ROTATED',
  /** The identity was revoked before. */
  revoked: 'ID_REVOKED',
  /** `next` is missing or not a compressed secp256k1 public key on the curve. */
  badNext: 'ID_BAD_NEXT',
  /** `next` already signed records, or already belongs to an identity (or is the signer itself). */
  nextInUse: 'ID_NEXT_IN_USE',
} as const;

/** Reads of the index and chain state as they were before the block (the caller's store, or a replay's maps). */
export interface IdentReader {
  key(key: Uint8Array): Promise<KeyRecord | undefined>;
  identity(root: Uint8Array): Promise<IdentityRecord | undefined>;
  /** The key's next nonce on the chain before the block. */
  nextNonce(key: Uint8Array): Promise<number>;
}

/** What a block changes in the identity index (hex keys: public keys, roots, txids). */
export interface IdentChanges {
  keys: Map<string, KeyRecord>;
  identities: Map<string, IdentityRecord>;
  notes: Map<string, string>;
}

/** True when the block holds an action the identity index acts on (all other blocks leave it unchanged). */
export function hasIdentityActions(txs: readonly Transaction[]): boolean {
  for (const tx of txs) if (tx.fields.kind === ID_ROTATE || tx.fields.kind === ID_REVOKE) return true;
  return false;
}

function nextKeyOf(tx: Transaction): Uint8Array | undefined {
  const p = tx.fields.payload;
  if (!isCborMap(p) || typeof p.next !== 'string' || !/^0[23][0-9a-f]{64}$/.test(p.next)) return undefined;
  const key = fromHex(p.next);
  return isValidPublicKey(key) ? key : undefined;
}

/**
 * Apply a block's id.rotate and id.revoke actions to the identity index, in block order (SPEC-free node policy,
 * README "Identities"): a rotation signed by an identity's current key binds a fresh key (one that never signed
 * and belongs to no identity) as the next key and marks the signer rotated out from its next nonce on; a
 * revocation signed by the current key marks every key of the identity revoked from its next nonce on. Actions
 * that do neither are noted with an {@link IdentNoteCode}. Never throws for any payload: blocks stay valid.
 */
export async function applyIdentityBlock(txs: readonly Transaction[], at: { height: number; hash: Uint8Array }, reader: IdentReader): Promise<IdentChanges> {
  const changes: IdentChanges = { keys: new Map(), identities: new Map(), notes: new Map() };
  const keyOf = async (k: Uint8Array): Promise<KeyRecord | undefined> => changes.keys.get(toHex(k)) ?? reader.key(k);
  const identityOf = async (root: Uint8Array): Promise<IdentityRecord> =>
    changes.identities.get(toHex(root)) ?? (await reader.identity(root)) ?? { keys: [{ key: root }] };
  // Next nonce of each key at the current position in the block (chain state plus the block's earlier txs).
  const seen = new Map<string, number>();
  const nonceAt = async (k: Uint8Array): Promise<number> => seen.get(toHex(k)) ?? reader.nextNonce(k);
  for (const tx of txs) {
    const kind = tx.fields.kind;
    if (kind === ID_ROTATE || kind === ID_REVOKE) {
      const event: IdentEvent = { height: at.height, block: at.hash, txid: tx.txid };
      const signer = tx.fields.from;
      const record = (await keyOf(signer)) ?? { root: signer, index: 0 };
      const identity = await identityOf(record.root);
      const note = (code: string): void => void changes.notes.set(tx.txidHex, code);
      if (record.rotatedFrom !== undefined) note(IdentNoteCode.keyRotated);
      else if (identity.revoked !== undefined) note(IdentNoteCode.revoked);
      else if (kind === ID_ROTATE) {
        const next = nextKeyOf(tx);
        if (next === undefined) note(IdentNoteCode.badNext);
        else if (bytesEqual(next, signer) || (await keyOf(next)) !== undefined || (await nonceAt(next)) > 0) note(IdentNoteCode.nextInUse);
        else {
          changes.keys.set(toHex(signer), { ...record, rotatedFrom: tx.fields.nonce + 1 });
          changes.keys.set(toHex(next), { root: record.root, index: identity.keys.length });
          changes.identities.set(toHex(record.root), { ...identity, keys: [...identity.keys, { key: next, added: event }] });
        }
      } else {
        for (const k of identity.keys) {
          const r = bytesEqual(k.key, signer) ? record : ((await keyOf(k.key)) ?? { root: record.root, index: 0 });
          const from = bytesEqual(k.key, signer) ? tx.fields.nonce + 1 : await nonceAt(k.key);
          changes.keys.set(toHex(k.key), { ...r, revokedFrom: from });
        }
        changes.identities.set(toHex(record.root), { ...identity, revoked: event });
      }
    }
    seen.set(tx.fromHex, tx.fields.nonce + 1);
  }
  return changes;
}
