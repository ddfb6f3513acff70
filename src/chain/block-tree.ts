import { toHex } from '../util/bytes.js';
import { BlockStatus, type BlockEntry } from '../store/entry.js';
import { blockKeyHex, type BlockKeyHex } from '../primitives/header.js';

/** An entry in the in-memory block tree, linked to its parent. */
export interface TreeNode extends BlockEntry {
  hex: BlockKeyHex;
  parent: TreeNode | undefined;
}

/**
 * In-memory index of every stored block: hash lookup, parent links, the main chain by height, and the leaves
 * that are candidates for the best chain.
 */
export class BlockTree {
  readonly #byHash = new Map<string, TreeNode>();
  readonly #children = new Map<string, Set<TreeNode>>();
  readonly #leaves = new Set<TreeNode>();
  #main: TreeNode[] = [];
  #seq = 0;
  #removed = 0;

  /** Number of stored blocks. */
  get size(): number {
    return this.#byHash.size;
  }

  /** Next arrival sequence number. */
  nextSeq(): number {
    return ++this.#seq;
  }

  /** Add an entry; its parent must already be present (except for genesis). */
  add(entry: BlockEntry): TreeNode {
    const hex = blockKeyHex(entry.hash);
    const existing = this.#byHash.get(hex);
    if (existing !== undefined) return existing;
    const parentHex = toHex(entry.header.prevHash);
    const node: TreeNode = { ...entry, hex, parent: this.#byHash.get(parentHex) };
    this.#byHash.set(hex, node);
    if (entry.seq > this.#seq) this.#seq = entry.seq;
    let kids = this.#children.get(parentHex);
    if (kids === undefined) this.#children.set(parentHex, (kids = new Set()));
    kids.add(node);
    if (node.parent !== undefined) this.#leaves.delete(node.parent);
    if ((this.#children.get(hex)?.size ?? 0) === 0) this.#leaves.add(node);
    // Entries load from disk in key order, so a child may arrive before its parent: link any waiting children.
    for (const child of this.#children.get(hex) ?? []) child.parent = node;
    return node;
  }

  /** Leaves that are not the main-chain tip (tips of side branches). */
  sideLeaves(): TreeNode[] {
    return [...this.#leaves].filter((n) => !this.isMain(n));
  }

  /** Remove a side-chain leaf (pruning); its parent becomes a leaf when it has no other children. */
  remove(node: TreeNode): void {
    if (this.isMain(node)) throw new Error('cannot remove a main-chain block');
    if ((this.#children.get(node.hex)?.size ?? 0) > 0) throw new Error('cannot remove a block that has children');
    this.#byHash.delete(node.hex);
    this.#children.delete(node.hex);
    this.#leaves.delete(node);
    const parentHex = toHex(node.header.prevHash);
    const siblings = this.#children.get(parentHex);
    siblings?.delete(node);
    if (siblings?.size === 0) {
      this.#children.delete(parentHex);
      if (node.parent !== undefined) this.#leaves.add(node.parent);
    }
  }

  /** Look up by hash (bytes or hex). */
  get(hash: Uint8Array | BlockKeyHex): TreeNode | undefined {
    return this.#byHash.get(typeof hash === 'string' ? hash : toHex(hash));
  }

  /** Every stored block at `height`, on any branch. */
  nodesAtHeight(height: number): TreeNode[] {
    const out = new Set<TreeNode>();
    for (const leaf of this.#leaves) {
      const n = leaf.height >= height ? this.ancestor(leaf, height) : undefined;
      if (n !== undefined) out.add(n);
    }
    return [...out];
  }

  /** Children of a node. */
  children(node: TreeNode): TreeNode[] {
    return [...(this.#children.get(node.hex) ?? [])];
  }

  /** All descendants of a node (breadth first). */
  descendants(node: TreeNode): TreeNode[] {
    const out: TreeNode[] = [];
    const queue = this.children(node);
    while (queue.length > 0) {
      const n = queue.shift()!;
      out.push(n);
      queue.push(...this.children(n));
    }
    return out;
  }

  /** The main-chain tip. */
  get tip(): TreeNode {
    const t = this.#main[this.#main.length - 1];
    if (t === undefined) throw new Error('block tree has no main chain');
    return t;
  }

  /** Main-chain node at `height`. */
  atHeight(height: number): TreeNode | undefined {
    return this.#main[height];
  }

  /** True when `node` is on the main chain. */
  isMain(node: TreeNode): boolean {
    return this.#main[node.height] === node;
  }

  /**
   * Main-chain removals so far (pops and rebuilds): a reader that sees the same value before and after a read
   * of the main-chain indexes knows that every block it read of is still on the main chain at its height.
   */
  get mainRemovals(): number {
    return this.#removed;
  }

  /** Rebuild the main chain array from a tip by walking parents. */
  setMainFromTip(tip: TreeNode): void {
    this.#removed++;
    const main: TreeNode[] = new Array<TreeNode>(tip.height + 1);
    for (let n: TreeNode | undefined = tip; n !== undefined; n = n.parent) main[n.height] = n;
    this.#main = main;
  }

  /** Extend the main chain by one block (its parent must be the tip). */
  pushMain(node: TreeNode): void {
    this.#main.push(node);
  }

  /** Remove the main-chain tip. */
  popMain(): TreeNode {
    this.#removed++;
    const n = this.#main.pop();
    if (n === undefined) throw new Error('cannot pop an empty main chain');
    return n;
  }

  /** Ancestor of `node` at `height` (walks the main chain when possible). */
  ancestor(node: TreeNode, height: number): TreeNode | undefined {
    if (height > node.height || height < 0) return undefined;
    let n: TreeNode | undefined = node;
    while (n !== undefined && n.height > height) {
      if (this.isMain(n)) return this.#main[height];
      n = n.parent;
    }
    return n;
  }

  /** Last common ancestor of two nodes. */
  fork(a: TreeNode, b: TreeNode): TreeNode | undefined {
    let x: TreeNode | undefined = a;
    let y: TreeNode | undefined = b;
    while (x !== undefined && y !== undefined && x !== y) {
      if (x.height > y.height) x = x.parent;
      else if (y.height > x.height) y = y.parent;
      else {
        x = x.parent;
        y = y.parent;
      }
    }
    return x === y ? x : undefined;
  }

  /** Times of up to `count` blocks ending at `node` (for median time past). */
  recentTimes(node: TreeNode, count: number): number[] {
    const out: number[] = [];
    for (let n: TreeNode | undefined = node; n !== undefined && out.length < count; n = n.parent) out.push(n.header.time);
    return out;
  }

  /**
   * The best chain candidate: the most cumulative work among blocks with data that are not invalid, earliest
   * arrival first on equal work (SPEC 3: ties keep the chain seen first). In normal operation the tip is the
   * earliest of its equal-work rivals; it can lose a tie after a branch failed to connect half-way.
   */
  bestCandidate(): TreeNode {
    const tip = this.tip;
    let best = tip;
    for (const leaf of this.#leaves) {
      let n: TreeNode | undefined = leaf;
      // Invalidity propagates to descendants, so the usable part of a branch is a prefix of it.
      while (n !== undefined && ((n.status & BlockStatus.invalid) !== 0 || (n.status & BlockStatus.haveData) === 0)) n = n.parent;
      if (n === undefined || n === best) continue;
      if (n.chainWork > best.chainWork || (n.chainWork === best.chainWork && n.seq < best.seq)) best = n;
    }
    return best;
  }
}
