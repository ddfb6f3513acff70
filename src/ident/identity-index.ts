import type { Block } from '../primitives/block.js';
import { toHex } from '../util/bytes.js';
import type { Transaction } from '../primitives/transaction.js';
import type { ChainStore, UndoData } from '../store/chain-store.js';
import { Keys } from '../store/layout.js';
import type { BatchOp } from '../store/write-queue.js';
import {
  decodeIdentityRecord,
  decodeIdentUndo,
  decodeKeyRecord,
  encodeIdentityRecord,
  encodeIdentUndo,
  encodeKeyRecord,
  IdentFlag,
  keyFlags,
  type IdentityRecord,
  type IdentUndo,
  type KeyRecord,
} from './records.js';
import { applyIdentityBlock, hasIdentityActions, type IdentChanges, type IdentReader } from './rules.js';

const utf8 = new TextDecoder();
const enc = new TextEncoder();

/**
 * The identity index (key prefixes 0x50-0x53): key records, identity records, per-block undo and notes of
 * id.* actions that changed nothing. Its operations go into the chain's one connect or disconnect batch, so a
 * crash never leaves it half-applied and a reorg undoes it block by block. Blocks without id.rotate or id.revoke
 * cost nothing here (no read, no write). It is node policy, not consensus: nothing here refuses a block.
 */
export class IdentityIndex {
  readonly #store: ChainStore;

  constructor(deps: { store: ChainStore }) {
    this.#store = deps.store;
  }

  /** Operations that apply `block` (connected at `height`); `prior` holds its actors' nonces before it. */
  async connectOps(block: Block, height: number, hash: Uint8Array, prior: UndoData): Promise<BatchOp[]> {
    if (!hasIdentityActions(block.txs)) return [];
    const before = new Map(prior.map(([a, n]) => [toHex(a), n]));
    const reader: IdentReader = {
      key: (k) => this.keyRecord(k),
      identity: (r) => this.identity(r),
      nextNonce: async (k) => before.get(toHex(k)) ?? this.#store.getNextNonce(k),
    };
    const changes = await applyIdentityBlock(block.txs, { height, hash }, reader);
    return this.#opsOf(changes, hash);
  }

  async #opsOf(changes: IdentChanges, hash: Uint8Array): Promise<BatchOp[]> {
    const puts: Array<[Uint8Array, Uint8Array]> = [];
    for (const [hex, r] of changes.keys) puts.push([Keys.identKey(Buffer.from(hex, 'hex')), encodeKeyRecord(r)]);
    for (const [hex, r] of changes.identities) puts.push([Keys.identity(Buffer.from(hex, 'hex')), encodeIdentityRecord(r)]);
    for (const [hex, code] of changes.notes) puts.push([Keys.identNote(Buffer.from(hex, 'hex')), enc.encode(code)]);
    if (puts.length === 0) return [];
    const priors = await this.#store.getValues(puts.map(([k]) => k));
    const undo: IdentUndo = puts.map(([k], i) => [k, priors[i] ?? null]);
    return [
      ...puts.map(([key, value]): BatchOp => ({ type: 'put', key: Uint8Array.from(key), value })),
      { type: 'put', key: Keys.identUndo(hash), value: encodeIdentUndo(undo) },
    ];
  }

  /** Operations that undo `block` (the tip being disconnected). */
  async disconnectOps(block: Block, hash: Uint8Array): Promise<BatchOp[]> {
    if (!hasIdentityActions(block.txs)) return [];
    const [raw] = await this.#store.getValues([Keys.identUndo(hash)]);
    if (raw === undefined) return [];
    const ops: BatchOp[] = decodeIdentUndo(raw).map(([key, prior]): BatchOp => (prior === null ? { type: 'del', key } : { type: 'put', key, value: prior }));
    ops.push({ type: 'del', key: Keys.identUndo(hash) });
    return ops;
  }

  /** The key's record, if it took part in an identity event. */
  async keyRecord(key: Uint8Array): Promise<KeyRecord | undefined> {
    const [v] = await this.#store.getValues([Keys.identKey(key)]);
    return v === undefined ? undefined : decodeKeyRecord(v);
  }

  /** The identity record of a root key, if the identity had an event. */
  async identity(root: Uint8Array): Promise<IdentityRecord | undefined> {
    const [v] = await this.#store.getValues([Keys.identity(root)]);
    return v === undefined ? undefined : decodeIdentityRecord(v);
  }

  /** The note code of an id.* action that changed nothing. */
  async note(txid: Uint8Array): Promise<string | undefined> {
    const [v] = await this.#store.getValues([Keys.identNote(txid)]);
    return v === undefined ? undefined : utf8.decode(v);
  }

  /**
   * Flags of mined actions (KEY_ROTATED, KEY_REVOKED, ID_ACTION_IGNORED), one list per transaction, from one read
   * of the key records of their signers and the notes of their id.* actions.
   */
  async flagsOfMany(txs: readonly Transaction[]): Promise<string[][]> {
    if (txs.length === 0) return [];
    const signers = [...new Set(txs.map((t) => t.fromHex))];
    const idTxs = txs.filter((t) => t.fields.kind.startsWith('id.'));
    const values = await this.#store.getValues([...signers.map((h) => Keys.identKey(Buffer.from(h, 'hex'))), ...idTxs.map((t) => Keys.identNote(t.txid))]);
    const records = new Map(signers.map((h, i) => [h, values[i] === undefined ? undefined : decodeKeyRecord(values[i]!)]));
    const ignored = new Set(idTxs.filter((_, i) => values[signers.length + i] !== undefined).map((t) => t.txidHex));
    return txs.map((t) => {
      const flags = keyFlags(records.get(t.fromHex), t.fields.nonce);
      if (ignored.has(t.txidHex)) flags.push(IdentFlag.ignored);
      return flags;
    });
  }
}
