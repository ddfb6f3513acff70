/**
 * The client SDK: a typed HTTP client generated from the node's OpenAPI document, the fast signer (libsecp256k1
 * with a pure-JS fallback), a sender that tracks nonces, batches and retries, and the older hand-written
 * `ApiClient` with its finality wait.
 */
export type { components, operations, paths } from './api-types.js';
export { createChainClient, unwrap, type ChainClient, type ChainClientOptions, type FetchResult } from './client.js';
export { TxSender, type SendResult, type TxSenderOptions } from './sender.js';
export { waitUntilFinal } from './wait.js';
export { ApiClient, ApiRequestError, type ApiClientOptions, type HealthJson, type PageOptions } from '../client/api-client.js';
export { loadHashSigner, parsePayload, signAction, signActionFast, type ActionInput, type EncodedSignedTx, type HashSigner } from '../client/tx-signer.js';
export { checkpointSigners, waitForFinalProof, type FinalWaitProgress } from '../client/wait-final.js';
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
} from '../api/types.js';
