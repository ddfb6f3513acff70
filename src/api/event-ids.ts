import type { Block } from '../primitives/block.js';
import type { Transaction } from '../primitives/transaction.js';
import { txToJson } from './json.js';
import type { RecordJson, RecordRefJson } from './types.js';

/**
 * Positions per block in an event sequence number: position 0 is the block's own event, position `i + 1` is its
 * transaction `i` (a block never holds 2^20 transactions, and height * 2^20 stays a safe integer for u32 heights).
 */
export const POSITIONS_PER_BLOCK = 2 ** 20;

/** Where a stream stands: the last event's block (height, hash) and position in it (0 = the block event). */
export interface EventCursor {
  height: number;
  pos: number;
  hash: string;
}

/**
 * SSE event id: `<seq>-<block hash>` where seq = height * 2^20 + position. The sequence grows along one chain;
 * the hash tells, on resume, whether the block the client last saw is still on the main chain.
 */
export function eventId(height: number, pos: number, hash: string): string {
  return `${height * POSITIONS_PER_BLOCK + pos}-${hash}`;
}

/** Parse an id made by {@link eventId}; undefined when it is not one. */
export function parseEventId(id: string): EventCursor | undefined {
  const m = /^(\d{1,16})-([0-9a-f]{64})$/.exec(id.trim());
  if (m === null) return undefined;
  const seq = Number(m[1]);
  if (!Number.isSafeInteger(seq)) return undefined;
  return { height: Math.floor(seq / POSITIONS_PER_BLOCK), pos: seq % POSITIONS_PER_BLOCK, hash: m[2]! };
}

/** What an event filter selects among records (undefined fields match anything). */
export interface RecordFilter {
  actor?: string | undefined;
  kind?: string | undefined;
  subject?: string | undefined;
}

/** Whether `tx` passes `f`. */
export function recordMatches(f: RecordFilter, tx: Transaction): boolean {
  return (
    (f.actor === undefined || tx.fromHex === f.actor) &&
    (f.kind === undefined || tx.fields.kind === f.kind) &&
    (f.subject === undefined || tx.fields.subject === f.subject)
  );
}

/** A reference to a record at one place in one block (reorg events list these). */
export function recordRef(tx: Transaction, blockHash: string, height: number, index: number): RecordRefJson {
  const f = tx.fields;
  return { txid: tx.txidHex, block: blockHash, height, index, actor: tx.fromHex, kind: f.kind, ...(f.subject === undefined ? {} : { subject: f.subject }) };
}

/** A record event: one main-chain transaction with its place. */
export function recordJson(tx: Transaction, block: Block, height: number, index: number): RecordJson {
  return { type: 'record', id: eventId(height, index + 1, block.header.hashHex), height, index, block: block.header.hashHex, tx: txToJson(tx) };
}

/** Transactions of one block (or the part of it a client saw) with the block's display hash and height. */
export interface BlockRecords {
  txs: readonly Transaction[];
  hash: string;
  height: number;
}

/** A block's records for {@link reorgRecords}. */
export function blockRecords(block: Block, height: number): BlockRecords {
  return { txs: block.txs, hash: block.header.hashHex, height };
}

/**
 * Split the records of disconnected blocks into those that left the chain and those that re-entered it in a
 * connected block (with their new place), keeping those `f` selects.
 */
export function reorgRecords(
  f: RecordFilter,
  disconnected: readonly BlockRecords[],
  connected: readonly BlockRecords[],
): { left: RecordRefJson[]; reentered: RecordRefJson[] } {
  const now = new Map<string, RecordRefJson>();
  for (const { txs, hash, height } of connected) {
    txs.forEach((tx, i) => {
      if (recordMatches(f, tx)) now.set(tx.txidHex, recordRef(tx, hash, height, i));
    });
  }
  const left: RecordRefJson[] = [];
  const reentered: RecordRefJson[] = [];
  for (const { txs, hash, height } of disconnected) {
    txs.forEach((tx, i) => {
      if (!recordMatches(f, tx)) return;
      const again = now.get(tx.txidHex);
      if (again === undefined) left.push(recordRef(tx, hash, height, i));
      else reentered.push(again);
    });
  }
  return { left, reentered };
}
