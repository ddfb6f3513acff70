import { createRequire } from 'node:module';
import { keyExpander } from './key-expander.mjs';
import { hasCompressedKeyShape, hasVerifiableShape, type SignatureVerifier } from './verifier.js';

// The part of the `secp256k1` package's native binding (`secp256k1/bindings`) that is used here.
interface NativeSecp256k1 {
  ecdsaVerify(sig: Uint8Array, msg32: Uint8Array, publicKey: Uint8Array): boolean;
  publicKeyVerify(publicKey: Uint8Array): boolean;
  publicKeyConvert(publicKey: Uint8Array, compressed: boolean): Uint8Array;
}

let cached: { verifier: SignatureVerifier | null; error: unknown } | undefined;

/**
 * Loads the libsecp256k1 verifier (the `secp256k1` package's prebuilt N-API binding), or returns null when it does
 * not load on this platform. The result is cached. `nativeLoadError()` tells why it failed.
 *
 * libsecp256k1 itself enforces the rules of SPEC 6: `secp256k1_ecdsa_signature_parse_compact` fails on r or s >= n
 * (the binding then throws, mapped to false here), `secp256k1_ecdsa_verify` fails on r or s = 0 and on any high-S
 * signature, and `secp256k1_ec_pubkey_parse` fails on points off the curve. The 65-byte keys it would accept are
 * refused before the call (the uncompressed form is only made here, from a checked 33-byte key).
 */
export function loadNativeVerifier(): SignatureVerifier | null {
  if (cached === undefined) {
    try {
      const require = createRequire(import.meta.url);
      // Not the package root: that silently falls back to a JS (elliptic) build when the addon fails to load.
      const native = require('secp256k1/bindings') as NativeSecp256k1;
      cached = { verifier: makeVerifier(native), error: undefined };
    } catch (err) {
      cached = { verifier: null, error: err };
    }
  }
  return cached.verifier;
}

/** Why the native binding failed to load, or undefined when it loaded (or was not tried yet). */
export function nativeLoadError(): unknown {
  return cached?.error;
}

function makeVerifier(native: NativeSecp256k1): SignatureVerifier {
  // Recent keys are kept uncompressed: see key-expander.mjs.
  const expand = keyExpander((key) => native.publicKeyConvert(key, false));
  return Object.freeze({
    name: 'native' as const,
    verify(sig: Uint8Array, msgHash: Uint8Array, publicKey: Uint8Array): boolean {
      if (!hasVerifiableShape(sig, msgHash, publicKey)) return false;
      try {
        return native.ecdsaVerify(sig, msgHash, expand(publicKey));
      } catch {
        // Unparseable signature (r or s >= n) or public key (not on the curve).
        return false;
      }
    },
    isValidPublicKey(publicKey: Uint8Array): boolean {
      if (!hasCompressedKeyShape(publicKey)) return false;
      try {
        return native.publicKeyVerify(publicKey);
      } catch {
        return false;
      }
    },
  });
}
