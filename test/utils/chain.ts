import { Chain, type ChainDependencies } from '../../src/chain/chain.js';
import { assembleBlock, solveBlockSync } from '../../src/chain/template.js';
import type { TreeNode } from '../../src/chain/block-tree.js';
import { chainId, getNetwork, type NetworkParams } from '../../src/consensus/networks.js';
import { generateSecretKey } from '../../src/crypto/signature.js';
import type { Block } from '../../src/primitives/block.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { ChainStore } from '../../src/store/chain-store.js';
import { blockKeyHex } from '../../src/primitives/header.js';

/** regtest: minimum difficulty, so blocks are solved in a couple of hashes. */
export const NET: NetworkParams = getNetwork('regtest');
export const CHAIN_ID = chainId(NET);

export { tempDirCleanup as tempDir } from './temp-dir.js';

/** Open a store and chain in a fresh directory. */
export async function openChain(path: string, deps: Partial<ChainDependencies> = {}): Promise<{ chain: Chain; store: ChainStore }> {
  const store = await ChainStore.open({ path, chainId: CHAIN_ID });
  const chain = await Chain.open({ params: NET }, { store, ...deps });
  return { chain, store };
}

/** An actor with a key and a local nonce counter. */
export class Actor {
  readonly sk = generateSecretKey();
  nonce = 0;
  /** Sign the next action. */
  tx(kind = 'audit.login', subject?: string, payload: unknown = { n: this.nonce }): Transaction {
    return Transaction.sign(
      { chain: CHAIN_ID, nonce: this.nonce++, time: 1_767_300_000_000, kind, ...(subject === undefined ? {} : { subject }), payload: payload as never },
      this.sk,
    );
  }
}

let clock = NET.genesis.time;
/** Build and solve a block on `parent` (default: the tip) holding `txs`. */
export function mine(chain: Chain, txs: Transaction[] = [], parent: TreeNode = chain.tip, extra?: Uint8Array): Block {
  clock += 1;
  return solveBlockSync(assembleBlock(chain, { parent, txs, time: Math.max(clock, parent.header.time + 1), extra }), chain.ctx.powLimit);
}

/** Mine and process `n` empty blocks on the tip. */
export async function extend(chain: Chain, n: number): Promise<Block[]> {
  const out: Block[] = [];
  for (let i = 0; i < n; i++) {
    const b = mine(chain);
    await chain.processBlock(b);
    out.push(b);
  }
  return out;
}

/** Mine (without processing) `n` empty blocks on `parent`, each tagged by `extra` = [tag, i] so branches differ. */
export function branch(chain: Chain, parent: TreeNode, n: number, tag: number): Block[] {
  const out: Block[] = [];
  let p = parent;
  for (let i = 0; i < n; i++) {
    const b = mine(chain, [], p, Uint8Array.of(tag, i));
    out.push(b);
    p = { ...p, hash: b.hash, hex: blockKeyHex(b.hash), header: b.header, height: p.height + 1, parent: p };
  }
  return out;
}
