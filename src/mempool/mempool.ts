import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { ChainNodeError } from '../errors.js';
import { defaultSignatureVerifier } from '../crypto/signature.js';
import { toHex } from '../util/bytes.js';
import { Transaction } from '../primitives/transaction.js';
import type { PoolEntry } from './actor-queue.js';
import { Admission } from './admission.js';
import { RemovedEvent } from './events.js';
import { NonceCache } from '../store/nonce-cache.js';
import { resolveMempoolOptions, type MempoolOptions, type ResolvedMempoolOptions } from './options.js';
import { PoolStore } from './pool-store.js';
import { selectTemplate } from './template.js';
import type { AddAccepted, AddResult, EncodedTx, MempoolDependencies, MempoolEvents, MempoolPage, MempoolStats, RemovalReason, TxSources } from './types.js';

/**
 * The pool of valid, not yet mined transactions (signed user actions), per actor in nonce order.
 *
 * Adding: {@link add} throws a `ChainNodeError` (a `MempoolErrorCode`, with its penalty) when the transaction is
 * refused; {@link addMany} never throws for a refusal and reports one {@link AddResult} per input instead. Both
 * reject only on infrastructure failures (the `nextNonce` state read failing), before anything is inserted.
 * Checks run cheapest first: reject filter, duplicate, chain, size, nonce (too low, conflict, too far), actor
 * limit, room, and last the signature, verified once per transaction object (in parallel for large batches).
 *
 * Eviction when full, in order: (1) expired transactions, oldest first; (2) gapped (future) transactions: the
 * actor of the oldest one loses its highest gapped nonce; (3) only for an incoming ready transaction: the actor
 * holding the most transactions loses its highest nonce, provided it holds more than the newcomer's actor would;
 * (4) then, by source (the API client's address, the relaying peer's address; see `addressSource`): the source
 * holding the most transactions loses its newest arrival (that actor's highest nonce), provided it holds more
 * than the newcomer's source would. Keys are free, addresses are not: rule 4 is what keeps a flood of
 * one-transaction throwaway actors from one place from locking honest newcomers out (a fee-less analogue of
 * evicting the cheapest package). Only queue tails go, so no ready queue is left with a gap. Otherwise the
 * newcomer gets `MEMPOOL_FULL`.
 *
 * The pool stores encodings, not decoded objects (a decoded transaction costs ~5x more memory): `get`, `byActor`,
 * `list` and `buildTemplate` decode on demand (~15 us each); `buildTemplateEncoded` does not decode at all.
 * Event listeners must not modify the pool synchronously (they run in the middle of its updates); a listener that
 * throws is logged and skipped (see {@link listenerFailures}), never failing the update that raised the event.
 */
export class Mempool extends EventEmitter<MempoolEvents> {
  /** Resolved options. */
  readonly options: Readonly<ResolvedMempoolOptions>;
  readonly #logger: Logger | undefined;
  readonly #store: PoolStore;
  readonly #nonces: NonceCache;
  readonly #admission: Admission;
  readonly #removeCounts: Partial<Record<RemovalReason, number>> = {};
  // Transactions of the block being connected, so `mined` events carry the block's own objects.
  #minedTxs: Map<string, Transaction> | undefined;
  #listenerFailures = 0;

  constructor(options: MempoolOptions, dependencies: MempoolDependencies) {
    super();
    this.options = Object.freeze(resolveMempoolOptions(options));
    if (!(dependencies.chainId instanceof Uint8Array) || dependencies.chainId.byteLength !== 32) {
      throw new ChainNodeError('MEMPOOL_BAD_OPTIONS', 'chainId must be the 32-byte genesis hash');
    }
    this.#logger = dependencies.logger?.child({ module: 'mempool' });
    this.#store = new PoolStore(this.options, dependencies.now ?? Date.now, {
      removed: (entry, reason) => this.#onRemoved(entry, reason),
      actorDropped: (q) => this.#nonces.set(q.key, q.base),
    });
    this.#nonces = new NonceCache(this.options.nonceCacheSize, async (actor) => {
      const n = await dependencies.nextNonce(actor);
      if (!Number.isSafeInteger(n) || n < 0) throw new ChainNodeError('MEMPOOL_BAD_NONCE', `nextNonce returned ${String(n)}`);
      return n;
    });
    this.#admission = new Admission({
      options: this.options,
      chainId: dependencies.chainId,
      verifyPool: dependencies.verifyPool,
      verifier: dependencies.verifier ?? defaultSignatureVerifier(),
      logger: this.#logger,
      store: this.#store,
      nonces: this.#nonces,
      policy: dependencies.policy,
      insert: (tx, id, key, base, origin) => this.#insert(tx, id, key, base, 'add', origin),
    });
  }

  /**
   * Adds one transaction (from `source`, default `local`); throws `ChainNodeError` with a `MempoolErrorCode` when
   * it is refused.
   */
  async add(tx: Transaction, source?: string): Promise<AddAccepted> {
    this.expire();
    const [result] = await this.#admission.process([tx], source);
    if (!result!.ok) throw result!.error;
    return result!;
  }

  /**
   * Adds a batch: one result per transaction, in input order, never throwing for a refusal. Transactions are
   * processed in nonce order (stable), so an actor's sequence may come in any order; the signatures that still
   * need checking are verified together, through the verify pool when the batch is large enough.
   */
  async addMany(txs: readonly Transaction[], sources?: TxSources): Promise<AddResult[]> {
    this.expire();
    return this.#admission.process(txs, sources);
  }

  /**
   * {@link addMany} for transactions this node has just signed with a key it holds (POST /actions): their
   * signatures are valid by construction (the signer spot-checks them), so admission skips the check it would
   * repeat. Every other check runs as usual.
   */
  async addSigned(txs: readonly Transaction[], sources?: TxSources): Promise<AddResult[]> {
    for (const tx of txs) this.#admission.markVerified(tx);
    return this.addMany(txs, sources);
  }

  #insert(tx: Transaction, id: string, key: string, base: number, source: 'add' | 'reorg', origin?: string): PoolEntry {
    const entry = this.#store.insert(tx.bytes, id, tx.fields.nonce, key, tx.fields.from, base, origin);
    this.#nonces.delete(key);
    if (this.listenerCount('tx:added') > 0) this.#notify('tx:added', { tx, txid: id, state: entry.future ? 'future' : 'ready', source });
    return entry;
  }

  // Listeners run in the middle of the pool's updates: one that throws (or rejects) is logged and skipped, so it
  // can neither abort an admission or removal half-way nor keep the listeners after it from running.
  #notify<K extends keyof MempoolEvents>(event: K, ...args: MempoolEvents[K]): void {
    for (const listener of this.rawListeners(event) as Array<(...a: MempoolEvents[K]) => unknown>) {
      try {
        const r = listener.apply(this, args);
        if (r instanceof Promise) r.catch((err: unknown) => this.#listenerFailed(event, err));
      } catch (err) {
        this.#listenerFailed(event, err);
      }
    }
  }

  #listenerFailed(event: keyof MempoolEvents, err: unknown): void {
    this.#listenerFailures++;
    this.#logger?.error({ err, event }, 'a mempool event listener failed (the pool carried on)');
  }

  /** How many event listener calls threw or rejected since start (each was logged and skipped). */
  get listenerFailures(): number {
    return this.#listenerFailures;
  }

  #onRemoved(entry: PoolEntry, reason: RemovalReason): void {
    this.#removeCounts[reason] = (this.#removeCounts[reason] ?? 0) + 1;
    if (reason === 'evicted') this.#logger?.debug({ txid: entry.id, future: entry.future }, 'evicted a transaction');
    if (this.listenerCount('tx:removed') === 0) return;
    this.#notify('tx:removed', new RemovedEvent(entry, reason, this.#minedTxs?.get(entry.id), (e) => this.#materialize(e)));
  }

  /** Drops transactions older than `expiryMs` (0 disables expiry); returns how many. Runs on every add too. */
  expire(): number {
    const n = this.#store.expire();
    if (n > 0) this.#logger?.debug({ count: n }, 'expired transactions');
    return n;
  }

  /**
   * A block was connected: its pooled transactions leave (reason `mined`), each actor's chain nonce becomes its
   * highest nonce in the block + 1, and pooled transactions below that leave too (reason `stale`: same nonce as
   * a mined one). Gapped transactions the block made consecutive are promoted.
   */
  blockConnected(txs: readonly Transaction[]): void {
    const mined = new Map<string, Transaction>();
    const next = new Map<string, number>();
    for (const tx of txs) {
      mined.set(tx.txidHex, tx);
      const key = tx.fromHex;
      next.set(key, Math.max(next.get(key) ?? 0, tx.fields.nonce + 1));
    }
    this.#minedTxs = mined;
    try {
      for (const [key, nonce] of next) {
        const q = this.#store.actors.get(key);
        if (q === undefined) {
          this.#nonces.set(key, nonce);
          continue;
        }
        this.#nonces.touch(key);
        this.#store.rebase(q, nonce, (e) => (mined.has(e.id) ? 'mined' : 'stale'));
      }
    } finally {
      this.#minedTxs = undefined;
    }
    this.expire();
  }

  /**
   * A block was disconnected (reorg; the chain calls this tip first, then `blockConnected` for the new branch):
   * its transactions return to the pool without a new signature check (the block passed full validation), each
   * actor's chain nonce drops to its lowest nonce in the block, and the reject filter is cleared (a replay may
   * be valid on the new branch). Limits are enforced afterwards in the usual eviction order.
   */
  blockDisconnected(txs: readonly Transaction[]): void {
    this.#admission.clearRejected();
    const groups = new Map<string, Transaction[]>();
    for (const tx of txs) {
      const key = tx.fromHex;
      const g = groups.get(key);
      if (g === undefined) groups.set(key, [tx]);
      else g.push(tx);
    }
    for (const [key, group] of groups) {
      group.sort((a, b) => a.fields.nonce - b.fields.nonce);
      const lowest = group[0]!.fields.nonce;
      this.#nonces.touch(key);
      const existing = this.#store.actors.get(key);
      if (existing !== undefined) this.#store.rebase(existing, lowest, () => 'stale');
      else this.#nonces.set(key, lowest);
      for (const tx of group) {
        const id = tx.txidHex;
        if (this.#store.entries.has(id)) continue;
        const taken = this.#store.actors.get(key)?.at(tx.fields.nonce);
        if (taken !== undefined) this.#store.remove(taken, 'stale');
        this.#admission.markVerified(tx);
        this.#insert(tx, id, key, lowest, 'reorg');
      }
    }
    this.#store.trim();
    this.#logger?.info({ count: txs.length }, 'returned the transactions of a disconnected block to the pool');
  }

  /**
   * Ready transactions for a block template: round-robin across actors (oldest first), nonce order within an
   * actor, never a transaction without its predecessor, up to `maxBytes` of encoded transactions (the caller
   * reserves header, meta and CBOR framing). Expires old transactions first.
   */
  buildTemplate(maxBytes: number): Transaction[] {
    this.expire();
    return selectTemplate(this.#store.actors.values(), maxBytes).map((e) => this.#materialize(e));
  }

  /** {@link buildTemplate} without decoding: txids and encodings, ready for the block body and Merkle tree. */
  buildTemplateEncoded(maxBytes: number): EncodedTx[] {
    this.expire();
    return selectTemplate(this.#store.actors.values(), maxBytes).map((e) => ({ txid: e.id, bytes: e.bytes }));
  }

  /** True when the transaction (txid bytes or hex) is pooled. */
  has(txid: Uint8Array | string): boolean {
    return this.#store.entries.has(hexKey(txid));
  }

  /** The pooled transaction with this txid (decoded on each call). */
  get(txid: Uint8Array | string): Transaction | undefined {
    const e = this.#store.entries.get(hexKey(txid));
    return e === undefined ? undefined : this.#materialize(e);
  }

  /**
   * One actor's (public key hex) place in the pool: transactions held and the nonce that would extend its ready
   * run (its next nonce counting the pool); undefined when it holds none. O(1), no decoding.
   */
  actorState(actor: string): { count: number; readyEnd: number; future: number } | undefined {
    const q = this.#store.actors.get(actor.toLowerCase());
    return q === undefined ? undefined : { count: q.count, readyEnd: q.readyEnd, future: q.futureCount };
  }

  /**
   * Removes the actor's pooled transactions with a nonce at or above `nonce`, highest first (reason `evicted`);
   * returns how many. For a local signer undoing the tail of a batch that would otherwise be left gapped.
   */
  dropActorFrom(actor: string, nonce: number): number {
    const q = this.#store.actors.get(actor.toLowerCase());
    if (q === undefined) return 0;
    const doomed = q
      .entries()
      .filter((e) => e.nonce >= nonce)
      .reverse();
    for (const e of doomed) this.#store.remove(e, 'evicted');
    return doomed.length;
  }

  /** Transactions held. */
  get size(): number {
    return this.#store.entries.size;
  }

  /** Encoded bytes held. */
  get bytes(): number {
    return this.#store.bytes;
  }

  /** The actor's (public key bytes or hex) pooled transactions in nonce order, ready then future. */
  byActor(actor: Uint8Array | string): Transaction[] {
    return (
      this.#store.actors
        .get(hexKey(actor))
        ?.entries()
        .map((e) => this.#materialize(e)) ?? []
    );
  }

  /** A page of the pool in arrival order. The cursor is opaque; resuming scans past earlier entries. */
  list(limit = 100, cursor?: string): MempoolPage<Transaction> {
    const page = this.#page(limit, cursor);
    return { ...page, txs: page.txs.map((e) => this.#materialize(e)) };
  }

  /** {@link list} without decoding (persistence, compact block relay): txids and encodings. */
  listEncoded(limit = 100, cursor?: string): MempoolPage<EncodedTx> {
    const page = this.#page(limit, cursor);
    return { ...page, txs: page.txs.map((e) => ({ txid: e.id, bytes: e.bytes })) };
  }

  #page(limit: number, cursor: string | undefined): MempoolPage<PoolEntry> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new ChainNodeError('MEMPOOL_BAD_LIMIT', `bad mempool page size ${String(limit)}`);
    const after = cursor === undefined ? 0 : Number(cursor);
    if (!Number.isSafeInteger(after) || after < 0) throw new ChainNodeError('MEMPOOL_BAD_CURSOR', `bad mempool cursor ${String(cursor)}`);
    const txs: PoolEntry[] = [];
    for (const e of this.#store.entries.values()) {
      if (e.seq <= after) continue;
      if (txs.length >= limit) return { txs, cursor: String(txs[txs.length - 1]!.seq) };
      txs.push(e);
    }
    return { txs };
  }

  /** Counts and totals for the API and metrics. */
  stats(): MempoolStats {
    const count = this.#store.entries.size;
    const future = this.#store.futureCount;
    const admission = this.#admission.stats();
    return {
      count,
      bytes: this.#store.bytes,
      ready: count - future,
      future,
      actors: this.#store.actors.size,
      inFlight: admission.inFlight,
      maxCount: this.options.maxCount,
      maxBytes: this.options.maxBytes,
      rejectFilterEntries: admission.rejectFilterEntries,
      nonceCacheEntries: this.#nonces.size,
      accepted: admission.accepted,
      signaturesVerified: admission.signaturesVerified,
      rejected: admission.rejected,
      removed: { ...this.#removeCounts },
    };
  }

  // Pooled encodings were verified on entry: the decoded object is marked so re-adding it skips the check.
  #materialize(e: PoolEntry): Transaction {
    const tx = Transaction.decode(e.bytes, { maxBytes: Number.MAX_SAFE_INTEGER });
    this.#admission.markVerified(tx);
    return tx;
  }
}

function hexKey(id: Uint8Array | string): string {
  return typeof id === 'string' ? id.toLowerCase() : toHex(id);
}
