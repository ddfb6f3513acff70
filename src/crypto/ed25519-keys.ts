import { createPrivateKey, createPublicKey, sign } from 'node:crypto';

// DER framing of an Ed25519 private key (PKCS#8 around the 32-byte seed) and the length of the SPKI header before
// the 32-byte public key.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX_BYTES = 12;

/** An Ed25519 key from its 32-byte seed: the public key and a signer (RFC 8032, deterministic). */
export interface Ed25519Key {
  publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/**
 * The key of a 32-byte seed, on OpenSSL (node:crypto): the same public key and signatures as @noble/curves
 * (RFC 8032 is deterministic), without the precomputed tables @noble builds at its first key, about 90 ms of every
 * fresh node's start. The explorer's build swaps this file for an @noble/curves one (no node:crypto in a page).
 */
export function ed25519FromSeed(seed: Uint8Array): Ed25519Key {
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = new Uint8Array(createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX_BYTES));
  return { publicKey, sign: (message) => new Uint8Array(sign(null, message, key)) };
}
