import type { AnchoredRecordProof } from '../consensus/anchored-proof.js';
import { ApiClient } from '../client/api-client.js';
import { waitForFinalProof, type FinalWaitProgress } from '../client/wait-final.js';
import { ChainNodeError } from '../errors.js';

/**
 * Wait until a submitted record is final (SPEC 12): polls GET /txs/:txid while it is pending, then its record
 * proof until a final checkpoint covers its block, and returns that anchored proof. Throws `FINALITY_TIMEOUT`
 * after `limitMs` in all, or the API's code (`TX_NOT_FOUND` for a txid the node does not know).
 */
export async function waitUntilFinal(
  api: string | ApiClient,
  txid: string,
  options: { limitMs: number; pollMs?: number; onProgress?: (p: FinalWaitProgress | { height: null; finalHeight: null }) => void },
): Promise<AnchoredRecordProof> {
  const client = typeof api === 'string' ? new ApiClient({ url: api }) : api;
  const deadline = Date.now() + options.limitMs;
  const pollMs = options.pollMs ?? 500;
  while ((await client.tx(txid)).status !== 'mined') {
    if (Date.now() > deadline) throw new ChainNodeError('FINALITY_TIMEOUT', `transaction ${txid} was not mined within ${options.limitMs / 1000} s`);
    options.onProgress?.({ height: null, finalHeight: null });
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return waitForFinalProof(client, txid, {
    limitMs: Math.max(0, deadline - Date.now()),
    pollMs,
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
}
