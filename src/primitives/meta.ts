import { checkKeys, decodeCbor, encodeCbor, isCborMap, read, type CborMap } from './cbor.js';
import { DecodeError, DecodeErrorCode } from './errors.js';

/** Maximum UTF-8 bytes of the meta `miner` tag. */
export const MAX_MINER_BYTES = 64;
/** Maximum bytes of the meta `extra` field rolled by miners. */
export const MAX_EXTRA_BYTES = 32;

/** Block meta record, Merkle leaf 0 (SPEC 5). */
export interface BlockMeta {
  height: number;
  miner?: string;
  extra: Uint8Array;
}

/** Validate a decoded meta map and return it typed. */
export function metaFromCbor(value: unknown): BlockMeta {
  if (!isCborMap(value)) throw new DecodeError(DecodeErrorCode.wrongType, 'meta must be a map');
  const map = value as CborMap;
  checkKeys(map, ['height', 'extra'], ['miner'], 'meta');
  const meta: BlockMeta = {
    height: read.uint(map, 'height', 'meta', 0xffffffff),
    extra: read.bytes(map, 'extra', 'meta', { max: MAX_EXTRA_BYTES }),
  };
  if ('miner' in map) meta.miner = read.string(map, 'miner', 'meta', 0, MAX_MINER_BYTES);
  return meta;
}

/** Canonical CBOR value of a meta record (optional `miner` omitted when absent). */
export function metaToCbor(meta: BlockMeta): CborMap {
  const m: CborMap = { height: meta.height, extra: meta.extra };
  if (meta.miner !== undefined) m.miner = meta.miner;
  return m;
}

/** Encode a meta record (this is the Merkle leaf 0 byte string). */
export function encodeMeta(meta: BlockMeta): Uint8Array {
  metaFromCbor(metaToCbor(meta));
  return encodeCbor(metaToCbor(meta));
}

/** Strictly decode a meta record. */
export function decodeMeta(bytes: Uint8Array): BlockMeta {
  return metaFromCbor(decodeCbor(bytes, 'meta'));
}
