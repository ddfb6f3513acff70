// Shared test data for the mining backends: real Bitcoin headers (the header layout and hash are Bitcoin's, SPEC 3)
// and helpers to build targets and run searches.
import { fromHex } from '../../src/util/bytes.js';
import { sha256d } from '../../src/crypto/hash.js';
import { readUint256LE } from '../../src/util/bytes.js';
import { hasCode } from '../../src/errors.js';
import { addonExports } from '../../src/crypto/addon.js';
import { loadBackend } from '../../src/mining/loader.js';
import { MiningErrorCode, type MiningBackend } from '../../src/mining/backend.js';
import type { LoadBackendOptions } from '../../src/mining/loader.js';

/** A mined Bitcoin header, its winning nonce and its block hash (display order). */
export interface RealHeader {
  name: string;
  header: Uint8Array;
  nonce: number;
  hash: string;
}

/** Target of Bitcoin's compact `bits` (positive, non-overflowing encodings only; enough for these fixtures). */
export function targetFromBits(bits: number): bigint {
  const exponent = bits >>> 24;
  const mantissa = BigInt(bits & 0x007fffff);
  return exponent <= 3 ? mantissa >> BigInt(8 * (3 - exponent)) : mantissa << BigInt(8 * (exponent - 3));
}

function header(hex: string): Uint8Array {
  return fromHex(hex);
}

function le32(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(offset, true);
}

/** Bitcoin blocks 0 (genesis), 1, 100000 and 125552. */
export const REAL_HEADERS: RealHeader[] = [
  {
    name: 'genesis',
    header: header(
      '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c',
    ),
    nonce: 2083236893,
    hash: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
  },
  {
    name: 'block 1',
    header: header(
      '010000006fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000982051fd1e4ba744bbbe680e1fee14677ba1a3c3540bf7b1cdb606e857233e0e61bc6649ffff001d01e36299',
    ),
    nonce: 2573394689,
    hash: '00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048',
  },
  {
    name: 'block 100000',
    header: header(
      '0100000050120119172a610421a6c3011dd330d9df07b63616c2cc1f1cd00200000000006657a9252aacd5c0b2940996ecff952228c3067cc38d4885efb5a4ac4247e9f337221b4d4c86041b0f2b5710',
    ),
    nonce: 274148111,
    hash: '000000000003ba27aa200b1cecaad478d2b00432346c3f1f3986da1afd33e506',
  },
  {
    name: 'block 125552',
    header: header(
      '0100000081cd02ab7e569e8bcd9317e2fe99f2de44d49ab2b8851ba4a308000000000000e320b6c2fffc8d750423db8b1eb942ae710e951ed797f7affc8892b0f1fc122bc7f5d74df2b9441a42a14695',
    ),
    nonce: 2504433986,
    hash: '00000000000000001e8d6829a8a21adc5d38d0a473b144b6765798e61f98bd1d',
  },
];

/** The header's own target (from its bits field). */
export function headerTarget(h: Uint8Array): bigint {
  return targetFromBits(le32(h, 72));
}

/** A copy of `h` with `nonce` at bytes 76..79. */
export function withNonce(h: Uint8Array, nonce: number): Uint8Array {
  const out = Uint8Array.from(h);
  new DataView(out.buffer).setUint32(76, nonce, true);
  return out;
}

/** The header hash as the 256-bit little-endian integer SPEC 3 compares. */
export function hashValue(h: Uint8Array, nonce: number): bigint {
  return readUint256LE(sha256d(withNonce(h, nonce)));
}

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
export function pseudoRandomBytes(seed: number, length: number): Uint8Array {
  let x = seed >>> 0 || 1;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** A backend variant to test: how to load it and what to call it in test names. */
export interface BackendVariant {
  label: string;
  name: 'cuda' | 'native-cpu' | 'wasm';
  options: LoadBackendOptions;
}

/**
 * Every backend and code path worth testing. The tests skip a CUDA variant without a GPU and a CPU variant whose
 * instructions this CPU lacks, but fail (never skip) a native one because the addon is not built.
 */
export const BACKEND_VARIANTS: BackendVariant[] = [
  { label: 'cuda', name: 'cuda', options: {} },
  { label: 'native-cpu (auto, 2 threads)', name: 'native-cpu', options: { threads: 2 } },
  { label: 'native-cpu (sha-ni, 1 thread)', name: 'native-cpu', options: { threads: 1, cpuImpl: 'sha-ni' } },
  { label: 'native-cpu (avx512, 2 threads)', name: 'native-cpu', options: { threads: 2, cpuImpl: 'avx512' } },
  { label: 'native-cpu (avx2, 2 threads)', name: 'native-cpu', options: { threads: 2, cpuImpl: 'avx2' } },
  { label: 'native-cpu (vec128, 2 threads)', name: 'native-cpu', options: { threads: 2, cpuImpl: 'vec128' } },
  { label: 'native-cpu (portable, 3 threads)', name: 'native-cpu', options: { threads: 3, cpuImpl: 'portable' } },
  { label: 'wasm (simd, 2 workers)', name: 'wasm', options: { threads: 2, wasmFlavor: 'simd' } },
  { label: 'wasm (scalar, 3 workers)', name: 'wasm', options: { threads: 3, wasmFlavor: 'scalar' } },
];

/** The part of a tap test the helpers below use. */
interface SkippableTest {
  skip(name: string, cb: () => void): unknown;
  teardown(fn: () => unknown): void;
}

/**
 * Loads the variant's backend, closed when the test ends; when it cannot run here (no addon, no CUDA device...)
 * records a skip with the reason and returns undefined; a native-cpu variant without the addon throws (fails).
 */
export async function loadOrSkip(t: SkippableTest, variant: BackendVariant): Promise<MiningBackend | undefined> {
  try {
    const backend = await loadBackend(variant.name, variant.options);
    t.teardown(() => backend.close?.());
    return backend;
  } catch (err) {
    if (!hasCode(err, MiningErrorCode.unavailable)) throw err;
    if (variant.name === 'native-cpu' && addonExports() === null) {
      throw new Error(`${variant.label}: the native addon is not built (run \`npm run build:native\`): ${(err as Error).message}`);
    }
    t.skip(`${variant.label} does not run here: ${(err as Error).message}`, () => undefined);
    return undefined;
  }
}
