// In-browser record proof verification: the project's own verifyRecordProof (the checks of `proof verify`),
// bundled for the page, with its result laid out as the steps it performs. Loaded lazily (it carries
// secp256k1 and DAG-CBOR), only by pages that verify.
import { fromHex } from '../../src/primitives/bytes.js';
import { verifyRecordProof } from '../../src/consensus/record-proof.js';

/** One verification step and how it went. */
export interface ProofStep {
  name: string;
  state: 'ok' | 'failed' | 'not run';
}

/** The steps of SPEC 5 verification in the order verifyRecordProof runs them, with the codes that fail each. */
const STEPS: Array<[string, string[]]> = [
  ['proof document is well formed', ['PROOF_MALFORMED', 'PROOF_VERSION']],
  ['transaction decodes (strict DAG-CBOR)', ['PROOF_BAD_TX']],
  ['txid is the hash of the transaction', ['PROOF_TXID_MISMATCH']],
  ['block hash is the hash of the 80-byte header', ['PROOF_BAD_INDEX', 'PROOF_BAD_HEADER', 'PROOF_BLOCK_HASH_MISMATCH']],
  ["Merkle audit path leads to the header's root", ['PROOF_BAD_PATH']],
  ['header meets its proof-of-work target', ['PROOF_BAD_POW']],
  ["transaction belongs to this node's chain", ['PROOF_WRONG_CHAIN']],
  ["signature is the actor's (secp256k1)", ['PROOF_BAD_SIGNATURE']],
];

/** Outcome shown by the page. */
export interface ProofCheck {
  valid: boolean;
  code?: string;
  message?: string;
  steps: ProofStep[];
  txid?: string;
  actor?: string;
  height?: number;
  blockTime?: number;
}

/** Verify a proof (parsed JSON or text) against `chainIdHex` when given. Never throws. */
export function checkProof(proof: unknown, chainIdHex?: string): ProofCheck {
  let doc = proof;
  if (typeof proof === 'string') {
    try {
      doc = JSON.parse(proof) as unknown;
    } catch (err) {
      return { valid: false, code: 'PROOF_MALFORMED', message: `not JSON: ${(err as Error).message}`, steps: STEPS.map(([name], i) => ({ name, state: i === 0 ? 'failed' : 'not run' })) };
    }
  }
  const r = verifyRecordProof(doc, chainIdHex === undefined ? {} : { chainId: fromHex(chainIdHex) });
  if (r.valid) return { valid: true, steps: STEPS.map(([name]) => ({ name, state: 'ok' })), txid: r.txid, actor: r.actor, height: r.height, blockTime: r.blockTime };
  const failedAt = STEPS.findIndex(([, codes]) => codes.includes(r.code));
  return {
    valid: false,
    code: r.code,
    message: r.message,
    steps: STEPS.map(([name], i) => ({ name, state: i < failedAt ? 'ok' : i === failedAt ? 'failed' : 'not run' })),
  };
}
