import type { BlockTree, TreeNode } from '../chain/block-tree.js';
import { MAX_LOCATOR } from './messages.js';

/**
 * Bitcoin-style block locator from `from` back to genesis: the 10 most recent hashes one by one, then with the
 * step doubling, and always genesis last, so a peer finds the last common block in O(log n) hashes.
 */
export function buildLocator(tree: BlockTree, from: TreeNode): Uint8Array[] {
  const out: Uint8Array[] = [];
  let step = 1;
  let height = from.height;
  while (height > 0 && out.length < MAX_LOCATOR - 1) {
    const n = tree.ancestor(from, height);
    if (n === undefined) break;
    out.push(n.hash);
    if (out.length >= 10) step *= 2;
    height -= step;
  }
  out.push(tree.atHeight(0)!.hash);
  return out;
}

/** The first locator hash on our main chain (the fork point with the asker), else genesis. */
export function locatorFork(tree: BlockTree, locator: readonly Uint8Array[]): TreeNode {
  for (const h of locator) {
    const n = tree.get(h);
    if (n !== undefined && tree.isMain(n)) return n;
  }
  return tree.atHeight(0)!;
}

/** Up to `max` main-chain nodes after `fork`. */
export function mainChainAfter(tree: BlockTree, fork: TreeNode, max: number): TreeNode[] {
  const out: TreeNode[] = [];
  for (let h = fork.height + 1; out.length < max; h++) {
    const n = tree.atHeight(h);
    if (n === undefined) break;
    out.push(n);
  }
  return out;
}
