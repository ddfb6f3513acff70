import type { QueryRow } from './query-index.js';

/** A chain-order index position: block height and the transaction's position in it. */
export interface IndexPosition {
  height: number;
  index: number;
  txid: Uint8Array;
  /** The query row kept in the index entry (subject index entries written with the query indexes). */
  row?: QueryRow;
}

/** Inclusive main-chain height bounds of a range query (absent: open). */
export interface HeightRange {
  fromHeight?: number;
  toHeight?: number;
}
