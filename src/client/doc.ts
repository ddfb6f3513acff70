import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { ChainNodeError } from '../errors.js';
import { type RecordProof, type VerifyRecordProofOptions } from '../consensus/record-proof.js';
import { verifyAnchoredProof, type AnchoredRecordProof } from '../consensus/anchored-proof.js';
import { type NoteVerifier } from '../log/note.js';
import type { ActionJson } from '../api/types.js';
import type { ApiClient } from './api-client.js';
import type { ActionInput } from '../wallet/tx-signer.js';

/** Kind of a document certification action. */
export const DOC_CERTIFY_KIND = 'doc.certify';

/** A document's identity on the chain. */
export interface DocumentDigest {
  name: string;
  size: number;
  /** Lowercase hex SHA-256 of the content: the action's subject. */
  sha256: string;
}

/** Hash a file (streamed). */
export async function digestFile(path: string): Promise<DocumentDigest> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new Error('not a regular file');
    size = st.size;
  } catch (err) {
    throw new ChainNodeError('DOC_UNREADABLE', `cannot read document '${path}': ${(err as Error).message}`);
  }
  const h = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  } catch (err) {
    throw new ChainNodeError('DOC_UNREADABLE', `cannot read document '${path}': ${(err as Error).message}`);
  }
  return { name: basename(path), size, sha256: h.digest('hex') };
}

/** The `doc.certify` action for a document: subject = SHA-256 hex, payload {name, size, sha256}. */
export function certifyAction(d: DocumentDigest): ActionInput {
  return { kind: DOC_CERTIFY_KIND, subject: d.sha256, payload: { name: d.name, size: d.size, sha256: d.sha256 } };
}

/** One verified certification of a document. */
export interface Certification {
  txid: string;
  /** Who certified it (compressed public key hex). */
  actor: string;
  height: number;
  blockHash: string;
  /** Block time (unix seconds): when the document is proven to have existed. */
  blockTime: number;
  confirmations: number;
  /** The name the certifier gave the document. */
  name?: string;
  /** The record proof, verified offline. */
  proof: RecordProof | AnchoredRecordProof;
  /** Final (SPEC 12): the proof is anchored to a checkpoint signed by enough of the trusted witnesses. */
  final: boolean;
  /** Trusted witnesses that signed that checkpoint. */
  witnesses: string[];
}

/** Outcome of {@link verifyDocument}. */
export interface DocumentVerification {
  document: DocumentDigest;
  certified: true;
  /** The earliest certification (optionally by the requested actor). */
  first: Certification;
  /** Every certification found, oldest first. */
  certifications: Certification[];
}

/** A certification submitted but not mined yet (in the node's mempool): 0 confirmations, no proof yet. */
export interface PendingCertification {
  txid: string;
  actor: string;
  confirmations: 0;
}

/** Outcome of {@link verifyDocument} when only pending certifications exist. */
export interface PendingDocumentVerification {
  document: DocumentDigest;
  certified: false;
  pending: PendingCertification[];
}

/** Pending `doc.certify` actions for this hash in the node's mempool (at most 100 pages of 1000 are scanned). */
async function pendingCertifications(client: ApiClient, sha256: string, actor: string | undefined): Promise<PendingCertification[]> {
  const out: PendingCertification[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await client.mempoolTxs({ limit: 1000, ...(cursor === undefined ? {} : { cursor }) });
    for (const tx of page.txs) {
      if (tx.kind === DOC_CERTIFY_KIND && tx.subject === sha256 && (actor === undefined || tx.from === actor))
        out.push({ txid: tx.txid, actor: tx.from, confirmations: 0 });
    }
    cursor = page.nextCursor;
    if (cursor === undefined) break;
  }
  return out;
}

/**
 * Find the `doc.certify` actions whose subject is the file's SHA-256 (GET /subjects/:subject/actions), fetch
 * each one's record proof and verify it offline (txid, Merkle path to the header, proof of work, signature,
 * chain), and check the signed payload names this hash. When none is mined but one is pending in the node's
 * mempool (right after `doc certify`), resolves `{certified: false, pending}`. Throws `DOC_NOT_CERTIFIED` when
 * none is found at all (a modified document has another hash), or the proof's code when a proof fails.
 */
export async function verifyDocument(
  client: ApiClient,
  path: string,
  options: { verify: VerifyRecordProofOptions; actor?: string; witnesses?: readonly NoteVerifier[]; threshold?: number },
): Promise<DocumentVerification | PendingDocumentVerification> {
  const doc = await digestFile(path);
  const items: ActionJson[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.subjectActions(doc.sha256, { limit: 1000, ...(cursor === undefined ? {} : { cursor }) });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined && items.length < 10_000);
  const actor = options.actor?.toLowerCase();
  const candidates = items.filter((a) => a.tx.kind === DOC_CERTIFY_KIND && (actor === undefined || a.tx.from === actor));
  if (candidates.length === 0) {
    const pending = await pendingCertifications(client, doc.sha256, actor);
    if (pending.length > 0) return { document: doc, certified: false, pending };
    throw new ChainNodeError(
      'DOC_NOT_CERTIFIED',
      `${doc.name} (sha256 ${doc.sha256}) is not certified on this chain${actor === undefined ? '' : ` by ${actor}`}`,
    );
  }
  const certifications: Certification[] = [];
  for (const a of candidates) {
    const proof = await client.proof(a.txid);
    const witnesses = options.witnesses ?? [];
    // A version 1 proof (block not final yet) is checked without witnesses: it is reported as not final.
    const r = verifyAnchoredProof(proof, {
      ...options.verify,
      ...(proof.version === 2 ? { witnesses } : {}),
      ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
    });
    if (r.status === 'invalid') throw new ChainNodeError(r.code, `record proof of ${a.txid} is invalid: ${r.message}`);
    if (r.subject !== doc.sha256 || r.kind !== DOC_CERTIFY_KIND)
      throw new ChainNodeError('DOC_PROOF_MISMATCH', `record proof of ${a.txid} is about another document`);
    const payload = a.tx.payload as { name?: unknown; sha256?: unknown } | null;
    if (payload !== null && typeof payload === 'object' && typeof payload.sha256 === 'string' && payload.sha256 !== doc.sha256) {
      throw new ChainNodeError('DOC_PROOF_MISMATCH', `action ${a.txid} names another hash in its payload`);
    }
    const final = r.status === 'anchored';
    const c: Certification = {
      txid: r.txid,
      actor: r.actor,
      height: r.height,
      blockHash: r.blockHash,
      blockTime: r.blockTime,
      confirmations: proof.confirmations,
      proof,
      final,
      witnesses: final ? r.witnesses : [],
    };
    if (payload !== null && typeof payload === 'object' && typeof payload.name === 'string') c.name = payload.name;
    certifications.push(c);
  }
  certifications.sort((x, y) => x.height - y.height);
  return { document: doc, certified: true, first: certifications[0]!, certifications };
}
