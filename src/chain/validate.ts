import { asertNextBits } from '../consensus/asert.js';
import { compactToTarget } from '../consensus/compact.js';
import { medianTimePast, MEDIAN_TIME_SPAN } from '../consensus/median-time.js';
import { type NetworkParams } from '../consensus/networks.js';
import { checkProofOfWork } from '../consensus/pow.js';
import { type Block } from '../primitives/block.js';
import { bytesEqual } from '../util/bytes.js';
import { type BlockTree, type TreeNode } from './block-tree.js';
import { BlockError } from './errors.js';

/** Current block version. */
export const BLOCK_VERSION = 1;

/** Consensus values derived once from network parameters. */
export interface ConsensusContext {
  params: NetworkParams;
  powLimit: bigint;
  chainId: Uint8Array;
  /** ASERT anchor (genesis) and parameters as bigints. */
  anchor: { height: bigint; parentTime: bigint; bits: number };
  asert: { targetSpacing: bigint; halfLife: bigint; powLimit: bigint };
}

/** Build the consensus context of a network. */
export function consensusContext(params: NetworkParams, chainId: Uint8Array): ConsensusContext {
  const powLimit = compactToTarget(params.powLimitBits);
  return {
    params,
    powLimit,
    chainId,
    anchor: { height: 0n, parentTime: BigInt(params.genesis.time - params.targetSpacing), bits: params.genesis.bits },
    asert: { targetSpacing: BigInt(params.targetSpacing), halfLife: BigInt(params.halfLife), powLimit },
  };
}

/** Required bits of the block after `parent` (ASERT anchored at genesis, SPEC 4). */
export function nextBits(ctx: ConsensusContext, parent: { height: number; header: { time: number } }): number {
  return asertNextBits(ctx.anchor, { height: BigInt(parent.height), time: BigInt(parent.header.time) }, ctx.asert);
}

/**
 * Context-free checks, cheapest first: version, proof of work, size, Merkle root, duplicate transactions.
 * A Merkle mismatch is not cached as invalid: the header may be fine and the body mutated in transit.
 */
export function checkBlockSanity(block: Block, ctx: ConsensusContext): void {
  const hex = block.header.hashHex;
  if (block.header.version !== BLOCK_VERSION) throw new BlockError('BLOCK_BAD_VERSION', `block version ${block.header.version} is not ${BLOCK_VERSION}`, hex);
  if (!checkProofOfWork(block.header.bytes, ctx.powLimit))
    throw new BlockError('BLOCK_BAD_POW', 'block hash does not meet its target (or bits are invalid)', hex);
  if (block.size > ctx.params.maxBlockBytes) throw new BlockError('BLOCK_OVERSIZED', `block is ${block.size} bytes, limit ${ctx.params.maxBlockBytes}`, hex);
  for (const tx of block.txs) {
    if (tx.size > ctx.params.maxTxBytes)
      throw new BlockError('BLOCK_OVERSIZED', `transaction ${tx.txidHex} is ${tx.size} bytes, limit ${ctx.params.maxTxBytes}`, hex);
  }
  if (!bytesEqual(block.computeMerkleRoot(), block.header.merkleRoot))
    throw new BlockError('BLOCK_BAD_MERKLE_ROOT', 'merkle root does not match [meta, ...txs]', hex);
  const seen = new Set<string>();
  for (const tx of block.txs) {
    if (seen.has(tx.txidHex)) throw new BlockError('BLOCK_DUPLICATE_TX', `duplicate transaction ${tx.txidHex}`, hex);
    seen.add(tx.txidHex);
  }
}

/** Checks against the parent: height, bits (ASERT), median-time-past and future drift. */
export function checkBlockContext(block: Block, parent: TreeNode, tree: BlockTree, ctx: ConsensusContext, nowSeconds: number): void {
  const hex = block.header.hashHex;
  if (block.meta.height !== parent.height + 1) throw new BlockError('BLOCK_BAD_HEIGHT', `meta height ${block.meta.height}, expected ${parent.height + 1}`, hex);
  const bits = nextBits(ctx, parent);
  if (block.header.bits !== bits)
    throw new BlockError('BLOCK_BAD_BITS', `bits 0x${block.header.bits.toString(16)}, ASERT requires 0x${bits.toString(16)}`, hex);
  const mtp = medianTimePast(tree.recentTimes(parent, MEDIAN_TIME_SPAN));
  if (block.header.time <= mtp) throw new BlockError('BLOCK_TIME_TOO_OLD', `time ${block.header.time} is not after median time past ${mtp}`, hex);
  if (block.header.time > nowSeconds + ctx.params.maxFutureDrift) {
    throw new BlockError('BLOCK_TIME_TOO_NEW', `time ${block.header.time} is more than ${ctx.params.maxFutureDrift} s ahead of the local clock`, hex);
  }
}
