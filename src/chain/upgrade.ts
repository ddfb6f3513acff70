import type { Logger } from 'pino';
import { Block } from '../primitives/block.js';
import { type ChainStore } from '../store/chain-store.js';
import { StoreError, StoreErrorCode } from '../store/errors.js';
import { SCHEMA_VERSION } from '../store/layout.js';
import { type IdentityIndex } from '../ident/identity-index.js';
import { type BlockTree } from './block-tree.js';
import { planConnect } from './connect.js';
import { BlockError } from './errors.js';
import { SignatureCache } from './signature-cache.js';
import { type ConsensusContext } from './validate.js';

/** Keys deleted per batch while clearing the old indexes. */
export const UPGRADE_CLEAR_BATCH = 10_000;

/** Main-chain block bodies read per chunk. */
export const UPGRADE_READ_BLOCKS = 256;

/** Progress is reported (and logged) at least every this many blocks. */
export const UPGRADE_REPORT_BLOCKS = 1_000;

/** Progress of an in-place schema upgrade. */
export interface UpgradeProgress {
  /** Main-chain blocks indexed so far (heights 0..done-1). */
  done: number;
  total: number;
}

/** Dependencies of {@link upgradeStore}. */
export interface UpgradeDependencies {
  store: ChainStore;
  /** The block tree with its main chain set from the stored tip. */
  tree: BlockTree;
  identity: IdentityIndex;
  ctx: ConsensusContext;
  logger?: Logger;
  onProgress?: (p: UpgradeProgress) => void;
}

/**
 * Upgrade a database of an older schema (ChainStore.upgradeFrom) in place: clear the derived main-chain indexes,
 * then replay the stored main chain in height order through the connect code (planConnect's nonce rules, the
 * store's index writes, the identity index), one atomic batch per block that also records the next height to do,
 * and write the current schema key last. A crash anywhere leaves a schema-1 database that the next start finishes
 * upgrading from the recorded height. Signatures were checked when the blocks were first connected and are not
 * checked again.
 */
export async function upgradeStore(deps: UpgradeDependencies): Promise<void> {
  const { store, tree } = deps;
  const from = store.upgradeFrom;
  if (from === undefined) return;
  const log = deps.logger?.child({ module: 'upgrade' });
  const total = tree.tip.height + 1;
  const started = Date.now();
  let next = await store.getUpgradeProgress();
  if (next === undefined) {
    log?.info({ from, to: SCHEMA_VERSION, blocks: total }, 'upgrading the chain database: clearing the old indexes');
    await store.clearDerivedIndexes(UPGRADE_CLEAR_BATCH);
    next = 0;
  } else {
    log?.info({ from, to: SCHEMA_VERSION, done: next, total }, 'resuming the chain database upgrade');
  }
  if (next > total) throw new StoreError(StoreErrorCode.corrupt, `upgrade of ${store.path} records height ${next}, above the main chain (${total - 1})`);
  let bodies: Array<Uint8Array | undefined> = [];
  let bodiesFrom = next;
  for (let h = next; h < total; h++) {
    const node = tree.atHeight(h)!;
    // Bodies are read ahead in chunks: a read waits for queued writes, so one per block would write block by block.
    if (h - bodiesFrom >= bodies.length) {
      bodiesFrom = h;
      bodies = await store.getBlocksBytes(Array.from({ length: Math.min(UPGRADE_READ_BLOCKS, total - h) }, (_, i) => tree.atHeight(h + i)!.hash));
    }
    const bytes = bodies[h - bodiesFrom];
    if (bytes === undefined)
      throw new StoreError(StoreErrorCode.corrupt, `main-chain block ${node.header.hashHex} at height ${h} has no body in ${store.path}`);
    const block = Block.decode(bytes);
    // Every signature counts as checked: the plan then only follows the actors' nonces, as the original connect did.
    const sigCache = new SignatureCache(Math.max(1, block.txs.length));
    for (const tx of block.txs) sigCache.add(tx.txidHex);
    let plan;
    try {
      plan = await planConnect(block, deps.ctx, store, { sigCache });
    } catch (err) {
      if (!(err instanceof BlockError)) throw err;
      throw new StoreError(
        StoreErrorCode.corrupt,
        `main-chain block ${node.header.hashHex} at height ${h} does not replay (${err.code}: ${err.message}) in ${store.path}`,
        err,
      );
    }
    const identOps = await deps.identity.connectOps(block, h, node.hash, plan.undo);
    await store.writeIndexes(node, block, plan.nextNonces, [...identOps, store.upgradeProgressOp(h + 1)]);
    const done = h + 1;
    if (done % UPGRADE_REPORT_BLOCKS === 0 || done === total) {
      await store.flush();
      deps.onProgress?.({ done, total });
      log?.info({ done, total, percent: Math.floor((100 * done) / total) }, 'chain database upgrade progress');
    }
  }
  await store.finishUpgrade();
  log?.info({ schema: SCHEMA_VERSION, blocks: total, ms: Date.now() - started }, 'chain database upgraded');
}
