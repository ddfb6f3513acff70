import { leafHash, merkleRootFromLeafHashes } from '../crypto/merkle.js';
import { checkKeys, decodeCbor, encodeCbor, isCborMap, read } from './cbor.js';
import { DecodeError, DecodeErrorCode } from './errors.js';
import { BlockHeader } from './header.js';
import { encodeMeta, metaFromCbor, metaToCbor, type BlockMeta } from './meta.js';
import { Transaction } from './transaction.js';

/** Default cap on an encoded block when the caller gives no network limit. */
export const DEFAULT_MAX_BLOCK_BYTES = 4 * 1024 * 1024;

/** Limits for decoding untrusted block bytes. */
export interface BlockDecodeOptions {
  maxBlockBytes?: number;
  maxTxBytes?: number;
}

/** A block: header, meta record and signed transactions (SPEC 7). */
export class Block {
  readonly header: BlockHeader;
  readonly meta: BlockMeta;
  readonly txs: readonly Transaction[];
  #bytes: Uint8Array | undefined;
  #metaBytes: Uint8Array | undefined;

  constructor(header: BlockHeader, meta: BlockMeta, txs: readonly Transaction[], bytes?: Uint8Array) {
    this.header = header;
    this.meta = meta;
    this.txs = txs;
    this.#bytes = bytes;
  }

  /** Strictly decode untrusted bytes; every transaction is decoded strictly too. */
  static decode(bytes: Uint8Array, options: BlockDecodeOptions = {}): Block {
    const max = options.maxBlockBytes ?? DEFAULT_MAX_BLOCK_BYTES;
    if (bytes.byteLength > max) throw new DecodeError(DecodeErrorCode.oversized, `block: ${bytes.byteLength} bytes exceeds ${max}`);
    const value = decodeCbor(bytes, 'block');
    if (!isCborMap(value)) throw new DecodeError(DecodeErrorCode.wrongType, 'block must be a map');
    checkKeys(value, ['header', 'meta', 'txs'], [], 'block');
    const header = BlockHeader.decode(read.bytes(value, 'header', 'block', { exact: 80 }));
    const meta = metaFromCbor(value.meta);
    const rawTxs = value.txs;
    if (!Array.isArray(rawTxs)) throw new DecodeError(DecodeErrorCode.wrongType, "block: 'txs' must be an array");
    const txs = rawTxs.map((raw, i) => {
      if (!(raw instanceof Uint8Array)) throw new DecodeError(DecodeErrorCode.wrongType, `block: txs[${i}] must be bytes`);
      return Transaction.decode(raw, { maxBytes: options.maxTxBytes });
    });
    return new Block(header, meta, txs, bytes);
  }

  /** Canonical encoding, computed once. */
  get bytes(): Uint8Array {
    if (this.#bytes === undefined) {
      this.#bytes = encodeCbor({ header: this.header.bytes, meta: metaToCbor(this.meta), txs: this.txs.map((t) => t.bytes) });
    }
    return this.#bytes;
  }

  /** Encoded size in bytes. */
  get size(): number {
    return this.bytes.byteLength;
  }

  /** Block hash (natural order). */
  get hash(): Uint8Array {
    return this.header.hash;
  }

  /** Encoded meta record: Merkle leaf 0. */
  get metaBytes(): Uint8Array {
    if (this.#metaBytes === undefined) this.#metaBytes = encodeMeta(this.meta);
    return this.#metaBytes;
  }

  /** Merkle leaf hashes: meta leaf, then the txids. */
  leafHashes(): Uint8Array[] {
    return [leafHash(this.metaBytes), ...this.txs.map((t) => t.txid)];
  }

  /** Merkle leaves as raw bytes: meta, then encoded transactions. */
  leaves(): Uint8Array[] {
    return [this.metaBytes, ...this.txs.map((t) => t.bytes)];
  }

  /** RFC 6962 root over the block's leaves, as the header should carry it. */
  computeMerkleRoot(): Uint8Array {
    return merkleRootFromLeafHashes(this.leafHashes());
  }
}
