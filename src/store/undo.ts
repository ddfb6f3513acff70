import * as dagCbor from '@ipld/dag-cbor';

/** Per-actor nonce before a block touched it, kept to undo the block. */
export type UndoData = Array<[actor: Uint8Array, prevNextNonce: number]>;

// CBOR head: major type in the top 3 bits, then the shortest argument encoding (what DAG-CBOR requires).
function headSize(v: number): number {
  return v < 24 ? 1 : v < 0x100 ? 2 : v < 0x1_0000 ? 3 : v < 0x1_0000_0000 ? 5 : 9;
}

function writeHead(out: Uint8Array, o: number, major: number, v: number): number {
  const m = major << 5;
  if (v < 24) {
    out[o] = m | v;
    return o + 1;
  }
  if (v < 0x100) {
    out[o] = m | 24;
    out[o + 1] = v;
    return o + 2;
  }
  if (v < 0x1_0000) {
    out[o] = m | 25;
    out[o + 1] = v >>> 8;
    out[o + 2] = v & 0xff;
    return o + 3;
  }
  if (v < 0x1_0000_0000) {
    out[o] = m | 26;
    new DataView(out.buffer, out.byteOffset + o + 1, 4).setUint32(0, v, false);
    return o + 5;
  }
  out[o] = m | 27;
  new DataView(out.buffer, out.byteOffset + o + 1, 8).setBigUint64(0, BigInt(v), false);
  return o + 9;
}

/**
 * The DAG-CBOR encoding of undo data (`[[actor bytes, nonce], ...]`), byte for byte what @ipld/dag-cbor writes,
 * built directly: it is encoded on every block connect, where the general encoder was a visible share of the time.
 */
export function encodeUndo(undo: UndoData): Uint8Array {
  let n = headSize(undo.length);
  for (const [actor, nonce] of undo) {
    if (!Number.isSafeInteger(nonce) || nonce < 0) throw new RangeError(`undo nonce ${nonce} is not a u64 safe integer`);
    n += 1 + headSize(actor.byteLength) + actor.byteLength + headSize(nonce);
  }
  const out = new Uint8Array(n);
  let o = writeHead(out, 0, 4, undo.length);
  for (const [actor, nonce] of undo) {
    out[o++] = 0x82;
    o = writeHead(out, o, 2, actor.byteLength);
    out.set(actor, o);
    o += actor.byteLength;
    o = writeHead(out, o, 0, nonce);
  }
  return out;
}

/** Decode stored undo data. */
export function decodeUndo(bytes: Uint8Array): UndoData {
  return dagCbor.decode(bytes) as UndoData;
}
