// Benchmark helper: fresh signed `metric` transactions from many actors.
import { generateSecretKey } from '../../../src/crypto/signature.js';
import { Transaction, txSigningHash, type TxBody } from '../../../src/primitives/transaction.js';
import { fastSigner } from './fast-signer.js';

/**
 * Encoded `metric` transactions on `chain` from `actors` fresh keys, `perActor` nonces each, nonce-major (every
 * actor's nonce 0, then every nonce 1, ...), like interleaved gossip.
 */
export function presignMetrics(chain: Uint8Array, actors: number, perActor: number): Uint8Array[] {
  const s = fastSigner();
  const keys = Array.from({ length: actors }, () => {
    const sk = generateSecretKey();
    return { sk, from: s.publicKey(sk) };
  });
  const out: Uint8Array[] = [];
  for (let nonce = 0; nonce < perActor; nonce++) {
    for (let a = 0; a < actors; a++) {
      const { sk, from } = keys[a]!;
      const body: TxBody = {
        v: 1,
        chain,
        from,
        nonce,
        time: 1_700_000_000_000 + nonce,
        kind: 'metric',
        subject: `container-${a}`,
        payload: { containerId: `container-${a}`, memoryMB: 256 + (nonce % 512), cpuUsage: (a % 100) / 100, timestamp: 1_700_000_000 + nonce },
      };
      out.push(Transaction.fromFields({ ...body, sig: s.sign(txSigningHash(body), sk) }).bytes);
    }
  }
  return out;
}
