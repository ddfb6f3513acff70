/**
 * chain-node library entry point: the primitives scripts and independent verifiers need (encoding, hashing,
 * keys and signatures, compact targets, ASERT, Merkle trees and proofs, record proofs, networks), and the mining
 * backends (`loadBackend`, `availableBackends`: the native CPU addon, CUDA or WASM proof-of-work search), and the
 * client SDK (`createChainClient`, `TxSender`, `ApiClient`, `signActionFast`, `waitForFinalProof`: src/sdk).
 */
export { ChainNodeError, Penalty, hasCode } from './errors.js';
export * from './primitives/index.js';
export * from './crypto/index.js';
export * from './consensus/index.js';
export {
  availableBackends,
  BACKEND_NAMES,
  loadBackend,
  MiningErrorCode,
  selectBackend,
  type BackendChoice,
  type BackendName,
  type BackendSelection,
  type LoadBackendOptions,
  type MiningBackend,
  type SearchOptions,
  type SearchResult,
  type SkippedBackend,
} from './mining/index.js';
export * from './sdk/index.js';
