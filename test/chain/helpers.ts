// Block-building helpers for the rule, reorg and crash tests (on top of support.ts).
import { type Test } from 'tap';
import { Chain, type ChainDependencies } from '../../src/chain/chain.js';
import { checkConsistency } from '../utils/consistency.js';
import { BlockRules, type BlockErrorCode } from '../../src/chain/errors.js';
import { solveBlockSync } from '../../src/chain/template.js';
import { checkProofOfWork } from '../../src/consensus/pow.js';
import { type NetworkParams } from '../../src/consensus/networks.js';
import { Block } from '../../src/primitives/block.js';
import { blockKeyHex, type HeaderFields } from '../../src/primitives/header.js';
import { type BlockMeta } from '../../src/primitives/meta.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { ChainStore } from '../../src/store/chain-store.js';
import { CHAIN_ID, NET } from '../utils/chain.js';

/** A tap test (subtest or the root). */
export type Asserts = Test;

/** Open a store and chain on `params` (default regtest) with extra dependencies. */
export async function openChainWith(
  path: string,
  params: NetworkParams = NET,
  deps: Partial<ChainDependencies> = {},
): Promise<{ chain: Chain; store: ChainStore }> {
  const store = await ChainStore.open({ path, chainId: CHAIN_ID });
  const chain = await Chain.open({ params }, { store, ...deps });
  return { chain, store };
}

/** Rebuild `block` with replaced header fields, meta or txs; the Merkle root is recomputed unless given, then solved. */
export function rebuild(
  block: Block,
  changes: { header?: Partial<HeaderFields>; meta?: Partial<BlockMeta>; txs?: readonly Transaction[]; keepRoot?: boolean },
  powLimit: bigint,
): Block {
  const meta: BlockMeta = { ...block.meta, ...changes.meta };
  const txs = changes.txs ?? block.txs;
  let header = block.header.with({ ...changes.header, nonce: 0 });
  if (changes.keepRoot !== true && changes.header?.merkleRoot === undefined)
    header = header.with({ merkleRoot: new Block(header, meta, txs).computeMerkleRoot() });
  return solveBlockSync(new Block(header, meta, txs), powLimit);
}

/** The same block with a nonce whose hash misses the target. */
export function breakPow(block: Block, powLimit: bigint): Block {
  for (let nonce = 0; ; nonce++) {
    const header = block.header.with({ nonce });
    if (!checkProofOfWork(header.bytes, powLimit)) return new Block(header, block.meta, block.txs);
  }
}

/** `tx` with a different signature (still 64 bytes). */
export function withSig(tx: Transaction, sig: Uint8Array): Transaction {
  return Transaction.fromFields({ ...tx.fields, sig });
}

/** Assert the chain's database is consistent (problems listed on failure). */
export async function assertConsistent(t: Asserts, chain: Chain, what = 'database is consistent'): Promise<void> {
  const report = await checkConsistency(chain);
  t.same(report.problems, [], what);
  t.ok(report.ok, what);
}

/**
 * Submit a block (or raw bytes) that must be rejected with `code`: checks the thrown code and penalty, the
 * `block:rejected` event, that the tip did not move, that the invalid cache follows `cacheInvalid`, and that the
 * database stays consistent.
 */
export async function expectReject(t: Asserts, chain: Chain, input: Block | Uint8Array, code: BlockErrorCode, label: string = code): Promise<void> {
  const tip = chain.tip.hex;
  const hash = input instanceof Block ? blockKeyHex(input.hash) : undefined;
  const before = hash === undefined ? undefined : chain.invalidReason(hash);
  const storedInvalid = (await chain.store.invalidBlocks()).size;
  const events: string[] = [];
  const listener = (e: { error: { code: string } }): void => void events.push(e.error.code);
  chain.on('block:rejected', listener);
  try {
    await (input instanceof Block ? chain.processBlock(input, { peer: 'p1' }) : chain.processBlockBytes(input, { peer: 'p1' }));
    t.fail(`${label}: block was accepted`);
  } catch (err) {
    const e = err as { code?: string; penalty?: number; cacheInvalid?: boolean };
    t.equal(e.code, code, `${label}: code`);
    t.equal(e.penalty, BlockRules[code].penalty, `${label}: penalty`);
    t.equal(e.cacheInvalid, BlockRules[code].cacheInvalid, `${label}: cacheInvalid flag`);
  } finally {
    chain.off('block:rejected', listener);
  }
  t.same(events, [code], `${label}: block:rejected event`);
  t.equal(chain.tip.hex, tip, `${label}: tip unchanged`);
  if (hash !== undefined) {
    const wanted = BlockRules[code].cacheInvalid ? (before ?? code) : before;
    t.equal(chain.invalidReason(hash), wanted, `${label}: invalid cache is ${String(wanted)}`);
  }
  if (!BlockRules[code].cacheInvalid) t.equal((await chain.store.invalidBlocks()).size, storedInvalid, `${label}: nothing persisted as invalid`);
  await assertConsistent(t, chain, `${label}: database is consistent`);
}
