import { sha256d } from '../crypto/hash.js';
import { reversed, toHex } from '../util/bytes.js';
import { DecodeError, DecodeErrorCode } from './errors.js';

/** Size of an encoded block header (SPEC 3). */
export const HEADER_SIZE = 80;

/** The six fields of a block header. */
export interface HeaderFields {
  version: number;
  /** H2 of the parent header, natural byte order; all zero for genesis. */
  prevHash: Uint8Array;
  /** RFC 6962 root over [meta, ...txs], natural byte order. */
  merkleRoot: Uint8Array;
  /** Unix seconds. */
  time: number;
  /** Compact target. */
  bits: number;
  nonce: number;
}

/** Encode header fields into the 80-byte Bitcoin layout (little-endian integers). */
export function encodeHeader(h: HeaderFields): Uint8Array {
  if (h.prevHash.byteLength !== 32 || h.merkleRoot.byteLength !== 32) throw new DecodeError(DecodeErrorCode.badValue, 'header hashes must be 32 bytes');
  for (const [k, v] of [
    ['version', h.version],
    ['time', h.time],
    ['bits', h.bits],
    ['nonce', h.nonce],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new DecodeError(DecodeErrorCode.badValue, `header ${k} must be a u32`);
  }
  const out = new Uint8Array(HEADER_SIZE);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, h.version, true);
  out.set(h.prevHash, 4);
  out.set(h.merkleRoot, 36);
  dv.setUint32(68, h.time, true);
  dv.setUint32(72, h.bits, true);
  dv.setUint32(76, h.nonce, true);
  return out;
}

/** Decode an 80-byte header; throws DECODE_BAD_VALUE on any other length. */
export function decodeHeader(bytes: Uint8Array): HeaderFields {
  if (bytes.byteLength !== HEADER_SIZE) throw new DecodeError(DecodeErrorCode.badValue, `header must be ${HEADER_SIZE} bytes, got ${bytes.byteLength}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, HEADER_SIZE);
  return {
    version: dv.getUint32(0, true),
    prevHash: bytes.slice(4, 36),
    merkleRoot: bytes.slice(36, 68),
    time: dv.getUint32(68, true),
    bits: dv.getUint32(72, true),
    nonce: dv.getUint32(76, true),
  };
}

/** Block hash: H2 of the 80 header bytes, natural byte order. */
export function hashHeader(header: Uint8Array): Uint8Array {
  if (header.byteLength !== HEADER_SIZE) throw new DecodeError(DecodeErrorCode.badValue, `header must be ${HEADER_SIZE} bytes`);
  return sha256d(header);
}

/** A block hash as natural-order hex (`toHex(hash)`): the key of the block tree, the store and the orphan pool. */
export type BlockKeyHex = string & { readonly __hashOrder: 'natural' };

/** A block hash as display hex (byte-reversed, leading zeros): what the API, logs and the CLI show. */
export type DisplayHashHex = string & { readonly __hashOrder: 'display' };

/** Natural-order hex of a block hash (the in-memory key form). */
export function blockKeyHex(hash: Uint8Array): BlockKeyHex {
  return toHex(hash) as BlockKeyHex;
}

/** Display form of a block hash: byte-reversed lowercase hex, so valid hashes show leading zeros. */
export function blockHashToHex(hash: Uint8Array): DisplayHashHex {
  return toHex(reversed(hash)) as DisplayHashHex;
}

/** An immutable decoded header with its bytes and a cached hash. */
export class BlockHeader implements HeaderFields {
  readonly version: number;
  readonly prevHash: Uint8Array;
  readonly merkleRoot: Uint8Array;
  readonly time: number;
  readonly bits: number;
  readonly nonce: number;
  /** The 80 encoded bytes. */
  readonly bytes: Uint8Array;
  #hash: Uint8Array | undefined;
  #hashHex: DisplayHashHex | undefined;

  private constructor(fields: HeaderFields, bytes: Uint8Array) {
    this.version = fields.version;
    this.prevHash = fields.prevHash;
    this.merkleRoot = fields.merkleRoot;
    this.time = fields.time;
    this.bits = fields.bits;
    this.nonce = fields.nonce;
    this.bytes = bytes;
  }

  /** Build from fields. */
  static from(fields: HeaderFields): BlockHeader {
    return new BlockHeader(fields, encodeHeader(fields));
  }

  /** Decode 80 bytes. */
  static decode(bytes: Uint8Array): BlockHeader {
    return new BlockHeader(decodeHeader(bytes), Uint8Array.from(bytes));
  }

  /** H2 of the header (natural order), computed once. */
  get hash(): Uint8Array {
    if (this.#hash === undefined) this.#hash = sha256d(this.bytes);
    return this.#hash;
  }

  /** Display hex of the hash (byte-reversed). */
  get hashHex(): DisplayHashHex {
    return (this.#hashHex ??= blockHashToHex(this.hash));
  }

  /** Encoded size in bytes (always 80). */
  get size(): number {
    return HEADER_SIZE;
  }

  /** A copy with some fields replaced (used by miners rolling nonce and time). */
  with(changes: Partial<HeaderFields>): BlockHeader {
    return BlockHeader.from({ ...this.fields(), ...changes });
  }

  /** Plain field values. */
  fields(): HeaderFields {
    return { version: this.version, prevHash: this.prevHash, merkleRoot: this.merkleRoot, time: this.time, bits: this.bits, nonce: this.nonce };
  }
}
