import { checkBits } from '../consensus/compact.js';
import { headerBits, searchNonce } from '../consensus/pow.js';
import { medianTimePast, MEDIAN_TIME_SPAN } from '../consensus/median-time.js';
import { Block } from '../primitives/block.js';
import { BlockHeader } from '../primitives/header.js';
import { type BlockMeta } from '../primitives/meta.js';
import { type Transaction } from '../primitives/transaction.js';
import { type Chain } from './chain.js';
import { type TreeNode } from './block-tree.js';
import { BLOCK_VERSION, nextBits } from './validate.js';

/** What a new block on a given parent needs. */
export interface TemplateInput {
  parent: TreeNode;
  txs: readonly Transaction[];
  /** Unix seconds; raised to median-time-past + 1 when lower. */
  time: number;
  miner?: string;
  extra?: Uint8Array;
}

/**
 * Assemble an unmined block on `input.parent`: height, ASERT bits, a valid time, the meta record and the
 * Merkle root over [meta, ...txs]. The nonce is 0; a miner searches it (and rolls `extra` and `time`).
 */
export function assembleBlock(chain: Chain, input: TemplateInput): Block {
  const mtp = medianTimePast(chain.tree.recentTimes(input.parent, MEDIAN_TIME_SPAN));
  const meta: BlockMeta = { height: input.parent.height + 1, extra: input.extra ?? new Uint8Array(0) };
  if (input.miner !== undefined) meta.miner = input.miner;
  const draft = new Block(
    BlockHeader.from({
      version: BLOCK_VERSION,
      prevHash: input.parent.hash,
      merkleRoot: new Uint8Array(32),
      time: Math.max(input.time, mtp + 1),
      bits: nextBits(chain.ctx, input.parent),
      nonce: 0,
    }),
    meta,
    input.txs,
  );
  return new Block(draft.header.with({ merkleRoot: draft.computeMerkleRoot() }), meta, input.txs);
}

/**
 * Find a nonce by brute force in JavaScript. Only for easy targets (regtest, tests and tools); real mining goes
 * through the mining backends. Throws when the 32-bit nonce space is exhausted.
 */
export function solveBlockSync(block: Block, powLimit: bigint): Block {
  const target = checkBits(headerBits(block.header.bytes), powLimit);
  const { nonce } = searchNonce(Uint8Array.from(block.header.bytes), target, 0, 2 ** 32);
  if (nonce === null) throw new Error('nonce space exhausted');
  return new Block(block.header.with({ nonce }), block.meta, block.txs);
}
