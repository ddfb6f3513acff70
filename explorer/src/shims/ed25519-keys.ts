// Browser stand-in for src/crypto/ed25519-keys.ts (node:crypto): the same keys and signatures from @noble/curves.
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Ed25519Key } from '../../../src/crypto/ed25519-keys.js';

/** The key of a 32-byte seed (RFC 8032). */
export function ed25519FromSeed(seed: Uint8Array): Ed25519Key {
  const secret = seed.slice();
  return { publicKey: ed25519.getPublicKey(secret), sign: (message) => ed25519.sign(message, secret) };
}
