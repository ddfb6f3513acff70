import type { CodeTable } from './table.js';

/** Stable error codes raised by src/mining/: HTTP status and meaning of each. */
export const MiningCodes = {
  MINING_BACKEND_FAILED: { status: 400, doc: 'The backend broke while searching (worker crash, CUDA error, GPU result failing the CPU re-check).' },
  MINING_BACKEND_NOT_LOADED: { status: 400, doc: '`search` before `load` or after `close`.' },
  MINING_BACKEND_UNAVAILABLE: { status: 409, doc: 'The requested backend cannot run here (addon not built, no CUDA device, WASM module missing...).' },
  MINING_INVALID_ARGUMENT: { status: 400, doc: 'Bad search arguments: header not 80 bytes, target outside [0, 2^256), nonce range outside uint32.' },
  MINING_NO_BACKEND: { status: 409, doc: '`auto` found no backend that runs here.' },
  MINING_UNKNOWN_BACKEND: { status: 400, doc: 'A backend name that does not exist (e.g. a typo in CHAIN_NODE_MINER_BACKEND).' },
} as const satisfies CodeTable;
