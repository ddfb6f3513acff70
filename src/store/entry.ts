import { bigintToBytesBE, bytesToBigintBE } from '../util/bytes.js';
import { BlockHeader } from '../primitives/header.js';

/** Block status flags kept with each entry. */
export const BlockStatus = {
  /** The body is stored. */
  haveData: 1,
  /** The block connected successfully at least once (its transactions are valid on its parent). */
  validTxs: 2,
  /** The block, or an ancestor, failed validation. */
  invalid: 4,
} as const;

/** What the node knows about one stored block: its header, position and cumulative work. */
export interface BlockEntry {
  hash: Uint8Array;
  header: BlockHeader;
  height: number;
  /** Sum of block work from genesis to this block inclusive. */
  chainWork: bigint;
  status: number;
  /** Arrival order, used to keep the first-seen chain on equal work. */
  seq: number;
}

const ENTRY_SIZE = 80 + 4 + 1 + 4 + 32;

/** Encode an entry value (layout: header, height, status, seq, chainWork). */
export function encodeEntry(e: BlockEntry): Uint8Array {
  const out = new Uint8Array(ENTRY_SIZE);
  const dv = new DataView(out.buffer);
  out.set(e.header.bytes, 0);
  dv.setUint32(80, e.height, false);
  out[84] = e.status;
  dv.setUint32(85, e.seq, false);
  out.set(bigintToBytesBE(e.chainWork, 32), 89);
  return out;
}

/** Decode an entry value stored under `hash`. */
export function decodeEntry(hash: Uint8Array, v: Uint8Array): BlockEntry {
  if (v.byteLength !== ENTRY_SIZE) throw new RangeError(`block entry must be ${ENTRY_SIZE} bytes`);
  const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
  return {
    hash,
    header: BlockHeader.decode(v.subarray(0, 80)),
    height: dv.getUint32(80, false),
    status: v[84]!,
    seq: dv.getUint32(85, false),
    chainWork: bytesToBigintBE(v.subarray(89, 121)),
  };
}
