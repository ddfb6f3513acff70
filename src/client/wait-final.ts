import type { AnchoredRecordProof } from '../consensus/anchored-proof.js';
import type { RecordProof } from '../consensus/record-proof.js';
import { ChainNodeError } from '../errors.js';
import type { ApiClient } from './api-client.js';

// The node serves version 2 exactly when a final checkpoint covers the block.
function isAnchored(p: RecordProof | AnchoredRecordProof): p is AnchoredRecordProof {
  return p.version === 2;
}

/** One poll of {@link waitForFinalProof}: the record's block and the node's latest final block (null: none yet). */
export interface FinalWaitProgress {
  height: number;
  finalHeight: number | null;
}

/**
 * Polls a mined transaction's record proof until the node serves version 2 (a final checkpoint covers its block,
 * SPEC 12), calling `onProgress` on each poll that is still waiting. Throws `FINALITY_TIMEOUT` after `limitMs`.
 */
export async function waitForFinalProof(
  client: ApiClient,
  txid: string,
  options: { limitMs: number; pollMs?: number; onProgress?: (p: FinalWaitProgress) => void },
): Promise<AnchoredRecordProof> {
  const deadline = Date.now() + options.limitMs;
  for (;;) {
    const proof: RecordProof | AnchoredRecordProof = await client.proof(txid);
    if (isAnchored(proof)) return proof;
    if (Date.now() > deadline)
      throw new ChainNodeError('FINALITY_TIMEOUT', `no final checkpoint covered block ${proof.height} within ${options.limitMs / 1000} s`);
    const fin = (await client.status()).finality?.final;
    options.onProgress?.({ height: proof.height, finalHeight: fin === null || fin === undefined ? null : fin.height });
    await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
  }
}

/** Witness names of a checkpoint note's signature lines (`— <name> <base64>`). */
export function checkpointSigners(note: string): string[] {
  return note
    .split('\n')
    .filter((l) => l.startsWith('\u2014 '))
    .map((l) => l.split(' ')[1] ?? '');
}
