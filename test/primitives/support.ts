import { generateSecretKey } from '../../src/crypto/signature.js';
import { Transaction, type TxBody } from '../../src/primitives/transaction.js';
import type { CborValue } from '../../src/primitives/cbor.js';

/** A fixed chain id for tests that need one. */
export const TEST_CHAIN = new Uint8Array(32).fill(7);

/** Sign a transaction with sensible defaults. */
export function makeTx(sk: Uint8Array = generateSecretKey(), over: Partial<Omit<TxBody, 'from' | 'v'>> = {}): Transaction {
  return Transaction.sign(
    {
      chain: TEST_CHAIN,
      nonce: 0,
      time: 1_700_000_000_000,
      kind: 'audit.login',
      subject: 'user-42',
      payload: { ip: '10.0.0.1', ok: true } as CborValue,
      ...over,
    },
    sk,
  );
}
