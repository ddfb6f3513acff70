import type { Block } from '../primitives/block.js';
import type { TreeNode } from './block-tree.js';
import type { BlockError } from './errors.js';

/** A block joined or left the main chain. */
export interface BlockEvent {
  block: Block;
  entry: TreeNode;
}

/** The main chain switched branches. */
export interface ReorgEvent {
  fork: TreeNode;
  disconnected: Block[];
  connected: Block[];
}

/** A block from `peer` was rejected (so the network layer can penalise the sender). */
export interface RejectEvent {
  error: BlockError;
  peer: string | undefined;
}

/** Events the chain emits. */
export interface ChainEvents {
  'block:connected': [BlockEvent];
  'block:disconnected': [BlockEvent];
  reorg: [ReorgEvent];
  'block:rejected': [RejectEvent];
}
