import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ChainNodeError } from '../errors.js';
import { loadNativeVerifier } from './verify-native.js';
import { nobleVerifier } from './verify-noble.js';
import { MSG_HASH_BYTES, SECRET_KEY_BYTES, type SignatureVerifier } from './verifier.js';

/** Which verification backend to use: `auto` takes native libsecp256k1 when it loads, else @noble/curves. */
export type VerifierPreference = 'native' | 'noble' | 'auto';

/** A fresh random secret key (32 bytes, uniformly in 1..n-1, from the platform CSPRNG). */
export function generateSecretKey(): Uint8Array {
  return secp256k1.utils.randomSecretKey();
}

/** True when `secretKey` is 32 bytes encoding an integer in 1..n-1. */
export function isValidSecretKey(secretKey: Uint8Array): boolean {
  if (!(secretKey instanceof Uint8Array) || secretKey.byteLength !== SECRET_KEY_BYTES) return false;
  try {
    return secp256k1.utils.isValidSecretKey(secretKey);
  } catch {
    return false;
  }
}

/** The 33-byte compressed public key of `secretKey`. Throws `CRYPTO_BAD_SECRET_KEY`. */
export function publicKeyFromSecret(secretKey: Uint8Array): Uint8Array {
  assertSecretKey(secretKey);
  return secp256k1.getPublicKey(secretKey, true);
}

/**
 * Signs a 32-byte message hash (SPEC 6 signing hash) and returns the 64-byte compact `r || s` signature: ECDSA over
 * secp256k1 with the RFC 6979 deterministic nonce (no extra entropy) and s normalised to the low half.
 * Throws `CRYPTO_BAD_MSG_HASH` or `CRYPTO_BAD_SECRET_KEY`.
 */
export function signHash(msgHash: Uint8Array, secretKey: Uint8Array): Uint8Array {
  if (!(msgHash instanceof Uint8Array) || msgHash.byteLength !== MSG_HASH_BYTES) {
    throw new ChainNodeError('CRYPTO_BAD_MSG_HASH', `message hash must be ${MSG_HASH_BYTES} bytes`);
  }
  assertSecretKey(secretKey);
  return secp256k1.sign(msgHash, secretKey, { prehash: false, lowS: true, extraEntropy: false, format: 'compact' });
}

/**
 * Returns a verification backend. `native` throws `CRYPTO_NATIVE_UNAVAILABLE` when libsecp256k1 does not load;
 * `auto` (the default) falls back to @noble/curves in that case.
 */
export function loadVerifier(prefer: VerifierPreference = 'auto'): SignatureVerifier {
  if (prefer === 'noble') return nobleVerifier;
  const native = loadNativeVerifier();
  if (native !== null) return native;
  if (prefer === 'native') {
    throw new ChainNodeError('CRYPTO_NATIVE_UNAVAILABLE', 'the native libsecp256k1 binding did not load');
  }
  return nobleVerifier;
}

let defaultVerifier: SignatureVerifier | undefined;

/** The auto-selected verifier used by {@link verifySignature} (native when it loads, else noble). */
export function defaultSignatureVerifier(): SignatureVerifier {
  defaultVerifier ??= loadVerifier('auto');
  return defaultVerifier;
}

/**
 * True when `sig` is a valid 64-byte compact low-S signature of the 32-byte `msgHash` by the 33-byte compressed
 * `publicKey`. Rejects (returns false, never throws) high-S, r or s out of 1..n-1, uncompressed or invalid keys,
 * wrong lengths and any tampering.
 */
export function verifySignature(sig: Uint8Array, msgHash: Uint8Array, publicKey: Uint8Array): boolean {
  return defaultSignatureVerifier().verify(sig, msgHash, publicKey);
}

/** True when `publicKey` is a 33-byte compressed secp256k1 point on the curve (SPEC 6 `from`). */
export function isValidPublicKey(publicKey: Uint8Array): boolean {
  return defaultSignatureVerifier().isValidPublicKey(publicKey);
}

function assertSecretKey(secretKey: Uint8Array): void {
  if (!isValidSecretKey(secretKey)) {
    throw new ChainNodeError('CRYPTO_BAD_SECRET_KEY', 'secret key must be 32 bytes encoding an integer in 1..n-1');
  }
}

/** The uncompressed (65-byte, 0x04 x y) form of a valid compressed public key. */
export function uncompressedPublicKey(key: Uint8Array): Uint8Array {
  return secp256k1.Point.fromBytes(key).toBytes(false);
}
