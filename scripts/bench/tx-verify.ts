// Decode + txid + signing hash + signature check of signed transactions, one core, per verifier backend.
import { generateSecretKey } from '../../src/crypto/signature.js';
import { loadNativeVerifier } from '../../src/crypto/verify-native.js';
import { nobleVerifier } from '../../src/crypto/verify-noble.js';
import type { SignatureVerifier } from '../../src/crypto/verifier.js';
import { Transaction } from '../../src/primitives/transaction.js';

const TXS = 4000;
const SECONDS = 2;

function makeTxs(): Uint8Array[] {
  const chain = new Uint8Array(32).fill(9);
  const keys = Array.from({ length: 100 }, () => generateSecretKey());
  return Array.from(
    { length: TXS },
    (_, i) =>
      Transaction.sign(
        {
          chain,
          nonce: Math.floor(i / keys.length),
          time: Date.now(),
          kind: 'metric',
          subject: `container-${i % 50}`,
          payload: { containerId: `c${i % 50}`, memoryMB: 100 + (i % 900), cpuUsage: (i % 100) / 100, timestamp: 1_700_000_000 + i },
        },
        keys[i % keys.length]!,
      ).bytes,
  );
}

function measure(v: SignatureVerifier, raw: Uint8Array[]): number {
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(SECONDS * 1e9);
  let n = 0;
  while (process.hrtime.bigint() < deadline) {
    for (let i = 0; i < 200; i++) {
      const tx = Transaction.decode(raw[n % raw.length]!);
      void tx.txid;
      if (!v.verify(tx.fields.sig, tx.sigHash, tx.fields.from)) throw new Error('benchmark tx failed to verify');
      n++;
    }
  }
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Prints decode+hash+verify throughput for each backend and the noble-only baseline. */
export async function run(): Promise<void> {
  const raw = makeTxs();
  const results: [string, number][] = [['noble', measure(nobleVerifier, raw)]];
  const native = loadNativeVerifier();
  if (native !== null) results.push(['native', measure(native, raw)]);
  const base = results[0]![1];
  console.log(`decode + txid + signing hash + verify, one core, ${TXS} distinct metric transactions (~${raw[0]!.byteLength} bytes)`);
  console.log(`${'backend'.padEnd(8)} ${'tx/s'.padStart(10)} ${'ratio'.padStart(7)}`);
  for (const [name, rate] of results) console.log(`${name.padEnd(8)} ${Math.round(rate).toString().padStart(10)} ${(rate / base).toFixed(1).padStart(6)}x`);
  for (const [name, rate] of results) console.log(`BENCH tx_verify.${name}.per_core ${Math.round(rate)} tx/s`);
}
