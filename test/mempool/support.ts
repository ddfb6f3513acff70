// Test helpers for the mempool: real keys and signatures (no crypto mocks), a scripted chain state, a manual
// clock, and counting wrappers around the real verifiers.
import { generateSecretKey, publicKeyFromSecret, defaultSignatureVerifier } from '../../src/crypto/signature.js';
import { SECP256K1_N, type SignatureVerifier } from '../../src/crypto/verifier.js';
import type { BatchVerifier, VerifyItem } from '../../src/crypto/verify-pool.js';
import { bigintToBytesBE, bytesToBigintBE, concatBytes, toHex } from '../../src/util/bytes.js';
import type { CborValue } from '../../src/primitives/cbor.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { Mempool } from '../../src/mempool/mempool.js';
import { type MempoolDependencies } from '../../src/mempool/types.js';
import { type MempoolOptions } from '../../src/mempool/options.js';

/** The test network's genesis hash. */
export const CHAIN = new Uint8Array(32).fill(0x11);
/** Another network's genesis hash. */
export const OTHER_CHAIN = new Uint8Array(32).fill(0x22);

/** A signing identity. */
export interface Actor {
  sk: Uint8Array;
  from: Uint8Array;
  hex: string;
}

/** A fresh random actor. */
export function newActor(): Actor {
  const sk = generateSecretKey();
  const from = publicKeyFromSecret(sk);
  return { sk, from, hex: toHex(from) };
}

/** Options of {@link signedTx}. */
export interface TxOptions {
  chain?: Uint8Array;
  payload?: CborValue;
  kind?: string;
  subject?: string;
}

/** A really signed action of `actor` with `nonce`. */
export function signedTx(actor: Actor, nonce: number, opts: TxOptions = {}): Transaction {
  return Transaction.sign(
    {
      chain: opts.chain ?? CHAIN,
      nonce,
      time: 1_700_000_000_000 + nonce,
      kind: opts.kind ?? 'audit.login',
      subject: opts.subject ?? `item-${nonce}`,
      payload: opts.payload ?? { user: actor.hex.slice(0, 8), n: nonce },
    },
    actor.sk,
  );
}

/** `tx` with one bit of its signature flipped: well formed, does not verify. */
export function tamperedSig(tx: Transaction): Transaction {
  const sig = Uint8Array.from(tx.fields.sig);
  sig[10]! ^= 0x01;
  return Transaction.fromFields({ ...tx.fields, sig });
}

/** The malleated high-S twin of `tx` (s -> n - s): mathematically valid ECDSA, refused by SPEC 6. */
export function highSTwin(tx: Transaction): Transaction {
  const s = bytesToBigintBE(tx.fields.sig.subarray(32));
  const sig = concatBytes(tx.fields.sig.subarray(0, 32), bigintToBytesBE(SECP256K1_N - s, 32));
  return Transaction.fromFields({ ...tx.fields, sig });
}

/** Chain state: next nonce per actor (default 0), counting the reads the mempool makes. */
export class FakeChain {
  readonly nonces = new Map<string, number>();
  reads = 0;
  fail: Error | undefined;

  readonly nextNonce = async (actor: Uint8Array): Promise<number> => {
    this.reads++;
    await Promise.resolve();
    if (this.fail !== undefined) throw this.fail;
    return this.nonces.get(toHex(actor)) ?? 0;
  };
}

/** A manual clock. */
export class Clock {
  t = 1_000_000;
  readonly now = (): number => this.t;
}

/** A real verifier that counts its calls. */
export function countingVerifier(): SignatureVerifier & { calls: number } {
  const real = defaultSignatureVerifier();
  const spy = {
    name: real.name,
    impl: real.impl,
    calls: 0,
    verify(sig: Uint8Array, msgHash: Uint8Array, publicKey: Uint8Array): boolean {
      spy.calls++;
      return real.verify(sig, msgHash, publicKey);
    },
    isValidPublicKey: (pk: Uint8Array): boolean => real.isValidPublicKey(pk),
  };
  return spy;
}

/** A batch verifier around a real one that counts batches and items and can hold batches until released. */
export class SpyBatchVerifier implements BatchVerifier {
  batches = 0;
  items = 0;
  #gate: Promise<void> | undefined;
  #open: (() => void) | undefined;

  constructor(private readonly real: BatchVerifier) {}

  /** Holds every batch until {@link release}. */
  hold(): void {
    this.#gate = new Promise((resolve) => (this.#open = resolve));
  }

  release(): void {
    this.#open?.();
    this.#gate = undefined;
  }

  async verifyBatch(items: readonly VerifyItem[]): Promise<boolean[]> {
    this.batches++;
    this.items += items.length;
    if (this.#gate !== undefined) await this.#gate;
    return this.real.verifyBatch(items);
  }
}

/** Everything a mempool test needs. */
export interface Harness {
  pool: Mempool;
  chain: FakeChain;
  clock: Clock;
  verifier: SignatureVerifier & { calls: number };
}

/** A mempool on the test network with a fake chain state, a manual clock and a counting verifier. */
export function harness(options: MempoolOptions = {}, deps: Partial<MempoolDependencies> = {}): Harness {
  const chain = new FakeChain();
  const clock = new Clock();
  const verifier = countingVerifier();
  const pool = new Mempool(options, { chainId: CHAIN, nextNonce: chain.nextNonce, now: clock.now, verifier, ...deps });
  return { pool, chain, clock, verifier };
}

/** Nonces of the actor's pooled transactions, in the pool's order. */
export function noncesOf(pool: Mempool, actor: Actor): number[] {
  return pool.byActor(actor.from).map((tx) => tx.fields.nonce);
}

/** Short label of a transaction for readable assertions, e.g. `A3`. */
export function label(tx: Transaction, names: ReadonlyMap<string, string>): string {
  return `${names.get(toHex(tx.fields.from)) ?? '?'}${tx.fields.nonce}`;
}
