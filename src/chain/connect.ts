import { type BatchVerifier, verifyMany } from '../crypto/verify-pool.js';
import { type Block } from '../primitives/block.js';
import { type Transaction } from '../primitives/transaction.js';
import { bytesEqual } from '../util/bytes.js';
import { type ChainStore, type UndoData } from '../store/chain-store.js';
import { BlockError } from './errors.js';
import { type ConsensusContext } from './validate.js';

/**
 * A bounded set of txids whose signatures are known to be valid (a tx's id commits to its signature), plus
 * verifications started ahead of time so block connects can overlap with the checks of blocks queued behind them.
 */
export class SignatureCache {
  readonly #max: number;
  readonly #set = new Set<string>();
  readonly #pending = new Map<string, Promise<void>>();

  constructor(max = 200_000) {
    this.#max = max;
  }

  /** True when the signature of `txidHex` was verified before. */
  has(txidHex: string): boolean {
    return this.#set.has(txidHex);
  }

  /** Remember a verified txid, dropping the oldest past the bound. */
  add(txidHex: string): void {
    this.#set.add(txidHex);
    if (this.#set.size > this.#max) {
      const oldest = this.#set.values().next().value;
      if (oldest !== undefined) this.#set.delete(oldest);
    }
  }

  /** Start verifying `txs` in the background; valid ones enter the cache when done, invalid ones are left out. */
  verifyAhead(txs: readonly Transaction[], pool: BatchVerifier | undefined): void {
    const todo = txs.filter((tx) => !this.#set.has(tx.txidHex) && !this.#pending.has(tx.txidHex));
    if (todo.length === 0) return;
    const run = verifyMany(todo.map((tx) => ({ sig: tx.fields.sig, msgHash: tx.sigHash, publicKey: tx.fields.from })), pool).then(
      (ok) => {
        todo.forEach((tx, i) => {
          if (ok[i]) this.add(tx.txidHex);
          this.#pending.delete(tx.txidHex);
        });
      },
      () => {
        for (const tx of todo) this.#pending.delete(tx.txidHex);
      },
    );
    for (const tx of todo) this.#pending.set(tx.txidHex, run);
  }

  /** Wait for background verifications that cover any of `txs`. */
  async settle(txs: readonly Transaction[]): Promise<void> {
    const waits = new Set<Promise<void>>();
    for (const tx of txs) {
      const p = this.#pending.get(tx.txidHex);
      if (p !== undefined) waits.add(p);
    }
    await Promise.all(waits);
  }
}

/** What connecting a block changes: undo data and the new next nonces per actor. */
export interface ConnectPlan {
  undo: UndoData;
  nextNonces: Map<string, [Uint8Array, number]>;
}

/**
 * Validate a block's transactions against the state left by its parent (the current tip) and the transactions
 * before each one: network id, exact per-actor nonce sequence, then signatures (in parallel for large blocks,
 * skipping ones already verified). Returns the state changes; throws BlockError on the first failing rule.
 */
export async function planConnect(
  block: Block,
  ctx: ConsensusContext,
  store: ChainStore,
  deps: { verifyPool?: BatchVerifier; sigCache?: SignatureCache },
): Promise<ConnectPlan> {
  const hex = block.header.hashHex;
  const actors = new Map<string, Uint8Array>();
  for (const tx of block.txs) {
    if (!bytesEqual(tx.fields.chain, ctx.chainId)) throw new BlockError('BLOCK_WRONG_CHAIN', `transaction ${tx.txidHex} is for another network`, hex);
    const a = tx.fromHex;
    if (!actors.has(a)) actors.set(a, tx.fields.from);
  }
  // Signatures are checked last, but the pool starts on them now and works while the nonces are read.
  if (deps.sigCache !== undefined) await deps.sigCache.settle(block.txs);
  const unchecked = deps.sigCache === undefined ? block.txs : block.txs.filter((tx) => !deps.sigCache!.has(tx.txidHex));
  const verifying = verifyMany(
    unchecked.map((tx) => ({ sig: tx.fields.sig, msgHash: tx.sigHash, publicKey: tx.fields.from })),
    deps.verifyPool,
  );
  verifying.catch(() => undefined);
  const keys = [...actors.keys()];
  const current = await store.getNextNonces(keys.map((k) => actors.get(k)!), keys);
  const next = new Map<string, [Uint8Array, number]>();
  const undo: UndoData = [];
  keys.forEach((k, i) => {
    next.set(k, [actors.get(k)!, current[i]!]);
    undo.push([actors.get(k)!, current[i]!]);
  });
  for (const tx of block.txs) {
    const slot = next.get(tx.fromHex)!;
    if (tx.fields.nonce !== slot[1]) {
      throw new BlockError('BLOCK_BAD_NONCE', `transaction ${tx.txidHex} has nonce ${tx.fields.nonce}, actor's next nonce is ${slot[1]}`, hex);
    }
    slot[1]++;
  }
  const ok = await verifying;
  const bad = ok.indexOf(false);
  if (bad >= 0) throw new BlockError('BLOCK_BAD_SIGNATURE', `transaction ${unchecked[bad]!.txidHex} has an invalid signature`, hex);
  if (deps.sigCache !== undefined) for (const tx of unchecked) deps.sigCache.add(tx.txidHex);
  return { undo, nextNonces: next };
}
