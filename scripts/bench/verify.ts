// Signature verification throughput, one core: the addon's vendored libsecp256k1 and the secp256k1 package's
// prebuilt one against the @noble/curves baseline, same run.
import { sha256 } from '../../src/crypto/hash.js';
import { generateSecretKey, publicKeyFromSecret, signHash } from '../../src/crypto/signature.js';
import type { SignatureVerifier } from '../../src/crypto/verifier.js';
import { loadAddonVerifier, loadNativeVerifier, loadPackageVerifier, nativeLoadError } from '../../src/crypto/verify-native.js';
import { nobleVerifier } from '../../src/crypto/verify-noble.js';

interface Sample {
  sig: Uint8Array;
  msgHash: Uint8Array;
  publicKey: Uint8Array;
}

interface Result {
  name: string;
  opsPerSec: number;
  ops: number;
  seconds: number;
}

const SIGNATURES = 2000;
const SECONDS_PER_BACKEND = 2;
const KEYS = 200;

/** Runs the benchmark and prints a table followed by `BENCH <metric> <value> <unit>` lines. */
export async function run(): Promise<void> {
  const samples = makeSamples();
  const backends: SignatureVerifier[] = [nobleVerifier];
  for (const b of [loadAddonVerifier(), loadPackageVerifier()]) if (b !== null) backends.push(b);
  const native = loadNativeVerifier();
  if (native === null) console.log(`native libsecp256k1 unavailable: ${String(nativeLoadError())}`);

  const results: Result[] = [];
  for (const b of backends) {
    // Yield between backends so the runner's own output and timers are not interleaved with a busy loop.
    await new Promise((resolve) => setImmediate(resolve));
    results.push(measure(b, samples));
  }

  const noble = results.find((r) => r.name === 'noble')!;
  const nativeResult = results.find((r) => r.name === native?.impl);
  const packageResult = results.find((r) => r.name === 'secp256k1-package');
  const addonResult = results.find((r) => r.name === 'addon');
  console.log(`signature verification, one core, ${SIGNATURES} distinct valid signatures, ~${SECONDS_PER_BACKEND} s each`);
  console.log(`${'implementation'.padEnd(18)} ${'verifies/s'.padStart(12)} ${'ops'.padStart(8)} ${'vs noble'.padStart(9)}`);
  for (const r of results) {
    const ratio = r.opsPerSec / noble.opsPerSec;
    console.log(`${r.name.padEnd(18)} ${Math.round(r.opsPerSec).toString().padStart(12)} ${r.ops.toString().padStart(8)} ${ratio.toFixed(1).padStart(8)}x`);
  }
  // verify.native is whichever native implementation the node uses (the addon when it is built).
  if (nativeResult !== undefined) console.log(`BENCH verify.native.per_core ${Math.round(nativeResult.opsPerSec)} ops/s`);
  if (packageResult !== undefined) console.log(`BENCH verify.package.per_core ${Math.round(packageResult.opsPerSec)} ops/s`);
  console.log(`BENCH verify.noble.per_core ${Math.round(noble.opsPerSec)} ops/s`);
  if (nativeResult !== undefined) console.log(`BENCH verify.native.speedup ${(nativeResult.opsPerSec / noble.opsPerSec).toFixed(1)} x`);
  if (addonResult !== undefined && packageResult !== undefined) {
    console.log(`BENCH verify.addon_vs_package ${(addonResult.opsPerSec / packageResult.opsPerSec).toFixed(2)} x`);
  }
}

function makeSamples(): Sample[] {
  const keys = Array.from({ length: KEYS }, () => {
    const sk = generateSecretKey();
    return { sk, pk: publicKeyFromSecret(sk) };
  });
  const samples: Sample[] = [];
  for (let i = 0; i < SIGNATURES; i++) {
    const { sk, pk } = keys[i % KEYS]!;
    const msgHash = sha256(new TextEncoder().encode(`bench action ${i}`));
    samples.push({ sig: signHash(msgHash, sk), msgHash, publicKey: pk });
  }
  return samples;
}

function measure(backend: SignatureVerifier, samples: readonly Sample[]): Result {
  // Warm-up lets V8 optimise the call path before timing.
  for (let i = 0; i < 200; i++) check(backend, samples[i % samples.length]!);
  const budgetNs = BigInt(SECONDS_PER_BACKEND * 1e9);
  const start = process.hrtime.bigint();
  let ops = 0;
  let elapsed = 0n;
  while (elapsed < budgetNs) {
    for (let j = 0; j < 50; j++) check(backend, samples[(ops + j) % samples.length]!);
    ops += 50;
    elapsed = process.hrtime.bigint() - start;
  }
  const seconds = Number(elapsed) / 1e9;
  return { name: backend.impl, opsPerSec: ops / seconds, ops, seconds };
}

function check(backend: SignatureVerifier, s: Sample): void {
  if (!backend.verify(s.sig, s.msgHash, s.publicKey)) throw new Error(`${backend.impl} rejected a valid signature`);
}
