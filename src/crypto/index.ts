/** Public crypto surface: hashing, RFC 6962 Merkle trees and proofs, secp256k1 keys, signing and verification. */
export { sha256, sha256Concat, sha256d } from './hash.js';
export {
  MERKLE_HASH_BYTES,
  consistencyProof,
  consistencyProofFromLeafHashes,
  emptyRoot,
  inclusionProof,
  inclusionProofFromLeafHashes,
  leafHash,
  merkleRoot,
  merkleRootFromLeafHashes,
  nodeHash,
  rootFromInclusion,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';
export {
  defaultSignatureVerifier,
  generateSecretKey,
  isValidPublicKey,
  isValidSecretKey,
  loadVerifier,
  publicKeyFromSecret,
  signHash,
  verifySignature,
  type VerifierPreference,
} from './signature.js';
export {
  MSG_HASH_BYTES,
  PUBLIC_KEY_BYTES,
  SECP256K1_N,
  SECRET_KEY_BYTES,
  SIGNATURE_BYTES,
  isLowS,
  type SignatureVerifier,
} from './verifier.js';
export { loadAddonVerifier, loadNativeVerifier, loadPackageVerifier, nativeLoadError } from './verify-native.js';
export { nobleVerifier } from './verify-noble.js';
export { nativeSha256, nativeSha256Impl } from './native-hash.js';
export { addonExports, addonLoadError, addonPath } from './addon.js';
