import { isValidPublicKey, uncompressedPublicKey } from '../crypto/signature.js';
import { ChainNodeError, type ErrorCode } from '../errors.js';
import { fromHex, toHex } from '../util/bytes.js';

/** DID method name of chain-node identities, as issue 15 spells it (see README "Identities" on DID syntax). */
export const DID_METHOD = 'chain-node';
/** Spelling also accepted on input: DID Core's method-name ABNF allows only lowercase letters and digits. */
export const DID_METHOD_ALIAS = 'chainnode';

/** Stable codes of DID errors. */
export const DidErrorCode = {
  /** Not `did:chain-node:<network>:<33-byte compressed secp256k1 public key hex>` (or not a point on the curve). */
  invalid: 'DID_INVALID',
  /** No identity with this key on this node's network (never signed, never named by a rotation, or another network). */
  notFound: 'DID_NOT_FOUND',
} as const satisfies Record<string, ErrorCode>;

/** A parsed DID. */
export interface ParsedDid {
  /** The method name as written ({@link DID_METHOD} or {@link DID_METHOD_ALIAS}). */
  method: string;
  network: string;
  key: Uint8Array;
}

const DID_RE = /^did:([a-z0-9-]+):([a-z0-9._-]{1,64}):(0[23][0-9a-fA-F]{64})$/;

/** The DID of `key` on `network`. */
export function didOf(network: string, key: Uint8Array, method = DID_METHOD): string {
  return `did:${method}:${network}:${toHex(key)}`;
}

/** Parse a DID (either method spelling); throws DID_INVALID. */
export function parseDid(did: string): ParsedDid {
  const m = DID_RE.exec(did);
  if (m === null || (m[1] !== DID_METHOD && m[1] !== DID_METHOD_ALIAS)) {
    throw new ChainNodeError(DidErrorCode.invalid, `'${did.slice(0, 200)}' is not a did:${DID_METHOD}:<network>:<compressed public key hex> DID`);
  }
  const key = fromHex(m[3]!.toLowerCase());
  if (!isValidPublicKey(key)) throw new ChainNodeError(DidErrorCode.invalid, `the key of ${did} is not a secp256k1 point`);
  return { method: m[1]!, network: m[2]!, key };
}

/** JWK (RFC 7517/8812, `crv: secp256k1`) of a compressed public key. */
export function publicKeyJwk(key: Uint8Array): { kty: 'EC'; crv: 'secp256k1'; x: string; y: string } {
  const u = uncompressedPublicKey(key);
  return { kty: 'EC', crv: 'secp256k1', x: Buffer.from(u.subarray(1, 33)).toString('base64url'), y: Buffer.from(u.subarray(33, 65)).toString('base64url') };
}

/** Where an identity event or record lies on the main chain. */
export interface ChainPlace {
  height: number;
  blockHash: string;
  txid: string;
  time?: number;
}

/** One key of an identity as the resolver reports it. */
export interface IdentityKeyView {
  key: string;
  did: string;
  /** The rotation that added it (absent for the root key). */
  added?: ChainPlace;
  /** The rotation that replaced it. */
  rotatedOut?: ChainPlace;
  /** Mined records signed with this key. */
  records: number;
  /** Of those, signed after the key was rotated out or the identity revoked (flagged). */
  flagged: number;
}

/** Everything the DID document and its metadata are built from. */
export interface IdentityView {
  network: string;
  /** The DID that was resolved (any key of the identity). */
  did: string;
  keys: IdentityKeyView[];
  revoked?: ChainPlace;
  firstRecord?: ChainPlace;
  lastRecord?: ChainPlace;
}

/** DID resolution result (W3C DID Core 1.0 section 7.1): document, resolution and document metadata. */
export interface DidResolutionJson {
  didDocument: Record<string, unknown>;
  didResolutionMetadata: { contentType: string };
  didDocumentMetadata: Record<string, unknown>;
}

const iso = (sec: number | undefined): string | undefined => (sec === undefined ? undefined : new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'));

/**
 * The DID resolution result of an identity: every key of its chain of rotations is a verification method
 * (`EcdsaSecp256k1VerificationKey2019` with its JWK, so records signed before a rotation still verify); only the
 * current key authenticates and asserts, none once the identity is revoked (then `deactivated: true`).
 */
export function buildDidResolution(v: IdentityView): DidResolutionJson {
  const vmId = (i: number): string => `${v.did}#key-${i}`;
  const current = v.revoked === undefined ? v.keys.length - 1 : -1;
  const didDocument: Record<string, unknown> = {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/secp256k1-2019/v1'],
    id: v.did,
    verificationMethod: v.keys.map((k, i) => ({
      id: vmId(i),
      type: 'EcdsaSecp256k1VerificationKey2019',
      controller: v.did,
      publicKeyJwk: publicKeyJwk(fromHex(k.key)),
    })),
    authentication: current < 0 ? [] : [vmId(current)],
    assertionMethod: current < 0 ? [] : [vmId(current)],
  };
  const events = [...v.keys.map((k) => k.added), v.revoked].filter((e): e is ChainPlace => e !== undefined);
  const created = iso(v.firstRecord?.time ?? v.keys[0]?.added?.time);
  const updated = iso(events.length === 0 ? undefined : events[events.length - 1]!.time);
  const records = v.keys.reduce((n, k) => n + k.records, 0);
  const flagged = v.keys.reduce((n, k) => n + k.flagged, 0);
  const didDocumentMetadata: Record<string, unknown> = {
    ...(created === undefined ? {} : { created }),
    ...(updated === undefined ? {} : { updated }),
    deactivated: v.revoked !== undefined,
    canonicalId: v.keys[0]!.did,
    equivalentId: v.keys.map((k) => k.did).filter((d) => d !== v.did),
    identity: {
      network: v.network,
      root: v.keys[0]!.key,
      currentKey: current < 0 ? null : v.keys[current]!.key,
      keys: v.keys.map((k, i) => ({ ...k, verificationMethod: vmId(i), current: i === current })),
      rotations: v.keys.slice(1).map((k, i) => ({ from: v.keys[i]!.key, to: k.key, ...k.added })),
      ...(v.revoked === undefined ? {} : { revoked: v.revoked }),
      records,
      flaggedRecords: flagged,
      ...(v.firstRecord === undefined ? {} : { firstRecord: v.firstRecord }),
      ...(v.lastRecord === undefined ? {} : { lastRecord: v.lastRecord }),
    },
  };
  return { didDocument, didResolutionMetadata: { contentType: 'application/did+ld+json' }, didDocumentMetadata };
}
