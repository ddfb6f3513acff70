import type { TreeNode } from '../chain/block-tree.js';
import { BlockError } from '../chain/errors.js';
import { BLOCK_VERSION, nextBits, type ConsensusContext } from '../chain/validate.js';
import { compactToTarget } from '../consensus/compact.js';
import { medianTimePast, MEDIAN_TIME_SPAN } from '../consensus/median-time.js';
import { checkProofOfWork } from '../consensus/pow.js';
import { blockWork } from '../consensus/work.js';
import { bytesEqual } from '../util/bytes.js';
import { blockKeyHex, type BlockHeader, type BlockKeyHex } from '../primitives/header.js';

/** A validated header not yet backed by a stored block, linked to its parent (a header or a stored block). */
export interface HeaderNode {
  hash: Uint8Array;
  /** Natural-order hex of the hash (as the block tree keys it). */
  hex: BlockKeyHex;
  header: BlockHeader;
  height: number;
  chainWork: bigint;
  parent: HeaderLink;
}

/** A header chain link: a validated header or a block in the tree. */
export type HeaderLink = HeaderNode | TreeNode;

function recentTimes(from: HeaderLink, count: number): number[] {
  const out: number[] = [];
  for (let n: HeaderLink | undefined = from; n !== undefined && out.length < count; n = n.parent) out.push(n.header.time);
  return out;
}

/**
 * Check a run of headers on `parent` before any body is downloaded (SPEC 9, headers-first): each links to the
 * previous, has the current version, meets its own proof of work, carries the ASERT bits for its parent, is
 * after the median time past and not too far in the future. Throws BlockError with the rule's code and penalty
 * (BLOCK_TIME_TOO_NEW has none). `invalid` names hashes known to be invalid (BLOCK_KNOWN_INVALID).
 */
export function validateHeaders(
  ctx: ConsensusContext,
  parent: HeaderLink,
  headers: readonly BlockHeader[],
  nowSeconds: number,
  invalid: (hex: BlockKeyHex) => string | undefined = () => undefined,
): HeaderNode[] {
  const out: HeaderNode[] = [];
  let prev = parent;
  for (const h of headers) {
    const hex = blockKeyHex(h.hash);
    const display = h.hashHex;
    if (!bytesEqual(h.prevHash, prev.hash)) throw new BlockError('BLOCK_INVALID_PARENT', `header ${display} does not link to the previous header`, display);
    const reason = invalid(hex);
    if (reason !== undefined) throw new BlockError('BLOCK_KNOWN_INVALID', `header ${display} was rejected before (${reason})`, display);
    if (h.version !== BLOCK_VERSION) throw new BlockError('BLOCK_BAD_VERSION', `header ${display} has version ${h.version}`, display);
    if (!checkProofOfWork(h.bytes, ctx.powLimit)) throw new BlockError('BLOCK_BAD_POW', `header ${display} does not meet its target`, display);
    const bits = nextBits(ctx, prev);
    if (h.bits !== bits)
      throw new BlockError('BLOCK_BAD_BITS', `header ${display} has bits 0x${h.bits.toString(16)}, ASERT requires 0x${bits.toString(16)}`, display);
    const mtp = medianTimePast(recentTimes(prev, MEDIAN_TIME_SPAN));
    if (h.time <= mtp) throw new BlockError('BLOCK_TIME_TOO_OLD', `header ${display} time ${h.time} is not after median time past ${mtp}`, display);
    if (h.time > nowSeconds + ctx.params.maxFutureDrift) throw new BlockError('BLOCK_TIME_TOO_NEW', `header ${display} is too far in the future`, display);
    const node: HeaderNode = {
      hash: h.hash,
      hex,
      header: h,
      height: prev.height + 1,
      chainWork: prev.chainWork + blockWork(compactToTarget(h.bits)),
      parent: prev,
    };
    out.push(node);
    prev = node;
  }
  return out;
}
