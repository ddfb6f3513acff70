import { DecodeError, DecodeErrorCode } from './errors.js';

// The canonical block map `{txs, meta, header}` (DAG-CBOR orders keys by length): a 3-entry map head, then "txs".
const BLOCK_PREFIX = Uint8Array.of(0xa3, 0x63, 0x74, 0x78, 0x73);

function head(bytes: Uint8Array, o: number, major: number): { value: number; next: number } {
  const b = bytes[o];
  if (b === undefined || b >> 5 !== major) throw new DecodeError(DecodeErrorCode.malformed, `stored block: expected CBOR major type ${major} at ${o}`);
  const info = b & 0x1f;
  if (info < 24) return { value: info, next: o + 1 };
  const n = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : 0;
  if (n === 0 || o + 1 + n > bytes.byteLength) throw new DecodeError(DecodeErrorCode.malformed, `stored block: bad CBOR head at ${o}`);
  let v = 0;
  for (let i = 1; i <= n; i++) v = v * 256 + bytes[o + i]!;
  return { value: v, next: o + 1 + n };
}

/**
 * The encoded transactions of a canonically encoded block at `indexes` (0-based), as views into `bytes`, found by
 * walking the `txs` array's byte-string heads: nothing is decoded or copied. Meant for blocks this node stored (and
 * so validated). Returns undefined when an index is past the last transaction; throws DecodeError when the bytes
 * are not a canonical block.
 */
export function blockTxSlices(bytes: Uint8Array, indexes: readonly number[]): Uint8Array[] | undefined {
  for (let i = 0; i < BLOCK_PREFIX.length; i++) {
    if (bytes[i] !== BLOCK_PREFIX[i]) throw new DecodeError(DecodeErrorCode.malformed, 'stored block: not a canonical block map');
  }
  const arr = head(bytes, BLOCK_PREFIX.length, 4);
  const count = arr.value;
  let max = -1;
  for (const i of indexes) if (i > max) max = i;
  if (max >= count) return undefined;
  const starts: Array<[number, number]> = [];
  let o = arr.next;
  for (let i = 0; i <= max; i++) {
    const h = head(bytes, o, 2);
    if (h.next + h.value > bytes.byteLength) throw new DecodeError(DecodeErrorCode.malformed, 'stored block: transaction runs past the end');
    starts.push([h.next, h.value]);
    o = h.next + h.value;
  }
  return indexes.map((i) => {
    const [at, len] = starts[i]!;
    return bytes.subarray(at, at + len);
  });
}
