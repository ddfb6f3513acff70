/**
 * JSON shapes of the HTTP API (v1). The server's JSON schemas and the CLI client both follow these types.
 * Block hashes are display hex (byte-reversed, leading zeros); txids, actors and chain ids are natural-order hex.
 * Errors are `{ error: { code, message } }` with a 4xx/5xx status; codes are stable.
 */

import type { AddressBan, PeerBan, PeerBans, PeerSummary } from '../p2p/peer-view.js';

/** Error body of every failed request. */
export interface ApiErrorBody {
  error: { code: string; message: string };
}

/** A DAG-CBOR payload as JSON: byte strings appear as `{ "/": { "bytes": "<base64>" } }` (DAG-JSON style). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A decoded signed transaction. */
export interface TxJson {
  txid: string;
  v: number;
  chain: string;
  from: string;
  nonce: number;
  time: number;
  kind: string;
  subject?: string;
  payload: JsonValue;
  sig: string;
  /** Encoded size in bytes. */
  size: number;
  /** Identity flags (KEY_ROTATED, KEY_REVOKED, ID_ACTION_IGNORED; README "Identities"); absent when none. */
  flags?: string[];
}

/** Block header and meta summary. */
export interface BlockSummaryJson {
  hash: string;
  height: number;
  prevHash: string;
  merkleRoot: string;
  time: number;
  bits: string;
  nonce: number;
  version: number;
  miner?: string;
  txCount: number;
  size: number;
  confirmations: number;
  chainWork: string;
}

/** GET /blocks/:id (`?txs=ids` default, `?txs=full` for decoded transactions). */
export interface BlockJson extends BlockSummaryJson {
  txids?: string[];
  txs?: TxJson[];
}

/** GET /status */
export interface StatusJson {
  version: string;
  network: string;
  chainId: string;
  height: number;
  tip: { hash: string; time: number; age: number };
  chainWork: string;
  mempool: { count: number; bytes: number };
  peers: number;
  mining: MiningStatusJson;
  api: { url: string };
  uptime: number;
  /** Initial sync progress (1 when synced). */
  sync: { progress: number; syncing: boolean };
  /** Witnessed finality (SPEC 12). */
  finality?: FinalityStatusJson;
}

/** Finality part of GET /status. */
export interface FinalityStatusJson {
  /** Latest final checkpoint: its size, last block and age in seconds (null: none yet). */
  final: { size: number; height: number; hash: string; age: number; signers: number } | null;
  witnesses: number;
  threshold: number;
  depth: number;
  /** This node's witness verifier key, whether it signs, why it halted, and the last checkpoint it signed. */
  witness: { key: string | null; signing: boolean; halted: string | null; lastSignedSize: number | null };
}

/** GET /mining */
export interface MiningStatusJson {
  enabled: boolean;
  backend: string | null;
  hashrate: number;
  threads: number;
  blocksMined: number;
  /** native-cpu: the hashing code in use (sha-ni, avx512, ...), null for other backends. */
  cpuPath: string | null;
  /** native-cpu with cpuPath auto: the calibration that chose it (every path's H/s, fastest first). */
  cpuCalibration: MiningCalibrationJson | null;
}

/** Calibration figures of the native CPU paths (GET /mining). */
export interface MiningCalibrationJson {
  paths: Array<{ path: string; hashesPerSecond: number }>;
  chosen: string;
  threads: number;
  ms: number;
  measuredAt: string;
  /** Read back from the datadir rather than measured at this start. */
  cached: boolean;
}

/** POST /txs body: one encoded signed transaction. */
export interface SubmitTxRequest {
  tx: string;
}

/** POST /txs response (202). */
export interface SubmitTxResponse {
  txid: string;
  status: 'accepted' | 'duplicate';
}

/** POST /txs/batch body. */
export interface SubmitBatchRequest {
  txs: string[];
}

/** POST /txs/batch response: one result per input, in order. */
export interface SubmitBatchResponse {
  accepted: number;
  rejected: number;
  /** `pointer`: JSON pointer of the first schema failure of a TX_SCHEMA refusal. */
  results: Array<{ txid?: string; ok: boolean; code?: string; message?: string; pointer?: string }>;
}

/** GET /txs/:txid */
export interface TxStatusJson {
  tx: TxJson;
  status: 'mined' | 'pending';
  block?: { hash: string; height: number; index: number; time: number };
  confirmations: number;
}

/** GET /accounts/:actor */
export interface AccountJson {
  actor: string;
  /** Next nonce on the chain tip. */
  nextNonce: number;
  /** Next nonce counting this node's mempool (use it to sign the next action). */
  pendingNonce: number;
  pending: number;
}

/** One action in an index listing. */
export interface ActionJson {
  txid: string;
  height: number;
  blockHash: string;
  index: number;
  time: number;
  tx: TxJson;
}

/** GET /accounts/:actor/actions, /subjects/:subject/actions, /kinds/:kind/actions (`?limit&cursor&reverse`). */
export interface ActionPageJson {
  items: ActionJson[];
  nextCursor?: string;
}

/** GET /mempool */
export interface MempoolJson {
  count: number;
  bytes: number;
  actors: number;
}

/** GET /peers (the network's own peer type). */
export type PeerJson = PeerSummary;

/** A peer banned by id (GET /peers/bans). */
export type PeerBanJson = PeerBan;

/** An address or subnet banned with a peer (GET /peers/bans). */
export type AddressBanJson = AddressBan;

/** GET /peers/bans: bans in force, latest expiry first. */
export type BansJson = PeerBans;

/** A record's place in one block (listed by reorg events). */
export interface RecordRefJson {
  txid: string;
  block: string;
  height: number;
  index: number;
  actor: string;
  kind: string;
  subject?: string;
}

/** A main-chain transaction as a `record` event (and webhook delivery): `id` is its SSE event id. */
export interface RecordJson {
  type: 'record';
  id: string;
  height: number;
  index: number;
  block: string;
  tx: TxJson;
}

/** The stream cannot resume from the client's Last-Event-ID: it must reload what it holds (`code` says why). */
export interface ResyncJson {
  type: 'resync';
  code: 'SSE_HISTORY_EXCEEDED' | 'SSE_EVENT_UNKNOWN';
  message: string;
  height: number;
}

/**
 * Server-sent events on GET /events (`?types=block,tx,record,reorg,final&actor=&kind=&subject=`). A reorg lists
 * the matching records that `left` the chain and those that `reentered` it elsewhere (their new place).
 */
export type EventJson =
  | { type: 'block'; block: BlockSummaryJson }
  | { type: 'tx'; tx: TxJson }
  | RecordJson
  | { type: 'reorg'; fork: { hash: string; height: number }; disconnected: string[]; connected: string[]; left: RecordRefJson[]; reentered: RecordRefJson[] }
  | { type: 'final'; final: { size: number; height: number; hash: string; signers: string[] } }
  | ResyncJson;
