import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hasCompressedKeyShape, hasVerifiableShape, type SignatureVerifier } from './verifier.js';

// prehash: false because callers pass the 32-byte signing hash itself; lowS: true rejects malleated twins (SPEC 6).
const VERIFY_OPTS = { prehash: false, lowS: true, format: 'compact' } as const;

/**
 * Pure-JS verifier on @noble/curves: always available, the fallback when libsecp256k1 does not load.
 * noble checks `1 <= r, s < n` while decoding, rejects high-S with `lowS: true`, and rejects points off the curve.
 */
export const nobleVerifier: SignatureVerifier = Object.freeze({
  name: 'noble' as const,
  impl: 'noble' as const,
  verify(sig: Uint8Array, msgHash: Uint8Array, publicKey: Uint8Array): boolean {
    if (!hasVerifiableShape(sig, msgHash, publicKey)) return false;
    try {
      return secp256k1.verify(sig, msgHash, publicKey, VERIFY_OPTS);
    } catch {
      return false;
    }
  },
  isValidPublicKey(publicKey: Uint8Array): boolean {
    if (!hasCompressedKeyShape(publicKey)) return false;
    try {
      return secp256k1.utils.isValidPublicKey(publicKey, true);
    } catch {
      return false;
    }
  },
});
