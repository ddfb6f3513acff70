import { sha256Concat } from '../crypto/hash.js';
import { publicKeyFromSecret, signHash, verifySignature } from '../crypto/signature.js';
import { toHex } from '../util/bytes.js';
import { checkKeys, decodeCbor, encodeCbor, isCborMap, read, type CborMap, type CborValue } from './cbor.js';
import { DecodeError, DecodeErrorCode } from './errors.js';

/** Current transaction format version. */
export const TX_VERSION = 1;
/** Domain separator prefixed to the signing hash preimage (SPEC 6). */
export const TX_SIGNING_DOMAIN = 'chain-node/tx/v1\n';
/** Bounds on string fields (UTF-8 bytes). */
export const TX_LIMITS = { kindMin: 1, kindMax: 64, subjectMin: 1, subjectMax: 128 } as const;
/** Default hard cap on an encoded transaction when the caller gives no network limit. */
export const DEFAULT_MAX_TX_BYTES = 64 * 1024;

const DOMAIN_BYTES = new TextEncoder().encode(TX_SIGNING_DOMAIN);
const LEAF_PREFIX = new Uint8Array([0]);

/** The signed part of a transaction. */
export interface TxBody {
  v: number;
  /** Genesis block hash of the network (natural order). */
  chain: Uint8Array;
  /** 33-byte compressed secp256k1 public key of the actor. */
  from: Uint8Array;
  nonce: number;
  /** Client time in milliseconds (informational). */
  time: number;
  kind: string;
  subject?: string;
  payload: CborValue;
}

/** A transaction with its signature. */
export interface SignedTxFields extends TxBody {
  /** 64-byte compact r||s, low-S. */
  sig: Uint8Array;
}

/** Options for decoding untrusted transaction bytes. */
export interface TxDecodeOptions {
  /** Reject encodings longer than this (the network's maxTxBytes). */
  maxBytes?: number;
}

function bodyToCbor(body: TxBody): CborMap {
  const m: CborMap = { v: body.v, chain: body.chain, from: body.from, nonce: body.nonce, time: body.time, kind: body.kind, payload: body.payload };
  if (body.subject !== undefined) m.subject = body.subject;
  return m;
}

function validateBody(map: CborMap): TxBody {
  const what = 'tx';
  const v = read.uint(map, 'v', what);
  if (v !== TX_VERSION) throw new DecodeError(DecodeErrorCode.badValue, `tx: unsupported version ${v}`);
  if (!('payload' in map) || map.payload === undefined) throw new DecodeError(DecodeErrorCode.missingField, "tx: missing field 'payload'");
  const body: TxBody = {
    v,
    chain: read.bytes(map, 'chain', what, { exact: 32 }),
    from: read.bytes(map, 'from', what, { exact: 33 }),
    nonce: read.uint(map, 'nonce', what),
    time: read.uint(map, 'time', what),
    kind: read.string(map, 'kind', what, TX_LIMITS.kindMin, TX_LIMITS.kindMax),
    payload: map.payload!,
  };
  if (body.from[0] !== 0x02 && body.from[0] !== 0x03) throw new DecodeError(DecodeErrorCode.badValue, "tx: 'from' must be a compressed public key");
  if ('subject' in map) body.subject = read.string(map, 'subject', what, TX_LIMITS.subjectMin, TX_LIMITS.subjectMax);
  return body;
}

/** SPEC 6 signing hash: H(utf8("chain-node/tx/v1\n") || dagcbor(tx without sig)). */
export function txSigningHash(body: TxBody): Uint8Array {
  const cbor = bodyToCbor(body);
  validateBody(cbor);
  return sha256Concat(DOMAIN_BYTES, encodeCbor(cbor));
}

// Canonical DAG-CBOR orders keys by length, then bytewise: v, sig, from, kind, time, chain, nonce, payload,
// subject. So a signed tx is `map(n) "v" 1 "sig" bytes(64) rest...` and its unsigned body is `map(n-1) "v" 1 rest...`.
const V_ENTRY = [0x61, 0x76, 0x01];
const SIG_ENTRY_PREFIX = [0x63, 0x73, 0x69, 0x67, 0x58, 0x40];
const SIG_ENTRY_SIZE = SIG_ENTRY_PREFIX.length + 64;

// Map heads of the unsigned body (one entry fewer than the signed map).
const UNSIGNED_HEADS = { 0xa8: Uint8Array.of(0xa7), 0xa9: Uint8Array.of(0xa8) } as Record<number, Uint8Array>;

/**
 * The signing hash computed from a canonical signed encoding without re-encoding or building the unsigned body:
 * it is the signed map minus its `sig` entry, with the map size one lower, so its pieces are hashed in place.
 * Undefined when the bytes do not have the expected shape.
 */
export function signingHashFromSigned(bytes: Uint8Array): Uint8Array | undefined {
  const head = UNSIGNED_HEADS[bytes[0]!];
  if (head === undefined) return undefined;
  for (let i = 0; i < V_ENTRY.length; i++) if (bytes[1 + i] !== V_ENTRY[i]) return undefined;
  for (let i = 0; i < SIG_ENTRY_PREFIX.length; i++) if (bytes[4 + i] !== SIG_ENTRY_PREFIX[i]) return undefined;
  return sha256Concat(DOMAIN_BYTES, head, bytes.subarray(1, 4), bytes.subarray(4 + SIG_ENTRY_SIZE));
}

/** Transaction id = RFC 6962 leaf hash of the encoded signed transaction (SPEC 5). */
export function txidOf(encoded: Uint8Array): Uint8Array {
  return sha256Concat(LEAF_PREFIX, encoded);
}

/** An immutable signed transaction with its canonical bytes and cached hashes. */
export class Transaction {
  readonly fields: SignedTxFields;
  /** Canonical DAG-CBOR encoding (the Merkle leaf). */
  readonly bytes: Uint8Array;
  #txid: Uint8Array | undefined;
  #txidHex: string | undefined;
  #fromHex: string | undefined;
  #sigHash: Uint8Array | undefined;

  private constructor(fields: SignedTxFields, bytes: Uint8Array) {
    this.fields = fields;
    this.bytes = bytes;
  }

  /** Strictly decode untrusted bytes (size, canonical form, exact keys, field types and bounds). */
  static decode(bytes: Uint8Array, options: TxDecodeOptions = {}): Transaction {
    const max = options.maxBytes ?? DEFAULT_MAX_TX_BYTES;
    if (bytes.byteLength > max) throw new DecodeError(DecodeErrorCode.oversized, `tx: ${bytes.byteLength} bytes exceeds ${max}`);
    const value = decodeCbor(bytes, 'tx');
    if (!isCborMap(value)) throw new DecodeError(DecodeErrorCode.wrongType, 'tx must be a map');
    checkKeys(value, ['v', 'chain', 'from', 'nonce', 'time', 'kind', 'payload', 'sig'], ['subject'], 'tx');
    const body = validateBody(value);
    const sig = read.bytes(value, 'sig', 'tx', { exact: 64 });
    return new Transaction({ ...body, sig }, bytes);
  }

  /** Build from already-validated fields (re-validated here). */
  static fromFields(fields: SignedTxFields): Transaction {
    const cbor = bodyToCbor(fields);
    cbor.sig = fields.sig;
    return Transaction.decode(encodeCbor(cbor), { maxBytes: Number.MAX_SAFE_INTEGER });
  }

  /** Sign `body` with `secretKey` (RFC 6979, low-S); `body.from` must match the key. */
  static sign(body: Omit<TxBody, 'from' | 'v'> & { from?: Uint8Array; v?: number }, secretKey: Uint8Array): Transaction {
    const from = publicKeyFromSecret(secretKey);
    const full: TxBody = { ...body, v: body.v ?? TX_VERSION, from };
    if (body.from !== undefined && toHex(body.from) !== toHex(from))
      throw new DecodeError(DecodeErrorCode.badValue, "tx: 'from' does not match the signing key");
    const sig = signHash(txSigningHash(full), secretKey);
    return Transaction.fromFields({ ...full, sig });
  }

  /** Leaf hash of the encoding; the txid (natural byte order). */
  get txid(): Uint8Array {
    if (this.#txid === undefined) this.#txid = txidOf(this.bytes);
    return this.#txid;
  }

  /** Lowercase hex txid. */
  get txidHex(): string {
    // Used as a map key several times per connect (signature cache, duplicate check): convert once.
    if (this.#txidHex === undefined) this.#txidHex = toHex(this.txid);
    return this.#txidHex;
  }

  /** Lowercase hex of the actor's public key (the key of per-actor maps in the chain and the mempool). */
  get fromHex(): string {
    if (this.#fromHex === undefined) this.#fromHex = toHex(this.fields.from);
    return this.#fromHex;
  }

  /** The hash the actor signed. */
  get sigHash(): Uint8Array {
    if (this.#sigHash === undefined) {
      // The bytes are canonical (decode checked it), so the body can be sliced out instead of re-encoded.
      this.#sigHash = signingHashFromSigned(this.bytes) ?? txSigningHash(this.fields);
    }
    return this.#sigHash;
  }

  /** Encoded size in bytes. */
  get size(): number {
    return this.bytes.byteLength;
  }

  /** Check the signature with the fastest loaded verifier. */
  verifySignature(): boolean {
    return verifySignature(this.fields.sig, this.sigHash, this.fields.from);
  }
}
