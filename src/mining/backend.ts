import type { ErrorCode } from '../errors.js';
/** Names of the hashing backends, fastest first (the order `auto` tries them in). */
export const BACKEND_NAMES = ['cuda', 'native-cpu', 'wasm'] as const;

/** A hashing backend of the miner. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** What `loadBackend` accepts: a backend, or `auto` for the fastest one that runs here. */
export type BackendChoice = 'auto' | BackendName;

/** Stable error codes of the mining backends (`ChainNodeError.code`). */
export const MiningErrorCode = {
  /** The requested backend cannot run here (addon not built, no CUDA device, WASM module missing...). */
  unavailable: 'MINING_BACKEND_UNAVAILABLE',
  /** `auto` found no backend that runs here. */
  noBackend: 'MINING_NO_BACKEND',
  /** A backend name that does not exist (e.g. a typo in CHAIN_NODE_MINER_BACKEND). */
  unknownBackend: 'MINING_UNKNOWN_BACKEND',
  /** Bad search arguments: header not 80 bytes, target outside [0, 2^256), nonce range outside uint32. */
  invalidArgument: 'MINING_INVALID_ARGUMENT',
  /** `search` before `load` or after `close`. */
  notLoaded: 'MINING_BACKEND_NOT_LOADED',
  /** The backend broke while searching (worker crash, CUDA error, GPU result failing the CPU re-check). */
  failed: 'MINING_BACKEND_FAILED',
} as const satisfies Record<string, ErrorCode>;

/** Options of one search. */
export interface SearchOptions {
  /** Aborting resolves the search within ~100 ms with `{ nonce: null, aborted: true }`. */
  signal?: AbortSignal;
}

/** Outcome of one search. */
export interface SearchResult {
  /** The first nonce of the range whose header hash meets the target, or null (none, or aborted). */
  nonce: number | null;
  /**
   * Nonces hashed. Equals `count` when the whole range was searched without a hit; with several threads or a GPU
   * it can exceed `nonce - startNonce + 1`, because work past the hit was already under way.
   */
  hashes: number;
  /** True when the search stopped because of the abort signal (nonce is then null). */
  aborted?: boolean;
}

/**
 * A proof-of-work hashing backend: finds the first nonce whose block hash (double SHA-256 of the 80-byte header
 * with the nonce written little-endian at bytes 76..79, read as a 256-bit little-endian integer) is <= target.
 */
export interface MiningBackend {
  /** Which backend this is. */
  readonly name: BackendName;
  /** Loads the addon / module and starts worker threads; rejects with MINING_BACKEND_UNAVAILABLE if it cannot run. */
  load(): Promise<void>;
  /**
   * Searches nonces [startNonce, startNonce + count), `count` up to 2^32 - startNonce, and returns the FIRST one that
   * meets `target` (the other header bytes are taken as given; bytes 76..79 are ignored).
   */
  search(header: Uint8Array, target: bigint, startNonce: number, count: number, opts?: SearchOptions): Promise<SearchResult>;
  /** Stops worker threads and frees resources; the backend can be loaded again afterwards. */
  close?(): Promise<void>;
}
