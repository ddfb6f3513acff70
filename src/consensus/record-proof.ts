import { ChainNodeError, Penalty, type ErrorCode } from '../errors.js';
import { inclusionProofFromLeafHashes, verifyInclusion } from '../crypto/merkle.js';
import { type Block } from '../primitives/block.js';
import { bytesEqual, fromHex, toHex } from '../util/bytes.js';
import { BlockHeader, blockHashToHex } from '../primitives/header.js';
import { Transaction } from '../primitives/transaction.js';
import { checkProofOfWork } from './pow.js';

/** Current record proof document version. */
export const RECORD_PROOF_VERSION = 1;

/**
 * A self-contained, offline-verifiable proof that a signed action is in a block (SPEC 5). All byte fields are
 * lowercase hex; `blockHash` is in display (byte-reversed) order like every block hash shown to people.
 */
export interface RecordProof {
  version: number;
  /** The encoded signed transaction. */
  tx: string;
  txid: string;
  /** Leaf index in the block's tree (0 is the meta record, so transactions start at 1). */
  leafIndex: number;
  treeSize: number;
  auditPath: string[];
  /** The 80-byte header. */
  header: string;
  height: number;
  blockHash: string;
  /** Confirmations known to the node that built the proof (1 = in the tip block). */
  confirmations: number;
  /** Network name, informational. */
  network?: string;
}

/** Build a record proof for transaction `txIndex` (0-based among the block's transactions). */
export function buildRecordProof(block: Block, txIndex: number, info: { confirmations: number; network?: string }): RecordProof {
  if (!Number.isInteger(txIndex) || txIndex < 0 || txIndex >= block.txs.length) {
    throw new ChainNodeError('PROOF_TX_INDEX', `block has no transaction at index ${txIndex}`);
  }
  const tx = block.txs[txIndex]!;
  const leaves = block.leafHashes();
  const proof: RecordProof = {
    version: RECORD_PROOF_VERSION,
    tx: toHex(tx.bytes),
    txid: tx.txidHex,
    leafIndex: txIndex + 1,
    treeSize: leaves.length,
    auditPath: inclusionProofFromLeafHashes(leaves, txIndex + 1).map(toHex),
    header: toHex(block.header.bytes),
    height: block.meta.height,
    blockHash: block.header.hashHex,
    confirmations: info.confirmations,
  };
  if (info.network !== undefined) proof.network = info.network;
  return proof;
}

/** Outcome of verifying a record proof. */
export type RecordProofResult =
  | { valid: true; txid: string; blockHash: string; height: number; blockTime: number; actor: string; kind: string; subject?: string; tx: Transaction }
  | { valid: false; code: ErrorCode; message: string };

/** Options for offline verification. */
export interface VerifyRecordProofOptions {
  /** Reject headers whose target is easier than this (a network's powLimit); default: any valid compact target. */
  powLimit?: bigint;
  /** Require the transaction to belong to this network (its genesis hash). */
  chainId?: Uint8Array;
}

const MAX_TARGET = (1n << 256n) - 1n;

function fail(code: ErrorCode, message: string): RecordProofResult {
  return { valid: false, code, message };
}

/**
 * Verify a record proof offline (SPEC 5): decode the transaction, recompute its txid, fold the audit path to the
 * header's merkle root, check the header's proof of work against its bits, and check the signature. Never
 * throws for bad input; the result carries a stable code (`PROOF_*`). The tree size is not committed to by the
 * header, so it is only used to shape the path.
 */
export function verifyRecordProof(proof: unknown, options: VerifyRecordProofOptions = {}): RecordProofResult {
  if (typeof proof !== 'object' || proof === null) return fail('PROOF_MALFORMED', 'proof must be a JSON object');
  const p = proof as Partial<RecordProof>;
  if (p.version !== RECORD_PROOF_VERSION)
    return fail('PROOF_VERSION', `unsupported proof version ${typeof p.version === 'number' ? p.version : typeof p.version}`);
  for (const k of ['tx', 'txid', 'header', 'blockHash'] as const) {
    if (typeof p[k] !== 'string') return fail('PROOF_MALFORMED', `'${k}' must be a hex string`);
  }
  for (const k of ['leafIndex', 'treeSize', 'height'] as const) {
    if (!Number.isSafeInteger(p[k]) || (p[k] as number) < 0) return fail('PROOF_MALFORMED', `'${k}' must be a non-negative integer`);
  }
  if (!Array.isArray(p.auditPath) || !p.auditPath.every((h) => typeof h === 'string'))
    return fail('PROOF_MALFORMED', "'auditPath' must be an array of hex strings");
  let txBytes: Uint8Array, headerBytes: Uint8Array, path: Uint8Array[];
  try {
    txBytes = fromHex(p.tx!);
    headerBytes = fromHex(p.header!);
    path = p.auditPath.map((h: string) => fromHex(h));
  } catch {
    return fail('PROOF_MALFORMED', 'invalid hex in proof');
  }
  let tx: Transaction;
  try {
    tx = Transaction.decode(txBytes, { maxBytes: Number.MAX_SAFE_INTEGER });
  } catch (err) {
    return fail('PROOF_BAD_TX', `transaction does not decode: ${(err as Error).message}`);
  }
  if (tx.txidHex !== p.txid!.toLowerCase()) return fail('PROOF_TXID_MISMATCH', 'txid does not match the transaction');
  if (p.leafIndex === 0) return fail('PROOF_BAD_INDEX', 'leaf 0 is the block meta record, not a transaction');
  let header: BlockHeader;
  try {
    header = BlockHeader.decode(headerBytes);
  } catch {
    return fail('PROOF_BAD_HEADER', 'header must be 80 bytes');
  }
  if (header.hashHex !== p.blockHash!.toLowerCase()) return fail('PROOF_BLOCK_HASH_MISMATCH', 'blockHash is not the hash of the header');
  if (!verifyInclusion(tx.txid, p.leafIndex!, p.treeSize!, path, header.merkleRoot)) {
    return fail('PROOF_BAD_PATH', 'audit path does not lead to the header merkle root');
  }
  if (!checkProofOfWork(header.bytes, options.powLimit ?? MAX_TARGET)) return fail('PROOF_BAD_POW', 'header does not meet its proof-of-work target');
  if (options.chainId !== undefined && !bytesEqual(options.chainId, tx.fields.chain))
    return fail('PROOF_WRONG_CHAIN', 'transaction belongs to another network');
  if (!tx.verifySignature()) return fail('PROOF_BAD_SIGNATURE', 'transaction signature is invalid');
  const result: RecordProofResult = {
    valid: true,
    txid: tx.txidHex,
    blockHash: blockHashToHex(header.hash),
    height: p.height!,
    blockTime: header.time,
    actor: tx.fromHex,
    kind: tx.fields.kind,
    tx,
  };
  if (tx.fields.subject !== undefined) result.subject = tx.fields.subject;
  return result;
}

/** Like verifyRecordProof but throws a ChainNodeError with the failure code. */
export function assertRecordProof(proof: unknown, options: VerifyRecordProofOptions = {}): Extract<RecordProofResult, { valid: true }> {
  const r = verifyRecordProof(proof, options);
  if (!r.valid) throw new ChainNodeError(r.code, r.message, { penalty: Penalty.none });
  return r;
}
