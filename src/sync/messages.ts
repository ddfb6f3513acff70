import { bigintToBytesBE, bytesToBigintBE } from '../util/bytes.js';
import { cborHeadSize, checkKeys, isCborMap, read, writeCborHead, type CborValue } from '../primitives/cbor.js';
import { DecodeError, DecodeErrorCode } from '../primitives/errors.js';

/** Most headers in one `headers` response. */
export const MAX_HEADERS = 2_000;
/** Most hashes in a block locator. */
export const MAX_LOCATOR = 64;
/** Most blocks asked for in one `blocks` request. */
export const MAX_BLOCKS_PER_REQUEST = 128;
/** Soft cap on the bytes of one `blocks` response (at least one block is always sent). */
export const MAX_BLOCKS_RESPONSE_BYTES = 8 * 1024 * 1024;

/** Status exchanged on connect and re-checked periodically (SPEC 9). */
export interface ChainStatus {
  /** Genesis block hash (natural order). */
  genesis: Uint8Array;
  /** Tip block hash (natural order). */
  tip: Uint8Array;
  height: number;
  /** Cumulative work of the tip. */
  work: bigint;
}

/** Headers by locator: the peer answers with up to `max` main-chain headers after the first locator hash it knows. */
export interface GetHeaders {
  locator: Uint8Array[];
  max: number;
}

/** Blocks by hash: `null` where the peer lacks a block; the list may stop early at the byte cap. */
export interface GetBlocks {
  hashes: Uint8Array[];
}

function map(v: CborValue, what: string): { [k: string]: CborValue } {
  if (!isCborMap(v)) throw new DecodeError(DecodeErrorCode.wrongType, `${what} must be a map`);
  return v;
}

function list(v: CborValue | undefined, what: string, max: number): CborValue[] {
  if (!Array.isArray(v)) throw new DecodeError(DecodeErrorCode.wrongType, `${what} must be an array`);
  if (v.length > max) throw new DecodeError(DecodeErrorCode.oversized, `${what}: ${v.length} entries exceeds ${max}`);
  return v;
}

function fixedBytes(v: CborValue, n: number, what: string): Uint8Array {
  if (!(v instanceof Uint8Array) || v.byteLength !== n) throw new DecodeError(DecodeErrorCode.badValue, `${what} must be ${n} bytes`);
  return v;
}

/** Wire form of a status. */
export function encodeStatus(s: ChainStatus): CborValue {
  return { genesis: s.genesis, tip: s.tip, height: s.height, work: trimmed(bigintToBytesBE(s.work, 32)) };
}

/** Decode a status (work as unsigned big-endian bytes, at most 32). */
export function decodeStatus(v: CborValue): ChainStatus {
  const m = map(v, 'status');
  checkKeys(m, ['genesis', 'tip', 'height', 'work'], [], 'status');
  return {
    genesis: read.bytes(m, 'genesis', 'status', { exact: 32 }),
    tip: read.bytes(m, 'tip', 'status', { exact: 32 }),
    height: read.uint(m, 'height', 'status', 0xffffffff),
    work: bytesToBigintBE(read.bytes(m, 'work', 'status', { max: 32 })),
  };
}

function trimmed(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.byteLength - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/** Wire form of a headers request. */
export function encodeGetHeaders(r: GetHeaders): CborValue {
  return { locator: r.locator, max: r.max };
}

/** Decode a headers request. */
export function decodeGetHeaders(v: CborValue): GetHeaders {
  const m = map(v, 'getheaders');
  checkKeys(m, ['locator', 'max'], [], 'getheaders');
  const locator = list(m.locator, 'getheaders.locator', MAX_LOCATOR).map((h, i) => fixedBytes(h, 32, `getheaders.locator[${i}]`));
  return { locator, max: Math.min(read.uint(m, 'max', 'getheaders'), MAX_HEADERS) };
}

/** Wire form of a headers response. */
export function encodeHeaders(headers: Uint8Array[]): CborValue {
  return { headers };
}

/** Decode a headers response (80-byte headers, at most `max`). */
export function decodeHeaders(v: CborValue, max: number): Uint8Array[] {
  const m = map(v, 'headers');
  checkKeys(m, ['headers'], [], 'headers');
  return list(m.headers, 'headers', max).map((h, i) => fixedBytes(h, 80, `headers[${i}]`));
}

/** Wire form of a blocks request. */
export function encodeGetBlocks(r: GetBlocks): CborValue {
  return { hashes: r.hashes };
}

/** Decode a blocks request. */
export function decodeGetBlocks(v: CborValue): GetBlocks {
  const m = map(v, 'getblocks');
  checkKeys(m, ['hashes'], [], 'getblocks');
  return { hashes: list(m.hashes, 'getblocks.hashes', MAX_BLOCKS_PER_REQUEST).map((h, i) => fixedBytes(h, 32, `getblocks.hashes[${i}]`)) };
}

/**
 * The canonical DAG-CBOR of a blocks response, `{blocks: [bytes | null, ...]}`, written straight into one buffer:
 * byte for byte what encodeCbor({ blocks }) gives, without the general encoder's copies of megabytes of
 * block bodies.
 */
export function encodeBlocksBytes(blocks: ReadonlyArray<Uint8Array | null>): Uint8Array {
  let size = BLOCKS_KEY.byteLength + cborHeadSize(blocks.length) + 1;
  for (const b of blocks) size += b === null ? 1 : cborHeadSize(b.byteLength) + b.byteLength;
  const out = new Uint8Array(size);
  out[0] = 0xa1;
  out.set(BLOCKS_KEY, 1);
  let o = writeCborHead(out, 1 + BLOCKS_KEY.byteLength, 4, blocks.length);
  for (const b of blocks) {
    if (b === null) {
      out[o++] = 0xf6;
      continue;
    }
    o = writeCborHead(out, o, 2, b.byteLength);
    out.set(b, o);
    o += b.byteLength;
  }
  return out;
}

// Text string "blocks".
const BLOCKS_KEY = Uint8Array.of(0x66, 0x62, 0x6c, 0x6f, 0x63, 0x6b, 0x73);

/** Decode a blocks response: encoded blocks or null, no more entries than were asked for. */
export function decodeBlocks(v: CborValue, asked: number): Array<Uint8Array | null> {
  const m = map(v, 'blocks');
  checkKeys(m, ['blocks'], [], 'blocks');
  return list(m.blocks, 'blocks', asked).map((b, i) => {
    if (b === null || b instanceof Uint8Array) return b;
    throw new DecodeError(DecodeErrorCode.wrongType, `blocks[${i}] must be bytes or null`);
  });
}
