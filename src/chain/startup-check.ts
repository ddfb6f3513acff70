import { bytesEqual } from '../util/bytes.js';
import { type ChainStore } from '../store/chain-store.js';
import { StoreError, StoreErrorCode } from '../store/errors.js';
import { type BlockTree, type TreeNode } from './block-tree.js';

/**
 * Check that the stored main chain is consistent before using it: the tip entry exists, and for the last
 * `depth` blocks the height index, body and undo data agree with the block tree, with nothing indexed above the
 * tip. Every connect is one atomic batch, so a failure here means outside damage: refuse with an error that
 * names the data directory rather than run on a database that would give wrong answers.
 */
export async function verifyOnOpen(store: ChainStore, tree: BlockTree, tip: TreeNode | undefined, depth: number): Promise<void> {
  const where = `chain database at ${store.path}`;
  const fail = (what: string): never => {
    throw new StoreError(StoreErrorCode.corrupt, `${where} is inconsistent: ${what}. Restore it from a backup or delete the directory to resync.`);
  };
  if (tip === undefined) return fail('the tip pointer names a block that is not stored');
  if ((await store.getHashAtHeight(tip.height + 1)) !== undefined) fail(`a block is indexed at height ${tip.height + 1}, above the tip`);
  let n: TreeNode | undefined = tip;
  for (let i = 0; i < depth && n !== undefined; i++, n = n.parent) {
    const atHeight = await store.getHashAtHeight(n.height);
    if (atHeight === undefined || !bytesEqual(atHeight, n.hash)) fail(`height ${n.height} is not indexed to ${n.header.hashHex}`);
    if ((await store.getBlockBytes(n.hash)) === undefined) fail(`block ${n.header.hashHex} has no body`);
    if ((await store.getUndo(n.hash)) === undefined) fail(`block ${n.header.hashHex} has no undo data`);
  }
  if (tree.get(tip.hash) !== tip) fail('the block tree does not contain the tip');
}
