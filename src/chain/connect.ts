import { type BatchVerifier, verifyMany } from '../crypto/verify-pool.js';
import { type Block } from '../primitives/block.js';
import { bytesEqual } from '../util/bytes.js';
import { type ChainStore, type UndoData } from '../store/chain-store.js';
import { BlockError } from './errors.js';
import type { SignatureCache } from './signature-cache.js';
import { type ConsensusContext } from './validate.js';

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
  const current = await store.getNextNonces(
    keys.map((k) => actors.get(k)!),
    keys,
  );
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
