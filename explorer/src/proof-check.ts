// In-browser record proof verification: the project's own verifyAnchoredProof (the checks of `proof verify`,
// SPEC 5 and 12), bundled for the page, with its result laid out as the steps it performs. Loaded lazily (it
// carries secp256k1, Ed25519 and DAG-CBOR), only by pages that verify.
import { verifyAnchoredProof, type WorkEstimate } from '../../src/consensus/anchored-proof.js';
import { verifyRecordProof } from '../../src/consensus/record-proof.js';
import { openNote, parseNote, parseVerifierList, type NoteVerifier } from '../../src/log/note.js';
import { fromHex } from '../../src/util/bytes.js';

/** One verification step and how it went ('not anchored': a version 1 proof carries nothing to check it with). */
export interface ProofStep {
  name: string;
  state: 'ok' | 'failed' | 'not run' | 'not anchored';
}

/** The witness set a proof is checked against: the keys and threshold this node reports (GET /log/checkpoint.json). */
export interface TrustedWitnesses {
  /** Verifier keys (<name>+<id>+<key>). */
  keys: string[];
  threshold: number;
  /** The header log origin the checkpoint must carry. */
  origin: string;
}

/** Outcome shown by the page. */
export interface ProofCheck {
  /** anchored: every check passed, under a checkpoint signed by enough trusted witnesses; unanchored: a valid version 1 proof. */
  status: 'anchored' | 'unanchored' | 'invalid';
  code?: string;
  message?: string;
  steps: ProofStep[];
  txid?: string;
  height?: number;
  blockTime?: number;
  /** Anchored: the witnesses whose signatures verified, the threshold, the trusted set's names, the checkpoint's size. */
  signers?: string[];
  threshold?: number;
  trusted?: string[];
  checkpointSize?: number;
  /** Unanchored: why, and what the header's proof of work alone is worth. */
  reason?: string;
  work?: WorkEstimate;
}

/** The version 1 checks (SPEC 5) in the order verifyRecordProof runs them, with the codes that fail each. */
const RECORD_STEPS: Array<[string, string[]]> = [
  ['proof document is well formed', ['PROOF_MALFORMED', 'PROOF_VERSION']],
  ['transaction decodes (strict DAG-CBOR)', ['PROOF_BAD_TX']],
  ['txid is the hash of the transaction', ['PROOF_TXID_MISMATCH']],
  ['block hash is the hash of the 80-byte header', ['PROOF_BAD_INDEX', 'PROOF_BAD_HEADER', 'PROOF_BLOCK_HASH_MISMATCH']],
  ["Merkle audit path leads to the header's root", ['PROOF_BAD_PATH']],
  ['header meets its proof-of-work target', ['PROOF_BAD_POW']],
  ["transaction belongs to this node's chain", ['PROOF_WRONG_CHAIN']],
  ["signature is the actor's (secp256k1)", ['PROOF_BAD_SIGNATURE']],
];

/** The anchoring checks (SPEC 12) in the order verifyAnchoredProof runs them after the record checks. */
const ANCHOR = {
  fields: 'header log index is the block height; header path and checkpoint are well formed',
  signatures: "checkpoint note parses and the trusted witnesses' signatures on it verify (Ed25519)",
  log: "checkpoint is of this network's header log",
  path: 'header is in the header log under the checkpoint',
  quorum: 'checkpoint signed by enough of the trusted witnesses',
} as const;
type AnchorStep = keyof typeof ANCHOR;
const ANCHOR_ORDER: AnchorStep[] = ['fields', 'signatures', 'log', 'path', 'quorum'];

function malformed(message: string): ProofCheck {
  return { status: 'invalid', code: 'PROOF_MALFORMED', message, steps: RECORD_STEPS.map(([name], i) => ({ name, state: i === 0 ? 'failed' : 'not run' })) };
}

/** Which anchoring check failed with `code` (codes shared by two checks are told apart with the same primitives). */
function anchorStepOf(code: string, doc: { checkpoint?: unknown }, witnesses: readonly NoteVerifier[]): AnchorStep | undefined {
  switch (code) {
    case 'PROOF_MALFORMED':
    case 'PROOF_HEIGHT_MISMATCH':
      return 'fields';
    case 'PROOF_BAD_WITNESS_SIGNATURE':
      return 'signatures';
    case 'PROOF_BAD_CHECKPOINT':
      try {
        parseNote(doc.checkpoint as string);
        return 'log';
      } catch {
        return 'signatures';
      }
    case 'PROOF_WRONG_LOG':
      return 'log';
    case 'PROOF_BAD_HEADER_PATH':
      return 'path';
    case 'PROOF_CHECKPOINT_UNTRUSTED':
      try {
        openNote(doc.checkpoint as string, witnesses);
        return 'quorum';
      } catch {
        return 'signatures';
      }
    default:
      return undefined;
  }
}

/**
 * Verify a proof (parsed JSON or text) against `chainIdHex` and, for a version 2 proof, the `trusted` witness
 * set. A version 1 proof is at best `unanchored`: its header is under no final checkpoint. Never throws.
 */
export function checkProof(proof: unknown, chainIdHex: string | undefined, trusted: TrustedWitnesses | undefined): ProofCheck {
  let doc = proof;
  if (typeof proof === 'string') {
    try {
      doc = JSON.parse(proof) as unknown;
    } catch (err) {
      return malformed(`not JSON: ${(err as Error).message}`);
    }
  }
  if (typeof doc !== 'object' || doc === null) return malformed('proof must be a JSON object');
  const d = doc as { version?: unknown; checkpoint?: unknown };
  const anchored = d.version === 2;
  let witnesses: NoteVerifier[] = [];
  if (anchored) {
    if (trusted === undefined)
      return { status: 'invalid', code: 'PROOF_NO_WITNESSES', message: 'this node reports no witness set to check a version 2 proof against', steps: [] };
    try {
      witnesses = parseVerifierList(trusted.keys);
    } catch (err) {
      return {
        status: 'invalid',
        code: 'PROOF_NO_WITNESSES',
        message: `this node reports a witness key that does not parse: ${(err as Error).message}`,
        steps: [],
      };
    }
  }
  const chainId = chainIdHex === undefined ? {} : { chainId: fromHex(chainIdHex) };
  // A version 1 proof is checked without keys (as `proof verify` without --witnesses): unanchored at best.
  const r = verifyAnchoredProof(
    doc,
    anchored && trusted !== undefined ? { ...chainId, witnesses, threshold: trusted.threshold, origin: trusted.origin } : chainId,
  );
  const names = witnesses.map((w) => w.name);
  const anchorNames = (): Record<AnchorStep, string> => ({
    ...ANCHOR,
    ...(r.status === 'anchored'
      ? {
          path: `${ANCHOR.path} (leaf ${r.height} of ${r.checkpointSize})`,
          quorum: `checkpoint signed by ${r.witnesses.length} of the ${names.length} trusted witness${names.length === 1 ? '' : 'es'} (${r.witnesses.join(', ')}), threshold ${r.threshold}`,
        }
      : {
          quorum: `checkpoint signed by at least ${trusted?.threshold ?? '?'} of the ${names.length} trusted witness${names.length === 1 ? '' : 'es'} (${names.join(', ')})`,
        }),
  });
  if (r.status === 'anchored') {
    const n = anchorNames();
    return {
      status: 'anchored',
      steps: [...RECORD_STEPS.map(([name]) => ({ name, state: 'ok' as const })), ...ANCHOR_ORDER.map((s) => ({ name: n[s], state: 'ok' as const }))],
      txid: r.txid,
      height: r.height,
      blockTime: r.blockTime,
      signers: r.witnesses,
      threshold: r.threshold,
      trusted: names,
      checkpointSize: r.checkpointSize,
    };
  }
  if (r.status === 'unanchored') {
    return {
      status: 'unanchored',
      steps: [
        ...RECORD_STEPS.map(([name]) => ({ name, state: 'ok' as const })),
        { name: 'header is in the header log under a final checkpoint', state: 'not anchored' },
      ],
      txid: r.txid,
      height: r.height,
      blockTime: r.blockTime,
      reason: r.reason,
      work: r.work,
    };
  }
  const record = RECORD_STEPS.findIndex(([, codes]) => codes.includes(r.code));
  // PROOF_MALFORMED of a version 2 proof is the record part's only when the version 1 checks fail on it too.
  const inRecord = record >= 0 && !(anchored && r.code === 'PROOF_MALFORMED' && verifyRecordProof({ ...(doc as object), version: 1 }, chainId).valid);
  const anchorAt = inRecord ? -1 : ANCHOR_ORDER.indexOf(anchorStepOf(r.code, d, witnesses) ?? 'fields');
  const failedAt = inRecord ? record : RECORD_STEPS.length + anchorAt;
  const n = anchorNames();
  const all = [...RECORD_STEPS.map(([name]) => name), ...(anchored ? ANCHOR_ORDER.map((s) => n[s]) : [])];
  return {
    status: 'invalid',
    code: r.code,
    message: r.message,
    steps: all.map((name, i) => ({ name, state: i < failedAt ? 'ok' : i === failedAt ? 'failed' : 'not run' })),
  };
}
