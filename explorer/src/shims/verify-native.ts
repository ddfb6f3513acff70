// Browser stand-in for src/crypto/verify-native.ts: there is no native addon in a page, so signature checks
// take the @noble/curves verifier, as the node does when its addon does not load.
import type { SignatureVerifier } from '../../../src/crypto/verifier.js';

/** Always null in a browser. */
export function loadNativeVerifier(): SignatureVerifier | null {
  return null;
}
