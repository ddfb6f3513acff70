import { leafHash, verifyInclusion } from '../crypto/merkle.js';
import { logOrigin, parseCheckpoint, type Checkpoint } from '../log/checkpoint.js';
import { openNote, type NoteVerifier } from '../log/note.js';
import { ChainNodeError, type ErrorCode } from '../errors.js';
import { fromHex, toHex } from '../util/bytes.js';
import { blockHashToHex } from '../primitives/header.js';
import { decodeCompact } from './compact.js';
import { verifyRecordProof, type RecordProof, type VerifyRecordProofOptions } from './record-proof.js';
import { blockWork } from './work.js';

/** Version of an anchored record proof (SPEC 12). */
export const ANCHORED_PROOF_VERSION = 2;

/** Hashes one CPU core computes per second, as a nominal figure for "what forging this header costs". */
export const NOMINAL_CORE_HASHES_PER_SECOND = 2 ** 25;

/** A version 2 record proof: version 1 plus the header's path in the header log to a witnessed checkpoint. */
export interface AnchoredRecordProof extends Omit<RecordProof, 'version'> {
  version: 2;
  /** The header's leaf index in the header log (its height). */
  headerIndex: number;
  /** Audit path of the header's leaf in the log at the checkpoint's size (hex, bottom-up). */
  headerPath: string[];
  /** The checkpoint (C2SP signed note) with the witnesses' signatures. */
  checkpoint: string;
}

/** Turns a version 1 proof into version 2 with the header log path and a checkpoint note. */
export function anchorRecordProof(proof: RecordProof, anchor: { headerPath: Uint8Array[]; checkpoint: string }): AnchoredRecordProof {
  return { ...proof, version: ANCHORED_PROOF_VERSION, headerIndex: proof.height, headerPath: anchor.headerPath.map(toHex), checkpoint: anchor.checkpoint };
}

/** What the proof of work alone says about a header: its difficulty and what forging one costs. */
export interface WorkEstimate {
  bits: number;
  /** Expected hashes to find a header at this target: 2^256 / (target + 1). */
  expectedHashes: string;
  /** log2 of expectedHashes. */
  log2Hashes: number;
  /** Seconds one CPU core needs at NOMINAL_CORE_HASHES_PER_SECOND. */
  coreSeconds: number;
}

/** Facts a valid proof establishes (about the record and its header). */
export interface ProvenRecord {
  txid: string;
  blockHash: string;
  height: number;
  blockTime: number;
  actor: string;
  kind: string;
  subject?: string;
  network?: string;
  work: WorkEstimate;
}

/** Outcome of verifying a record proof against trusted witness keys. */
export type AnchoredResult =
  | ({ status: 'anchored'; witnesses: string[]; threshold: number; checkpointSize: number } & ProvenRecord)
  | ({ status: 'unanchored'; reason: string } & ProvenRecord)
  | { status: 'invalid'; code: ErrorCode; message: string };

/** Options of {@link verifyAnchoredProof}. */
export interface VerifyAnchoredOptions extends VerifyRecordProofOptions {
  /** Trusted witness keys (none: the proof can at best be reported unanchored). */
  witnesses?: readonly NoteVerifier[];
  /** Valid signatures needed from `witnesses` (default: a majority of them). */
  threshold?: number;
  /** The log origin the checkpoint must carry (default: derived from the proof's network and the tx's chain). */
  origin?: string;
}

function invalid(code: ErrorCode, message: string): AnchoredResult {
  return { status: 'invalid', code, message };
}

/** Default threshold of a witness set of `n` keys: a majority. */
export function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}

/** Difficulty facts of compact `bits`. */
export function workEstimate(bits: number): WorkEstimate {
  const d = decodeCompact(bits);
  const work = d.target > 0n && !d.negative && !d.overflow ? blockWork(d.target) : 0n;
  const bin = work.toString(2);
  const top = Math.min(53, bin.length);
  const log2 = work === 0n ? 0 : Math.log2(Number.parseInt(bin.slice(0, top), 2)) + (bin.length - top);
  return { bits, expectedHashes: work.toString(), log2Hashes: Math.round(log2 * 100) / 100, coreSeconds: Number(work) / NOMINAL_CORE_HASHES_PER_SECOND };
}

/**
 * Verify a record proof (SPEC 5 and 12). Every proof gets the version 1 checks (txid, Merkle path, proof of work
 * against its own bits, signature, chain when known). A proof is `anchored` only when it is version 2, its header
 * folds into the checkpoint's root at `headerIndex` (= `height`), the checkpoint is of this network's header log,
 * and at least `threshold` of the trusted `witnesses` signed it. Without trusted keys, or for a version 1 proof
 * when no keys were given, the result is `unanchored` (never "valid"). With trusted keys, a proof that cannot be
 * anchored is `invalid` with a code. Never throws.
 */
export function verifyAnchoredProof(proof: unknown, options: VerifyAnchoredOptions = {}): AnchoredResult {
  if (typeof proof !== 'object' || proof === null) return invalid('PROOF_MALFORMED', 'proof must be a JSON object');
  const p = proof as Omit<Partial<AnchoredRecordProof>, 'version'> & { version?: unknown };
  if (p.version !== 1 && p.version !== ANCHORED_PROOF_VERSION) return invalid('PROOF_VERSION', `unsupported proof version ${String(p.version)}`);
  const base = verifyRecordProof({ ...p, version: 1 }, options);
  if (!base.valid) return invalid(base.code, base.message);
  const header = fromHex(p.header!);
  const bits = new DataView(header.buffer, header.byteOffset).getUint32(72, true);
  const proven: ProvenRecord = {
    txid: base.txid,
    blockHash: base.blockHash,
    height: base.height,
    blockTime: base.blockTime,
    actor: base.actor,
    kind: base.kind,
    ...(base.subject === undefined ? {} : { subject: base.subject }),
    ...(typeof p.network === 'string' ? { network: p.network } : {}),
    work: workEstimate(bits),
  };
  const witnesses = options.witnesses ?? [];
  if (p.version === 1) {
    if (witnesses.length === 0) return { status: 'unanchored', reason: 'version 1 proof: it carries no header log path or checkpoint', ...proven };
    return invalid('PROOF_NOT_ANCHORED', 'version 1 proof: it carries no checkpoint, so no witness vouches for its header');
  }
  if (!Number.isSafeInteger(p.headerIndex) || p.headerIndex! < 0) return invalid('PROOF_MALFORMED', "'headerIndex' must be a non-negative integer");
  if (p.headerIndex !== p.height)
    return invalid('PROOF_HEIGHT_MISMATCH', `'height' ${String(p.height)} is not the header's log index ${String(p.headerIndex)}`);
  if (!Array.isArray(p.headerPath) || !p.headerPath.every((h) => typeof h === 'string' && /^[0-9a-f]{64}$/i.test(h))) {
    return invalid('PROOF_MALFORMED', "'headerPath' must be an array of 32-byte hex hashes");
  }
  if (typeof p.checkpoint !== 'string') return invalid('PROOF_MALFORMED', "'checkpoint' must be a signed note");
  let cp: Checkpoint;
  let noteText: string;
  let opened: ReturnType<typeof openNote> | undefined;
  try {
    if (witnesses.length > 0) {
      opened = openNote(p.checkpoint, witnesses);
      noteText = opened.text;
    } else {
      noteText = p.checkpoint.slice(0, p.checkpoint.lastIndexOf('\n\n') + 1);
    }
    cp = parseCheckpoint(noteText);
  } catch (err) {
    const code = err instanceof ChainNodeError ? err.code : 'NOTE_MALFORMED';
    if (code === 'NOTE_UNVERIFIED') return invalid('PROOF_CHECKPOINT_UNTRUSTED', 'no trusted witness signed the checkpoint');
    if (code === 'NOTE_BAD_SIGNATURE') return invalid('PROOF_BAD_WITNESS_SIGNATURE', (err as Error).message);
    return invalid('PROOF_BAD_CHECKPOINT', `checkpoint: ${(err as Error).message}`);
  }
  if (cp.extensions.length > 0) return invalid('PROOF_BAD_CHECKPOINT', 'checkpoint has extension lines');
  const genesisHex = blockHashToHex(base.tx.fields.chain);
  const wantOrigin = options.origin ?? (typeof p.network === 'string' ? logOrigin(p.network, genesisHex) : undefined);
  if (wantOrigin !== undefined ? cp.origin !== wantOrigin : !(cp.origin.startsWith('chain-node/') && cp.origin.endsWith(`/${genesisHex}`))) {
    return invalid('PROOF_WRONG_LOG', `checkpoint is of log '${cp.origin}', not of this record's network`);
  }
  if (
    !verifyInclusion(
      leafHash(header),
      p.headerIndex!,
      cp.size,
      p.headerPath.map((h) => fromHex(h.toLowerCase())),
      cp.root,
    )
  ) {
    return invalid('PROOF_BAD_HEADER_PATH', 'the header does not fold into the checkpoint root at its height');
  }
  if (opened === undefined) {
    return { status: 'unanchored', reason: 'no trusted witness keys given: the checkpoint signatures were not checked', ...proven };
  }
  const threshold = options.threshold ?? majority(witnesses.length);
  if (opened.verified.length < threshold) {
    return invalid('PROOF_CHECKPOINT_UNTRUSTED', `checkpoint has ${opened.verified.length} valid signature(s) from trusted witnesses, ${threshold} needed`);
  }
  return { status: 'anchored', witnesses: opened.verified.map((s) => s.name), threshold, checkpointSize: cp.size, ...proven };
}
