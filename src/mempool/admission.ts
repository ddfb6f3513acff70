import type { Logger } from 'pino';
import type { SignatureVerifier } from '../crypto/verifier.js';
import type { ChainNodeError } from '../errors.js';
import { PARALLEL_VERIFY_MIN_BATCH, verifyMany, type BatchVerifier, type VerifyItem } from '../crypto/verify-pool.js';
import { bytesEqual } from '../util/bytes.js';
import type { Transaction } from '../primitives/transaction.js';
import type { PoolEntry } from './actor-queue.js';
import { BatchView } from './batch-view.js';
import { isStickyRejection, MempoolErrorCode as Code, MempoolError, type MempoolRejectCode } from './errors.js';
import type { NonceCache } from '../store/nonce-cache.js';
import type { ResolvedMempoolOptions } from './options.js';
import type { PoolStore } from './pool-store.js';
import { RollingFilter } from './rolling-filter.js';
import { LOCAL_SOURCE } from './sources.js';
import type { AddRejected, AddResult, TxPolicy, TxSources } from './types.js';

interface Candidate {
  index: number;
  tx: Transaction;
  id: string;
  key: string;
  nonce: number;
  source: string;
}

interface Refusal {
  code: MempoolRejectCode;
  message: string;
  /** The error to report, when the check made its own (policy refusals carry a JSON pointer). */
  error?: ChainNodeError;
}

type Bases = Map<string, number> | undefined;

// Most parts a large batch is hashed and dispatched in, so the workers verify one while the next is hashed.
const PIPELINE_SLICES = 4;

/** What {@link Admission} works with. */
export interface AdmissionDependencies {
  options: ResolvedMempoolOptions;
  chainId: Uint8Array;
  verifyPool: BatchVerifier | undefined;
  verifier: SignatureVerifier;
  logger: Logger | undefined;
  store: PoolStore;
  nonces: NonceCache;
  /** Node admission policy (kind schemas), checked after the stateless checks. */
  policy?: TxPolicy | undefined;
  /** Inserts an accepted transaction (the mempool emits its event). */
  insert(tx: Transaction, id: string, key: string, base: number, source: string): PoolEntry;
}

/** Counters of the admission pipeline. */
export interface AdmissionStats {
  inFlight: number;
  rejectFilterEntries: number;
  accepted: number;
  signaturesVerified: number;
  rejected: Partial<Record<MempoolRejectCode, number>>;
}

/**
 * The admission pipeline of the mempool: stateless checks, chain nonces, nonce/limit/room checks (batch-aware),
 * signature verification (once per object, pipelined through the verify pool), then final checks against the
 * pool as it is after the verification and insertion. Owns the reject filter and the verified-object set.
 */
export class Admission {
  readonly #options: ResolvedMempoolOptions;
  readonly #deps: AdmissionDependencies;
  readonly #store: PoolStore;
  readonly #nonces: NonceCache;
  readonly #rejected: RollingFilter<MempoolRejectCode>;
  readonly #verified = new WeakSet<Transaction>();
  readonly #inFlight = new Set<string>();
  readonly #rejectCounts: Partial<Record<MempoolRejectCode, number>> = {};
  readonly #queueBase = (key: string): number | undefined => this.#store.actors.get(key)?.base;
  #accepted = 0;
  #sigChecks = 0;

  constructor(deps: AdmissionDependencies) {
    this.#deps = deps;
    this.#options = deps.options;
    this.#store = deps.store;
    this.#nonces = deps.nonces;
    this.#rejected = new RollingFilter(deps.options.rejectFilterSize);
  }

  /** Records that `tx`'s signature is valid (it came from a validated block or from the pool itself). */
  markVerified(tx: Transaction): void {
    this.#verified.add(tx);
  }

  /** Forgets every remembered refusal (a reorg may make a replay valid). */
  clearRejected(): void {
    this.#rejected.clear();
  }

  /** Counters for Mempool.stats(). */
  stats(): AdmissionStats {
    return {
      inFlight: this.#inFlight.size,
      rejectFilterEntries: this.#rejected.size,
      accepted: this.#accepted,
      signaturesVerified: this.#sigChecks,
      rejected: { ...this.#rejectCounts },
    };
  }

  /** Checks and inserts `txs`; one result per transaction, in input order (see Mempool.addMany). */
  async process(txs: readonly Transaction[], sources: TxSources = LOCAL_SOURCE): Promise<AddResult[]> {
    const results = new Array<AddResult>(txs.length);
    const cands: Candidate[] = [];
    for (let i = 0; i < txs.length; i++) {
      const tx = txs[i]!;
      const id = tx.txidHex;
      const source = typeof sources === 'string' ? sources : (sources[i] ?? LOCAL_SOURCE);
      const refusal = this.#statelessCheck(tx, id) ?? this.#policyCheck(tx, source);
      if (refusal !== undefined) {
        results[i] = this.#reject(id, refusal);
        continue;
      }
      this.#inFlight.add(id);
      cands.push({ index: i, tx, id, key: tx.fromHex, nonce: tx.fields.nonce, source });
    }
    try {
      const bases = await this.#loadNonces(cands);
      cands.sort((a, b) => a.nonce - b.nonce);
      const view = new BatchView();
      const survivors: Candidate[] = [];
      for (const c of cands) {
        const refusal = this.#stateCheck(c, bases, view);
        if (refusal !== undefined) {
          results[c.index] = this.#reject(c.id, refusal);
          continue;
        }
        view.claim(c.key, this.#store.actors.get(c.key), this.#baseOf(c.key, bases)!, c.nonce);
        survivors.push(c);
      }
      const sigOk = await this.#checkSignatures(survivors);
      for (let k = 0; k < survivors.length; k++) {
        const c = survivors[k]!;
        results[c.index] = sigOk[k] ? this.#admit(c, bases) : this.#reject(c.id, { code: Code.badSignature, message: `tx ${c.id}: signature does not verify` });
      }
    } finally {
      for (const c of cands) this.#inFlight.delete(c.id);
    }
    return results;
  }

  #statelessCheck(tx: Transaction, id: string): Refusal | undefined {
    const earlier = this.#rejected.get(id);
    if (earlier !== undefined) return { code: Code.recentlyRejected, message: `tx ${id} was rejected recently (${earlier})` };
    if (this.#store.entries.has(id) || this.#inFlight.has(id)) return { code: Code.duplicate, message: `tx ${id} is already in the pool` };
    if (!bytesEqual(tx.fields.chain, this.#deps.chainId)) return { code: Code.wrongChain, message: `tx ${id} belongs to another network` };
    if (tx.size > this.#options.maxTxBytes) {
      return { code: Code.oversized, message: `tx ${id} is ${tx.size} bytes, more than ${this.#options.maxTxBytes}` };
    }
    return undefined;
  }

  #policyCheck(tx: Transaction, source: string): Refusal | undefined {
    const err = this.#deps.policy?.check(tx, source);
    return err === undefined ? undefined : { code: Code.schema, message: err.message, error: err };
  }

  // Chain nonces of the actors the pool does not know yet; one state read per actor, shared with concurrent adds.
  async #loadNonces(cands: readonly Candidate[]): Promise<Bases> {
    let loads: Promise<void>[] | undefined;
    const bases = new Map<string, number>();
    for (const c of cands) {
      if (this.#baseOf(c.key) !== undefined || bases.has(c.key)) continue;
      bases.set(c.key, 0);
      (loads ??= []).push(this.#nonces.load(c.key, c.tx.fields.from, this.#queueBase).then((n) => void bases.set(c.key, n)));
    }
    if (loads === undefined) return undefined;
    await Promise.all(loads);
    return bases;
  }

  #baseOf(key: string, bases?: Bases): number | undefined {
    return this.#store.actors.get(key)?.base ?? this.#nonces.peek(key) ?? bases?.get(key);
  }

  #stateCheck(c: Candidate, bases: Bases, view?: BatchView): Refusal | undefined {
    const q = this.#store.actors.get(c.key);
    const base = this.#baseOf(c.key, bases)!;
    if (c.nonce < base) return { code: Code.nonceTooLow, message: `tx ${c.id}: nonce ${c.nonce} is below the actor's next nonce ${base}` };
    if (q?.at(c.nonce) !== undefined || view?.has(c.key, c.nonce) === true) {
      return { code: Code.nonceConflict, message: `tx ${c.id}: the actor already has a pooled transaction with nonce ${c.nonce}` };
    }
    const readyEnd = view?.readyEnd(c.key, q, base) ?? q?.readyEnd ?? base;
    if (c.nonce > readyEnd + this.#options.futureWindow) {
      const message = `tx ${c.id}: nonce ${c.nonce} is more than ${this.#options.futureWindow} past the next expected ${readyEnd}`;
      return { code: Code.nonceTooFar, message };
    }
    if ((q?.count ?? 0) + (view?.count(c.key) ?? 0) >= this.#options.maxPerActor) {
      return { code: Code.actorLimit, message: `tx ${c.id}: the actor already has ${this.#options.maxPerActor} pooled transactions` };
    }
    if (!this.#store.roomPossible(c.tx.size, q, c.nonce === readyEnd, c.source)) return { code: Code.full, message: `tx ${c.id}: the mempool is full` };
    return undefined;
  }

  async #checkSignatures(cands: readonly Candidate[]): Promise<boolean[]> {
    const ok = new Array<boolean>(cands.length).fill(true);
    const index: number[] = [];
    for (let k = 0; k < cands.length; k++) if (!this.#verified.has(cands[k]!.tx)) index.push(k);
    if (index.length === 0) return ok;
    this.#sigChecks += index.length;
    // With a pool, hash and dispatch the batch in up to PIPELINE_SLICES parts (none below the parallel minimum):
    // the workers verify one part while this thread computes the signing hashes of the next.
    const slices = this.#deps.verifyPool === undefined ? 1 : Math.max(1, Math.min(PIPELINE_SLICES, Math.floor(index.length / PARALLEL_VERIFY_MIN_BATCH)));
    const step = Math.ceil(index.length / slices);
    const parts: Promise<boolean[]>[] = [];
    for (let start = 0; start < index.length; start += step) {
      const items: VerifyItem[] = [];
      for (let j = start; j < Math.min(index.length, start + step); j++) {
        const tx = cands[index[j]!]!.tx;
        items.push({ sig: tx.fields.sig, msgHash: tx.sigHash, publicKey: tx.fields.from });
      }
      parts.push(verifyMany(items, this.#deps.verifyPool, this.#deps.verifier));
    }
    const verdicts = (await Promise.all(parts)).flat();
    for (let j = 0; j < index.length; j++) {
      const k = index[j]!;
      ok[k] = verdicts[j]!;
      if (ok[k]) this.#verified.add(cands[k]!.tx);
    }
    return ok;
  }

  // Final checks against the real pool (it may have changed while signatures were checked), then insertion.
  #admit(c: Candidate, bases: Bases): AddResult {
    if (this.#store.entries.has(c.id)) return this.#reject(c.id, { code: Code.duplicate, message: `tx ${c.id} is already in the pool` });
    const refusal = this.#stateCheck(c, bases);
    if (refusal !== undefined) return this.#reject(c.id, refusal);
    const q = this.#store.actors.get(c.key);
    if (!this.#store.makeRoom(c.tx.size, q, c.nonce === (q?.readyEnd ?? this.#baseOf(c.key, bases)), c.source)) {
      return this.#reject(c.id, { code: Code.full, message: `tx ${c.id}: the mempool is full` });
    }
    const entry = this.#deps.insert(c.tx, c.id, c.key, this.#baseOf(c.key, bases)!, c.source);
    this.#accepted++;
    return { ok: true, txid: c.id, state: entry.future ? 'future' : 'ready' };
  }

  #reject(id: string, refusal: Refusal): AddRejected {
    const { code, message } = refusal;
    this.#rejectCounts[code] = (this.#rejectCounts[code] ?? 0) + 1;
    if (isStickyRejection(code)) this.#rejected.add(id, code);
    if (code === Code.badSignature) this.#deps.logger?.debug({ txid: id }, 'refused a transaction with a bad signature');
    return { ok: false, txid: id, code, error: refusal.error ?? new MempoolError(code, message) };
  }
}
