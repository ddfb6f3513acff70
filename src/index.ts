/**
 * chain-node library entry point: the primitives scripts and independent verifiers need (encoding, hashing,
 * keys and signatures, compact targets, ASERT, Merkle trees and proofs, record proofs, networks), and the mining
 * backends (`loadBackend`, `availableBackends`: the native CPU addon, CUDA or WASM proof-of-work search), and the
 * client SDK (`createChainClient`, `TxSender`, `ApiClient`, `signActionFast`, `waitForFinalProof`: src/sdk).
 */
export { ChainNodeError, Penalty, hasCode } from './errors.js';
export * from './util/bytes.js';
export * from './primitives/cbor.js';
export * from './primitives/errors.js';
export * from './primitives/header.js';
export * from './primitives/meta.js';
export * from './primitives/transaction.js';
export * from './primitives/block.js';
export { sha256, sha256Concat, sha256d } from './crypto/hash.js';
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
} from './crypto/merkle.js';
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
} from './crypto/signature.js';
export { MSG_HASH_BYTES, PUBLIC_KEY_BYTES, SECP256K1_N, SECRET_KEY_BYTES, SIGNATURE_BYTES, isLowS, type SignatureVerifier } from './crypto/verifier.js';
export { loadAddonVerifier, loadNativeVerifier, loadPackageVerifier, nativeLoadError } from './crypto/verify-native.js';
export { nobleVerifier } from './crypto/verify-noble.js';
export { nativeSha256, nativeSha256Impl } from './crypto/native-hash.js';
export { addonExports, addonLoadError, addonPath } from './crypto/addon.js';
export { MAX_UINT256, bitLength, checkBits, compactToTarget, decodeCompact, targetToCompact, type DecodedCompact } from './consensus/compact.js';
export { blockWork, blockWorkFromBits } from './consensus/work.js';
export { HEADER_BITS_OFFSET, HEADER_BYTES, checkProofOfWork, hashToBigint, headerBits, meetsTarget } from './consensus/pow.js';
export { asertNextBits, asertTarget, calculateAsert, type AsertAnchor, type AsertParams, type AsertTip } from './consensus/asert.js';
export { MEDIAN_TIME_SPAN, medianTimePast } from './consensus/median-time.js';
export * from './consensus/networks.js';
export * from './consensus/record-proof.js';
export * from './consensus/network-file.js';
export { availableBackends, loadBackend, selectBackend, type BackendSelection, type LoadBackendOptions, type SkippedBackend } from './mining/loader.js';
export {
  BACKEND_NAMES,
  MiningErrorCode,
  type BackendChoice,
  type BackendName,
  type MiningBackend,
  type SearchOptions,
  type SearchResult,
} from './mining/backend.js';
// The client SDK: a typed HTTP client generated from the node's OpenAPI document, the fast signer (libsecp256k1
// with a pure-JS fallback), a sender that tracks nonces, batches and retries, and the older hand-written
// `ApiClient` with its finality wait.
export type { components, operations, paths } from './sdk/api-types.js';
export { createChainClient, unwrap, type ChainClient, type ChainClientOptions, type FetchResult } from './sdk/client.js';
export { TxSender, type SendResult, type TxSenderOptions } from './sdk/sender.js';
export { waitUntilFinal } from './sdk/wait.js';
export { ApiClient, ApiRequestError, type ApiClientOptions, type HealthJson, type PageOptions } from './client/api-client.js';
export { loadHashSigner, parsePayload, signAction, signActionFast, type ActionInput, type EncodedSignedTx, type HashSigner } from './wallet/tx-signer.js';
export { checkpointSigners, waitForFinalProof, type FinalWaitProgress } from './client/wait-final.js';
export type {
  AccountJson,
  ActionJson,
  ActionPageJson,
  ApiErrorBody,
  BlockJson,
  BlockSummaryJson,
  JsonValue,
  MempoolJson,
  MiningStatusJson,
  PeerJson,
  StatusJson,
  SubmitBatchResponse,
  SubmitTxResponse,
  TxJson,
  TxStatusJson,
} from './api/types.js';
