import { createRequire } from 'node:module';
import { addonExports, addonLoadError } from './addon.js';
import { keyExpander } from './key-expander.mjs';
import { hasCompressedKeyShape, hasVerifiableShape, MSG_HASH_BYTES, PUBLIC_KEY_BYTES, SIGNATURE_BYTES, type SignatureVerifier } from './verifier.js';

/** Bytes of one packed record of {@link AddonEcdsa.ecdsaVerifyBatch}: signature, message hash, compressed key. */
export const VERIFY_RECORD_BYTES = SIGNATURE_BYTES + MSG_HASH_BYTES + PUBLIC_KEY_BYTES;

/** The verification functions of the node's addon (native/src/ecdsa-binding.cc, vendored libsecp256k1). */
export interface AddonEcdsa {
  /** Verifies `count` packed records of {@link VERIFY_RECORD_BYTES}; writes 1 (valid) or 0 per record to `out`. */
  ecdsaVerifyBatch(records: Uint8Array, count: number, out: Uint8Array): void;
  /** True when `key` is a 33-byte compressed point on the curve. */
  ecdsaPublicKeyValid(key: Uint8Array): boolean;
}

// The part of the `secp256k1` package's native binding (`secp256k1/bindings`) that is used here.
interface PackageSecp256k1 {
  ecdsaVerify(sig: Uint8Array, msg32: Uint8Array, publicKey: Uint8Array): boolean;
  publicKeyVerify(publicKey: Uint8Array): boolean;
  publicKeyConvert(publicKey: Uint8Array, compressed: boolean): Uint8Array;
}

interface Loaded {
  verifier: SignatureVerifier | null;
  error: unknown;
}

let addonCached: Loaded | undefined;
let packageCached: Loaded | undefined;

/**
 * Loads the fastest native verifier: the node's own addon (libsecp256k1 v0.5.0, vendored in native/vendor and
 * built at install), else the `secp256k1` package's prebuilt binding (libsecp256k1 of 2019, ~30% slower). Null
 * when neither loads; `nativeLoadError()` then tells why. Both enforce SPEC 6 in libsecp256k1 itself: compact
 * parsing fails on r or s >= n, `secp256k1_ecdsa_verify` fails on r or s = 0 and on any high-S signature, and key
 * parsing fails on points off the curve. Only 33-byte compressed keys get that far (shape checks come first).
 */
export function loadNativeVerifier(): SignatureVerifier | null {
  return loadAddonVerifier() ?? loadPackageVerifier();
}

/** Why no native verifier loaded, or undefined when one did (or none was tried yet). */
export function nativeLoadError(): unknown {
  if (loadNativeVerifier() !== null) return undefined;
  return new AggregateError([addonCached?.error, packageCached?.error], 'no native secp256k1 verifier loaded');
}

/** The addon's ECDSA functions, or null where the addon is not built (or was built from older sources). */
export function addonEcdsa(): AddonEcdsa | null {
  const a = addonExports();
  if (a === null || typeof a.ecdsaVerifyBatch !== 'function' || typeof a.ecdsaPublicKeyValid !== 'function') return null;
  return a as unknown as AddonEcdsa;
}

/** The verifier on the node's addon (implementation `addon`), or null where the addon lacks it. Cached. */
export function loadAddonVerifier(): SignatureVerifier | null {
  if (addonCached === undefined) {
    const ecdsa = addonEcdsa();
    addonCached =
      ecdsa === null
        ? { verifier: null, error: addonLoadError() ?? new Error('native addon has no ecdsaVerifyBatch (stale build? run npm run build:native)') }
        : { verifier: makeAddonVerifier(ecdsa), error: undefined };
  }
  return addonCached.verifier;
}

/** The verifier on the `secp256k1` package's binding (implementation `secp256k1-package`), or null. Cached. */
export function loadPackageVerifier(): SignatureVerifier | null {
  if (packageCached === undefined) {
    try {
      const require = createRequire(import.meta.url);
      // Not the package root: that silently falls back to a JS (elliptic) build when the addon fails to load.
      const binding = require('secp256k1/bindings') as PackageSecp256k1;
      packageCached = { verifier: makePackageVerifier(binding), error: undefined };
    } catch (err) {
      packageCached = { verifier: null, error: err };
    }
  }
  return packageCached.verifier;
}

function makeAddonVerifier(ecdsa: AddonEcdsa): SignatureVerifier {
  // One off-heap record and result (an ArrayBuffer over 64 bytes): N-API would copy an on-heap array first.
  const scratch = new ArrayBuffer(VERIFY_RECORD_BYTES + 1);
  const record = new Uint8Array(scratch, 0, VERIFY_RECORD_BYTES);
  const result = new Uint8Array(scratch, VERIFY_RECORD_BYTES, 1);
  return Object.freeze({
    name: 'native' as const,
    impl: 'addon' as const,
    verify(sig: Uint8Array, msgHash: Uint8Array, publicKey: Uint8Array): boolean {
      if (!hasVerifiableShape(sig, msgHash, publicKey)) return false;
      record.set(sig, 0);
      record.set(msgHash, SIGNATURE_BYTES);
      record.set(publicKey, SIGNATURE_BYTES + MSG_HASH_BYTES);
      ecdsa.ecdsaVerifyBatch(record, 1, result);
      return result[0] === 1;
    },
    isValidPublicKey(publicKey: Uint8Array): boolean {
      return hasCompressedKeyShape(publicKey) && ecdsa.ecdsaPublicKeyValid(publicKey);
    },
  });
}

function makePackageVerifier(binding: PackageSecp256k1): SignatureVerifier {
  // Recent keys are kept uncompressed: see key-expander.mjs.
  const expand = keyExpander((key) => binding.publicKeyConvert(key, false));
  return Object.freeze({
    name: 'native' as const,
    impl: 'secp256k1-package' as const,
    verify(sig: Uint8Array, msgHash: Uint8Array, publicKey: Uint8Array): boolean {
      if (!hasVerifiableShape(sig, msgHash, publicKey)) return false;
      try {
        return binding.ecdsaVerify(sig, msgHash, expand(publicKey));
      } catch {
        // Unparseable signature (r or s >= n) or public key (not on the curve).
        return false;
      }
    },
    isValidPublicKey(publicKey: Uint8Array): boolean {
      if (!hasCompressedKeyShape(publicKey)) return false;
      try {
        return binding.publicKeyVerify(publicKey);
      } catch {
        return false;
      }
    },
  });
}
