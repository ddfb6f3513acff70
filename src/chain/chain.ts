import type { Logger } from 'pino';
import { compactToTarget } from '../consensus/compact.js';
import { checkProofOfWork } from '../consensus/pow.js';
import { chainId as networkChainId, genesisBlock, type NetworkParams } from '../consensus/networks.js';
import { blockWork } from '../consensus/work.js';
import { type BatchVerifier } from '../crypto/verify-pool.js';
import { Block } from '../primitives/block.js';
import { toHex } from '../util/bytes.js';
import { blockHashToHex, blockKeyHex, type BlockKeyHex, type DisplayHashHex } from '../primitives/header.js';
import { DecodeError } from '../primitives/errors.js';
import { ChainNodeError } from '../errors.js';
import { type ChainStore } from '../store/chain-store.js';
import { BlockStatus } from '../store/entry.js';
import { type TreeNode } from './block-tree.js';
import { planConnect } from './connect.js';
import { SignatureCache } from './signature-cache.js';
import { type LogBuildProgress } from './header-log.js';
import { BlockError } from './errors.js';
import { OrphanPool, type OrphanPoolOptions } from './orphan-pool.js';
import { verifyOnOpen } from './startup-check.js';
import { upgradeStore, type UpgradeProgress } from './upgrade.js';
import { checkBlockContext, checkBlockSanity, consensusContext, nextBits } from './validate.js';
import { ChainView } from './chain-view.js';

/** Options of the chain. */
export interface ChainOptions {
  params: NetworkParams;
  orphans?: OrphanPoolOptions;
  /** Main-chain blocks checked against the store at open. */
  checkDepth?: number;
  /** Decoded blocks kept in memory (speeds up reorgs of recent blocks). */
  blockCacheSize?: number;
  /** Keep the header log (SPEC 12; default true). Only the benchmark of its cost turns it off. */
  headerLog?: boolean;
  /** Which side branches are stored and kept (see {@link SideBranchPolicy}). */
  sideBranches?: Partial<SideBranchPolicy>;
}

/**
 * Side branches stored and kept (issue 12 fault 4): only those that could plausibly become best. A block that does
 * not extend the tip is stored only when its branch forks at most `maxDepth` blocks below the tip (and not below
 * the latest final checkpoint), and, unless it was requested by headers-first sync (whose headers already showed
 * more work than the tip), when its chain work is at most `workSlackBlocks` blocks' work (at the tip's difficulty)
 * short of the tip's. Branches forking deeper than that are pruned as the tip moves on.
 */
export interface SideBranchPolicy {
  maxDepth: number;
  workSlackBlocks: number;
}

/** Default chain options. */
export const CHAIN_DEFAULTS = { checkDepth: 32, blockCacheSize: 64, sideBranches: { maxDepth: 1_000, workSlackBlocks: 1 } } as const;

// Side blocks deleted per atomic batch when pruning.
const PRUNE_BATCH = 64;

/** Dependencies of the chain. */
export interface ChainDependencies {
  store: ChainStore;
  logger?: Logger;
  verifyPool?: BatchVerifier;
  sigCache?: SignatureCache;
  /** Clock in milliseconds (tests inject one). */
  now?: () => number;
  /** Progress of building the header log of a datadir that predates it. */
  onLogBuild?: (p: LogBuildProgress) => void;
  /** Progress of the in-place upgrade of a database of an older schema (src/chain/upgrade.ts). */
  onUpgrade?: (p: UpgradeProgress) => void;
  /**
   * Height of the latest final checkpoint (SPEC 12), when finality is known: no side branch forking below it is
   * stored, and stored ones are pruned. The seam for witnessed finality; without it only the depth bound applies.
   */
  finalHeight?: () => number;
}

/** How a block reached the chain. */
export interface ProcessOptions {
  /** The peer that sent it (for penalties). */
  peer?: string;
  /**
   * Requested by headers-first sync after its header chain showed more work than the tip: stored even while its
   * branch is still behind (the depth bound still applies).
   */
  requested?: boolean;
}

/** Outcome of processing an accepted (not rejected) block. */
export interface ProcessResult {
  status: 'connected' | 'side' | 'duplicate';
  /** The block's hash as display hex. */
  hash: DisplayHashHex;
  height: number;
}

/**
 * The block chain: validates blocks, stores them, follows the valid chain with the most cumulative work (first
 * seen wins ties) and reorganises to heavier branches. Every connect and disconnect is one atomic store batch.
 */
export class Chain extends ChainView {
  readonly orphans: OrphanPool;
  readonly #deps: ChainDependencies;
  readonly #log: Logger | undefined;
  // Errors of blocks that failed to connect during the current activation, reported to whoever submitted them.
  readonly #connectErrors = new Map<string, BlockError>();
  // Blocks accepted on the tip whose body is written by their connect batch (see #accept).
  readonly #bodyPending = new Set<string>();
  readonly #side: SideBranchPolicy;
  // Tip height at the last pruning pass.
  #prunedAt = -1;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #logOn: boolean;
  // The last block covered by the latest final checkpoint (SPEC 12): never reorganised away.
  #final: TreeNode | undefined;

  private constructor(options: ChainOptions, deps: ChainDependencies) {
    super(consensusContext(options.params, networkChainId(options.params)), deps.store, options.blockCacheSize ?? CHAIN_DEFAULTS.blockCacheSize, deps.logger);
    this.orphans = new OrphanPool(options.orphans, { now: deps.now });
    this.#deps = { ...deps, sigCache: deps.sigCache ?? new SignatureCache() };
    this.#log = deps.logger?.child({ module: 'chain' });
    this.#logOn = options.headerLog ?? true;
    this.#side = { ...CHAIN_DEFAULTS.sideBranches, ...options.sideBranches };
  }

  /** Open the chain on a store: write genesis into an empty one, else load and verify the stored chain. */
  static async open(options: ChainOptions, deps: ChainDependencies): Promise<Chain> {
    const chain = new Chain(options, deps);
    await chain.#load(options.checkDepth ?? CHAIN_DEFAULTS.checkDepth);
    return chain;
  }

  async #load(checkDepth: number): Promise<void> {
    const store = this.store;
    if ((await store.getTipHash()) === undefined) {
      const g = genesisBlock(this.ctx.params);
      const entry = {
        hash: g.hash,
        header: g.header,
        height: 0,
        chainWork: blockWork(compactToTarget(g.header.bits)),
        status: BlockStatus.haveData | BlockStatus.validTxs,
        seq: 0,
      };
      await store.putBlock(entry, g);
      await store.writeConnect(entry, g, [], new Map(), false, this.#logOn ? this.headerLog.appendOps(g.header, 0) : []);
    }
    for await (const e of store.entries()) this.tree.add(e);
    for (const [hex, code] of await store.invalidBlocks()) this.invalid.set(hex, code);
    const tip = this.tree.get((await store.getTipHash())!);
    await verifyOnOpen(store, this.tree, tip, checkDepth);
    this.tree.setMainFromTip(tip!);
    await upgradeStore({ store, tree: this.tree, identity: this.identity, ctx: this.ctx, logger: this.#deps.logger, onProgress: this.#deps.onUpgrade });
    if (this.#logOn) await this.headerLog.open(this.tree, this.#deps.onLogBuild);
    this.#log?.info({ height: tip!.height, tip: tip!.header.hashHex, blocks: this.tree.size }, 'chain loaded');
    // A crash between storing a block and connecting it leaves a heavier stored branch: connect it now.
    await this.#activateBestChain();
    this.#connectErrors.clear();
    await this.#pruneSideBranches();
  }

  /** The last main-chain block covered by the latest final checkpoint, if any. */
  override get finalNode(): TreeNode | undefined {
    return this.#final;
  }

  /**
   * Mark `node` (a main-chain block) as covered by a final checkpoint: the chain never reorganises below it and
   * refuses blocks that conflict with it (BLOCK_CONFLICTS_FINAL). Finality only moves forward.
   */
  setFinal(node: TreeNode): void {
    if (!this.tree.isMain(node)) throw new ChainNodeError('FINAL_NOT_ON_MAIN', `block ${node.header.hashHex} is not on the main chain`);
    if (this.#final !== undefined && node.height <= this.#final.height) return;
    this.#final = node;
  }

  /**
   * Follow a final checkpoint that ends at `node` on a stored side branch (SPEC 12: converge to a final
   * checkpoint learnt from the network): the main chain's blocks after the fork are refused as conflicting and
   * the chain reorganises onto the branch, even with less work. False when the branch cannot become the main
   * chain (it forks below the current final block, or it fails to connect).
   */
  async adoptFinal(node: TreeNode): Promise<boolean> {
    const run = this.#queue.then(async () => {
      if (!this.tree.isMain(node)) {
        const fork = this.tree.fork(this.tip, node);
        if (fork === undefined || (this.#final !== undefined && fork.height < this.#final.height)) return false;
        const first = this.tree.atHeight(fork.height + 1);
        this.#log?.warn({ fork: fork.height, final: node.height }, 'switching to the branch of a final checkpoint');
        if (first !== undefined) await this.#rememberInvalid(first.hex, 'BLOCK_CONFLICTS_FINAL');
        // The best-chain search starts from the tip, now refused: walk to the final branch explicitly.
        const disconnected: Block[] = [];
        while (this.tree.tip !== fork) disconnected.push(await this.#disconnectTip());
        const path: TreeNode[] = [];
        for (let n: TreeNode | undefined = node; n !== undefined && n !== fork; n = n.parent) path.unshift(n);
        const connected: Block[] = [];
        for (const n of path) {
          try {
            connected.push(await this.#connect(n));
          } catch (err) {
            if (!(err instanceof BlockError)) throw err;
            await this.#rememberInvalid(n.hex, err.code);
            break;
          }
        }
        this.emit('reorg', { fork, disconnected, connected });
        await this.#activateBestChain();
        this.#connectErrors.clear();
      }
      if (!this.tree.isMain(node)) return false;
      this.setFinal(node);
      return true;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** True when a block on `parent` would conflict with the final block (below it, or on another branch). */
  conflictsFinal(parent: TreeNode): boolean {
    const f = this.#final;
    if (f === undefined) return false;
    if (parent.height + 1 <= f.height) return true;
    return this.tree.ancestor(parent, f.height) !== f;
  }

  /** Required bits of the next block on the tip. */
  nextBits(): number {
    return nextBits(this.ctx, this.tip);
  }

  /** Decode untrusted bytes and process them; decode failures become BLOCK_MALFORMED / BLOCK_OVERSIZED. */
  async processBlockBytes(bytes: Uint8Array, opts: ProcessOptions = {}): Promise<ProcessResult> {
    let block: Block;
    try {
      block = Block.decode(bytes, { maxBlockBytes: this.ctx.params.maxBlockBytes, maxTxBytes: this.ctx.params.maxTxBytes });
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      const e = new BlockError(err.code === 'DECODE_OVERSIZED' ? 'BLOCK_OVERSIZED' : 'BLOCK_MALFORMED', err.message);
      this.emit('block:rejected', { error: e, peer: opts.peer });
      throw e;
    }
    return this.processBlock(block, opts);
  }

  /**
   * Validate and store a block, then follow the heaviest valid chain. Throws BlockError for a rejected block
   * (BLOCK_UNKNOWN_PARENT after holding it as an orphan). Calls are serialised.
   */
  async processBlock(block: Block, opts: ProcessOptions = {}): Promise<ProcessResult> {
    // Blocks queue behind each other; start their signature checks now (only for proof-of-work-valid blocks, so
    // this costs an attacker real work) so they overlap with the connects ahead of them.
    if (block.txs.length > 0 && !this.tree.get(block.hash) && checkProofOfWork(block.header.bytes, this.ctx.powLimit)) {
      this.#deps.sigCache!.verifyAhead(block.txs, this.#deps.verifyPool);
    }
    const run = this.#queue.then(() => this.#process(block, opts.peer, opts.requested === true));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #process(block: Block, peer: string | undefined, requested: boolean): Promise<ProcessResult> {
    let result: ProcessResult;
    try {
      result = await this.#accept(block, peer, requested);
    } finally {
      await this.#pruneSideBranches();
    }
    const pending = [block.hash];
    while (pending.length > 0) {
      for (const child of this.orphans.takeChildren(pending.shift()!)) {
        try {
          await this.#accept(child.block, child.peer, false);
          pending.push(child.block.hash);
        } catch (err) {
          if (!(err instanceof BlockError)) throw err;
        }
      }
    }
    const node = this.tree.get(block.hash)!;
    return { ...result, status: result.status === 'duplicate' ? 'duplicate' : this.tree.isMain(node) ? 'connected' : 'side' };
  }

  async #accept(block: Block, peer: string | undefined, requested: boolean): Promise<ProcessResult> {
    const hex = block.header.hashHex;
    const key = blockKeyHex(block.hash);
    const known = this.tree.get(key);
    // A stored block that failed to connect is known invalid, not a harmless duplicate.
    if (known !== undefined && !this.invalid.has(key)) return { status: 'duplicate', hash: hex, height: known.height };
    try {
      const reason = this.invalid.get(key);
      if (reason !== undefined) throw new BlockError('BLOCK_KNOWN_INVALID', `block was rejected before (${reason})`, hex);
      checkBlockSanity(block, this.ctx);
      // The parent may have been rejected before it was stored (bad bits, time, height): not an orphan.
      if (this.invalid.has(toHex(block.header.prevHash))) throw new BlockError('BLOCK_INVALID_PARENT', 'parent block is known invalid', hex);
      const parent = this.tree.get(block.header.prevHash);
      if (parent === undefined) {
        this.orphans.add(block, peer);
        throw new BlockError('BLOCK_UNKNOWN_PARENT', `parent ${blockHashToHex(block.header.prevHash)} is unknown`, hex);
      }
      if ((parent.status & BlockStatus.invalid) !== 0) throw new BlockError('BLOCK_INVALID_PARENT', 'parent block is invalid', hex);
      if (this.conflictsFinal(parent))
        throw new BlockError('BLOCK_CONFLICTS_FINAL', `block conflicts with the final block at height ${this.#final!.height}`, hex);
      checkBlockContext(block, parent, this.tree, this.ctx, Math.floor((this.#deps.now ?? Date.now)() / 1000));
      const entry = {
        hash: block.hash,
        header: block.header,
        height: parent.height + 1,
        chainWork: parent.chainWork + blockWork(compactToTarget(block.header.bits)),
        status: BlockStatus.haveData,
        seq: this.tree.nextSeq(),
      };
      // A block on the tip (the common case) is stored in the same batch that connects it: one write, not two.
      const extendsTip = parent === this.tree.tip;
      if (!extendsTip) {
        this.#checkSideBranch(parent, entry.chainWork, requested, hex);
        await this.store.putBlock(entry, block);
      }
      const node = this.tree.add(entry);
      if (extendsTip) this.#bodyPending.add(node.hex);
      this.cacheBlock(node.hex, block);
      await this.#activateBestChain();
      if (this.#bodyPending.delete(node.hex) && (node.status & BlockStatus.invalid) === 0) await this.store.putBlock(node, block);
      const connectError = this.#connectErrors.get(node.hex);
      const otherErrors = [...this.#connectErrors].filter(([h]) => h !== node.hex);
      this.#connectErrors.clear();
      // An ancestor stored earlier failed to connect: report it (its sender is unknown here) ...
      for (const [, error] of otherErrors) this.emit('block:rejected', { error, peer: undefined });
      if (connectError !== undefined) throw connectError;
      // ... and this block, now known invalid through it, is not accepted.
      if ((node.status & BlockStatus.invalid) !== 0) throw new BlockError('BLOCK_INVALID_PARENT', 'an ancestor failed to connect', hex);
      return { status: 'side', hash: hex, height: node.height };
    } catch (err) {
      if (err instanceof BlockError) {
        if (err.cacheInvalid) await this.#rememberInvalid(key, err.code);
        this.emit('block:rejected', { error: err, peer });
        this.#log?.debug({ block: hex, code: err.code, peer }, 'block rejected');
      }
      throw err;
    }
  }

  /** True when a branch growing from stored block `parent` may be stored (its fork is within the side-branch bounds). */
  branchAllowed(parent: TreeNode): boolean {
    return this.#forkAbove(parent, this.#forkFloor()) !== undefined;
  }

  // Lowest height a side branch may fork at: `maxDepth` below the tip, and not below the latest final checkpoint.
  #forkFloor(): number {
    return Math.max(0, this.tip.height - this.#side.maxDepth, this.#deps.finalHeight?.() ?? this.#final?.height ?? 0);
  }

  // Main-chain ancestor of `node`, or undefined when the branch forks below `floor` (the walk stops there).
  #forkAbove(node: TreeNode, floor: number): TreeNode | undefined {
    let n: TreeNode | undefined = node;
    while (n !== undefined && !this.tree.isMain(n)) {
      if (n.height <= floor) return undefined;
      n = n.parent;
    }
    return n !== undefined && n.height >= floor ? n : undefined;
  }

  // Throws when a block on `parent` (not the tip) may not be stored: see SideBranchPolicy.
  #checkSideBranch(parent: TreeNode, chainWork: bigint, requested: boolean, hex: string): void {
    const floor = this.#forkFloor();
    if (this.#forkAbove(parent, floor) === undefined) {
      throw new BlockError('BLOCK_FORK_TOO_DEEP', `block forks from the main chain below height ${floor} (tip ${this.tip.height}); not stored`, hex);
    }
    if (requested) return;
    const slack = BigInt(this.#side.workSlackBlocks) * blockWork(compactToTarget(this.tip.header.bits));
    if (chainWork + slack < this.tip.chainWork) throw new BlockError('BLOCK_LOW_WORK', "block's branch has too little work to become best; not stored", hex);
  }

  // Delete side branches that fork below the floor, children first, in atomic batches (a crash in between leaves a
  // consistent tree: every stored entry's parent is stored). Runs when the tip height has changed.
  async #pruneSideBranches(): Promise<void> {
    if (this.tip.height === this.#prunedAt) return;
    this.#prunedAt = this.tip.height;
    const floor = this.#forkFloor();
    const stale: TreeNode[] = [];
    for (const leaf of this.tree.sideLeaves()) {
      if (this.#forkAbove(leaf, floor) !== undefined) continue;
      // Up to the main chain, stopping at a block that still has children (another leaf's path removes them).
      for (let n: TreeNode | undefined = leaf; n !== undefined && !this.tree.isMain(n); n = n.parent) {
        this.tree.remove(n);
        stale.push(n);
        if (n.parent === undefined || this.tree.children(n.parent).length > 0) break;
      }
    }
    if (stale.length === 0) return;
    for (let i = 0; i < stale.length; i += PRUNE_BATCH) {
      const batch = stale.slice(i, i + PRUNE_BATCH);
      for (const n of batch) this.uncacheBlock(n.hex);
      await this.store.deleteBlocks(batch.map((n) => n.hash));
    }
    this.#log?.info({ blocks: stale.length, floor }, 'pruned stale side branches');
  }

  async #rememberInvalid(hex: BlockKeyHex, code: string): Promise<void> {
    const node = this.tree.get(hex);
    if (node === undefined) {
      if (this.invalid.has(hex)) return;
      this.invalid.set(hex, code);
      await this.store.putInvalid(Uint8Array.from(Buffer.from(hex, 'hex')), code);
      return;
    }
    // One write per block: a crash part-way leaves descendants unmarked, so a block that is already known invalid
    // still gets its descendants marked here (else the best-chain search would pick them and retry forever).
    for (const n of [node, ...this.tree.descendants(node)]) {
      if ((n.status & BlockStatus.invalid) !== 0 && this.invalid.has(n.hex)) continue;
      n.status |= BlockStatus.invalid;
      if (!this.invalid.has(n.hex)) this.invalid.set(n.hex, n === node ? code : 'BLOCK_INVALID_PARENT');
      await this.store.putEntry(n, this.invalid.get(n.hex));
    }
  }

  async #activateBestChain(): Promise<void> {
    for (;;) {
      const best = this.tree.bestCandidate();
      const tip = this.tree.tip;
      if (best === tip) return;
      const fork = this.tree.fork(tip, best)!;
      if (this.#final !== undefined && fork.height < this.#final.height) {
        // Never below the latest final checkpoint: the branch off it can never be connected.
        let first: TreeNode = best;
        while (first.parent !== undefined && first.parent !== fork) first = first.parent;
        await this.#rememberInvalid(first.hex, 'BLOCK_CONFLICTS_FINAL');
        continue;
      }
      const disconnected: Block[] = [];
      while (this.tree.tip !== fork) disconnected.push(await this.#disconnectTip());
      const path: TreeNode[] = [];
      for (let n: TreeNode | undefined = best; n !== undefined && n !== fork; n = n.parent) path.unshift(n);
      const connected: Block[] = [];
      let failed = false;
      for (const node of path) {
        try {
          connected.push(await this.#connect(node));
        } catch (err) {
          if (!(err instanceof BlockError)) throw err;
          this.#log?.warn({ block: node.header.hashHex, code: err.code }, 'block failed to connect');
          await this.#rememberInvalid(node.hex, err.code);
          this.#connectErrors.set(node.hex, err);
          failed = true;
          break;
        }
      }
      if (disconnected.length > 0) {
        this.#log?.info({ fork: fork.height, disconnected: disconnected.length, connected: connected.length }, 'reorganised');
        this.emit('reorg', { fork, disconnected, connected });
      }
      if (!failed) return;
    }
  }

  async #connect(node: TreeNode): Promise<Block> {
    const block = await this.getBlock(node.hex);
    if (block === undefined) throw new Error(`block ${node.header.hashHex} has no stored body`);
    let plan;
    try {
      plan = await planConnect(block, this.ctx, this.store, this.#deps);
    } catch (err) {
      // Keep "every stored entry has its body" true for blocks that fail, too.
      if (this.#bodyPending.delete(node.hex)) await this.store.putBlock(node, block);
      throw err;
    }
    node.status |= BlockStatus.validTxs;
    const logOps = this.#logOn ? this.headerLog.appendOps(node.header, node.height) : [];
    const identOps = await this.identity.connectOps(block, node.height, node.hash, plan.undo);
    await this.store.writeConnect(
      node,
      block,
      plan.undo,
      plan.nextNonces,
      this.#bodyPending.delete(node.hex),
      identOps.length === 0 ? logOps : [...logOps, ...identOps],
    );
    this.tree.pushMain(node);
    this.emit('block:connected', { block, entry: node });
    return block;
  }

  async #disconnectTip(): Promise<Block> {
    const node = this.tree.tip;
    const parent = node.parent;
    if (parent === undefined) throw new Error('cannot disconnect the genesis block');
    const block = await this.getBlock(node.hex);
    const undo = await this.store.getUndo(node.hash);
    if (block === undefined || undo === undefined) throw new Error(`block ${node.header.hashHex} lacks body or undo data`);
    const logOps = this.#logOn ? await this.headerLog.removeOps(node.height) : [];
    const identOps = await this.identity.disconnectOps(block, node.hash);
    await this.store.writeDisconnect(node, block, undo, parent.hash, identOps.length === 0 ? logOps : [...logOps, ...identOps]);
    this.tree.popMain();
    this.emit('block:disconnected', { block, entry: node });
    return block;
  }

  /** Wait for queued block processing to finish. */
  async idle(): Promise<void> {
    await this.#queue;
  }
}
