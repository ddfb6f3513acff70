/** Byte length of a compact `r || s` signature (SPEC 6). */
export const SIGNATURE_BYTES = 64;
/** Byte length of a message hash that is signed or verified. */
export const MSG_HASH_BYTES = 32;
/** Byte length of a compressed secp256k1 public key (SPEC 6: `from`). */
export const PUBLIC_KEY_BYTES = 33;
/** Byte length of a secp256k1 secret key. */
export const SECRET_KEY_BYTES = 32;

/** Order n of the secp256k1 group. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

// floor(n / 2) big-endian: the largest s a low-S signature may carry.
const HALF_N_BYTES = Uint8Array.from(Buffer.from('7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0', 'hex'));

/**
 * One ECDSA/secp256k1 verification backend. Both implementations accept exactly the same inputs: a 64-byte
 * compact low-S signature with `1 <= r, s < n`, a 32-byte message hash and a 33-byte compressed public key that
 * lies on the curve. Anything else, including malformed or wrongly typed input, returns false; they never throw.
 */
export interface SignatureVerifier {
  /** Which backend this is. */
  readonly name: 'native' | 'noble';
  /**
   * Which code runs: `addon` (libsecp256k1 vendored in the node's addon), `secp256k1-package` (the npm package's
   * prebuilt libsecp256k1) or `noble` (@noble/curves).
   */
  readonly impl: 'addon' | 'secp256k1-package' | 'noble';
  /** True when `sig` is a valid low-S signature of `msgHash` by `publicKey`. */
  verify(sig: Uint8Array, msgHash: Uint8Array, publicKey: Uint8Array): boolean;
  /** True when `publicKey` is a 33-byte compressed encoding of a point on the curve. */
  isValidPublicKey(publicKey: Uint8Array): boolean;
}

/**
 * Cheap shape checks shared by both backends: types, lengths and the compressed-key prefix. Scalar ranges, low-S
 * and curve membership are left to each backend so that the shared tests exercise the backends themselves.
 */
export function hasVerifiableShape(sig: unknown, msgHash: unknown, publicKey: unknown): boolean {
  return (
    sig instanceof Uint8Array &&
    sig.byteLength === SIGNATURE_BYTES &&
    msgHash instanceof Uint8Array &&
    msgHash.byteLength === MSG_HASH_BYTES &&
    hasCompressedKeyShape(publicKey)
  );
}

/** True when `publicKey` is a 33-byte Uint8Array starting with 0x02 or 0x03 (not yet checked to be on the curve). */
export function hasCompressedKeyShape(publicKey: unknown): publicKey is Uint8Array {
  return publicKey instanceof Uint8Array && publicKey.byteLength === PUBLIC_KEY_BYTES && (publicKey[0] === 0x02 || publicKey[0] === 0x03);
}

/** True when the `s` half of a 64-byte compact signature is at most n/2 (no range check on r or s = 0). */
export function isLowS(sig: Uint8Array): boolean {
  if (!(sig instanceof Uint8Array) || sig.byteLength !== SIGNATURE_BYTES) return false;
  for (let i = 0; i < 32; i++) {
    const a = sig[32 + i]!;
    const b = HALF_N_BYTES[i]!;
    if (a !== b) return a < b;
  }
  return true;
}
