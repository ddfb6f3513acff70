// Benchmark helper: pre-signing 100k transactions with @noble/curves takes minutes on this machine.
import { createRequire } from 'node:module';
import { generateSecretKey, publicKeyFromSecret, signHash } from '../../../src/crypto/signature.js';

/** Signing functions with the same results as `signHash` / `publicKeyFromSecret`. */
export interface Signer {
  sign(hash: Uint8Array, sk: Uint8Array): Uint8Array;
  publicKey(sk: Uint8Array): Uint8Array;
}

interface NativeSigner {
  ecdsaSign(msg32: Uint8Array, secretKey: Uint8Array): { signature: Uint8Array };
  publicKeyCreate(secretKey: Uint8Array, compressed: boolean): Uint8Array;
}

/** libsecp256k1 signing when it loads (identical RFC 6979 low-S signatures, checked against noble), else noble. */
export function fastSigner(): Signer {
  try {
    const native = createRequire(import.meta.url)('secp256k1/bindings') as NativeSigner;
    const probe = generateSecretKey();
    const h = new Uint8Array(32).fill(1);
    if (Buffer.compare(native.ecdsaSign(h, probe).signature, signHash(h, probe)) !== 0) throw new Error('signatures differ');
    return { sign: (hash, sk) => native.ecdsaSign(hash, sk).signature, publicKey: (sk) => native.publicKeyCreate(sk, true) };
  } catch {
    return { sign: signHash, publicKey: publicKeyFromSecret };
  }
}
