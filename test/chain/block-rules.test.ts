// Block validation rules in the style of Bitcoin Core's feature_block.py: for each rule code, a block that
// breaks exactly that rule is submitted; the code, the tip and the invalid-cache policy are checked.
import t, { type Test } from 'tap';
import { BlockRules, type BlockErrorCode } from '../../src/chain/errors.js';
import { chainId, getNetwork } from '../../src/consensus/networks.js';
import { SECP256K1_N } from '../../src/crypto/verifier.js';
import { bigintToBytesBE, bytesToBigintBE, toHex } from '../../src/util/bytes.js';
import { encodeCbor } from '../../src/primitives/cbor.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { medianTimePast, MEDIAN_TIME_SPAN } from '../../src/consensus/median-time.js';
import { assertConsistent, breakPow, expectReject as expectRejectRaw, openChainWith, rebuild, withSig } from './helpers.js';
import { Actor, NET, extend, mine, tempDir } from '../utils/chain.js';
import type { Chain } from '../../src/chain/chain.js';
import { Block } from '../../src/primitives/block.js';
import { blockKeyHex } from '../../src/primitives/header.js';

const covered = new Set<BlockErrorCode>();
const POW = (chain: Chain): bigint => chain.ctx.powLimit;

async function expectReject(tt: Test, chain: Chain, input: Block | Uint8Array, code: BlockErrorCode, label?: string): Promise<void> {
  covered.add(code);
  await expectRejectRaw(tt, chain, input, code, label);
}

async function fresh(tt: Test, params = NET, now?: () => number): Promise<Chain> {
  const dir = await tempDir();
  const { chain, store } = await openChainWith(dir.path, params, now === undefined ? {} : { now });
  tt.teardown(async () => {
    await store.close();
    await dir.cleanup();
  });
  return chain;
}

t.test('BLOCK_BAD_VERSION', async (t) => {
  const chain = await fresh(t);
  await extend(chain, 2);
  await expectReject(t, chain, rebuild(mine(chain), { header: { version: 2 } }, POW(chain)), 'BLOCK_BAD_VERSION');
  await expectReject(t, chain, rebuild(mine(chain), { header: { version: 0 } }, POW(chain)), 'BLOCK_BAD_VERSION', 'version 0');
});

t.test('BLOCK_BAD_POW', async (t) => {
  const chain = await fresh(t);
  await extend(chain, 1);
  const good = mine(chain);
  await expectReject(t, chain, breakPow(good, POW(chain)), 'BLOCK_BAD_POW', 'hash above target');
  // Bits easier than powLimit: no hash can count, whatever it is.
  const unsolved = (bits: number): Block => new Block(good.header.with({ bits }), good.meta, good.txs);
  await expectReject(t, chain, unsolved(0x220000ff), 'BLOCK_BAD_POW', 'bits easier than powLimit');
  await expectReject(t, chain, unsolved(0x20800000), 'BLOCK_BAD_POW', 'negative bits');
  await expectReject(t, chain, unsolved(0x2300ffff), 'BLOCK_BAD_POW', 'overflowing bits');
  await expectReject(t, chain, unsolved(0x03000000), 'BLOCK_BAD_POW', 'zero target');
  t.equal((await chain.processBlock(good)).status, 'connected', 'the honest block is still accepted');
  await assertConsistent(t, chain);
});

t.test('BLOCK_BAD_BITS', async (t) => {
  const chain = await fresh(t);
  await extend(chain, 3);
  t.equal(chain.nextBits(), NET.powLimitBits, 'regtest stays at powLimit');
  await expectReject(t, chain, rebuild(mine(chain), { header: { bits: 0x203fffff } }, POW(chain)), 'BLOCK_BAD_BITS', 'harder than ASERT');
});

t.test('BLOCK_TIME_TOO_OLD', async (t) => {
  const chain = await fresh(t);
  await extend(chain, 12);
  const mtp = medianTimePast(chain.tree.recentTimes(chain.tip, MEDIAN_TIME_SPAN));
  await expectReject(t, chain, rebuild(mine(chain), { header: { time: mtp } }, POW(chain)), 'BLOCK_TIME_TOO_OLD', 'time equal to MTP');
  await expectReject(t, chain, rebuild(mine(chain), { header: { time: mtp - 100 } }, POW(chain)), 'BLOCK_TIME_TOO_OLD', 'time below MTP');
  t.equal((await chain.processBlock(rebuild(mine(chain), { header: { time: mtp + 1 } }, POW(chain)))).status, 'connected', 'MTP + 1 is fine');
  await assertConsistent(t, chain);
});

t.test('BLOCK_TIME_TOO_NEW is not cached and may be retried later', async (t) => {
  let nowMs = (NET.genesis.time + 100_000) * 1000;
  const chain = await fresh(t, NET, () => nowMs);
  await extend(chain, 1);
  const limit = nowMs / 1000 + NET.maxFutureDrift;
  t.equal((await chain.processBlock(rebuild(mine(chain), { header: { time: limit } }, POW(chain)))).status, 'connected', 'exactly at the drift limit');
  const future = rebuild(mine(chain), { header: { time: limit + 1 } }, POW(chain));
  await expectReject(t, chain, future, 'BLOCK_TIME_TOO_NEW');
  nowMs += 1000;
  t.equal((await chain.processBlock(future)).status, 'connected', 'accepted once the clock caught up');
  await assertConsistent(t, chain);
});

t.test('BLOCK_BAD_MERKLE_ROOT', async (t) => {
  const chain = await fresh(t);
  const a = new Actor();
  await expectReject(t, chain, rebuild(mine(chain, [a.tx()]), { header: { merkleRoot: new Uint8Array(32).fill(7) } }, POW(chain)), 'BLOCK_BAD_MERKLE_ROOT');
  // Merkle root over the transactions only (leaf 0 must be the meta record).
  const b = mine(chain, [a.tx()]);
  await expectReject(t, chain, rebuild(b, { header: { merkleRoot: b.txs[0]!.txid } }, POW(chain)), 'BLOCK_BAD_MERKLE_ROOT', 'root without meta leaf');
});

t.test('BLOCK_OVERSIZED (small network limits)', async (t) => {
  const params = { ...NET, maxBlockBytes: 2_000, maxTxBytes: 600 };
  const chain = await fresh(t, params);
  t.equal(toHex(chain.ctx.chainId), toHex(chainId(NET)), 'same genesis, same chain id');
  const a = new Actor();
  t.equal((await chain.processBlock(mine(chain, [a.tx('metric', 'm', { v: 'x'.repeat(300) })]))).status, 'connected', 'within limits');
  const bigTx = a.tx('metric', 'm', { v: 'x'.repeat(700) });
  await expectReject(t, chain, mine(chain, [bigTx]), 'BLOCK_OVERSIZED', 'tx above maxTxBytes');
  a.nonce--;
  const many = Array.from({ length: 6 }, () => a.tx('metric', 'm', { v: 'y'.repeat(300) }));
  a.nonce -= 6;
  const big = mine(chain, many);
  t.ok(big.size > params.maxBlockBytes);
  await expectReject(t, chain, big, 'BLOCK_OVERSIZED', 'block above maxBlockBytes');
  await expectReject(t, chain, big.bytes, 'BLOCK_OVERSIZED', 'raw bytes above maxBlockBytes');
  await expectReject(t, chain, mine(chain, [bigTx]).bytes, 'BLOCK_OVERSIZED', 'raw tx above maxTxBytes');
  t.equal((await chain.processBlock(mine(chain, many.slice(0, 2)))).status, 'connected', 'a smaller block passes');
  await assertConsistent(t, chain);
});

t.test('BLOCK_DUPLICATE_TX', async (t) => {
  const chain = await fresh(t);
  const a = new Actor();
  const tx = a.tx();
  await expectReject(t, chain, mine(chain, [tx, tx]), 'BLOCK_DUPLICATE_TX');
  const b = new Actor();
  await expectReject(t, chain, mine(chain, [tx, b.tx(), tx]), 'BLOCK_DUPLICATE_TX', 'non-adjacent duplicate');
});

t.test('BLOCK_BAD_SIGNATURE', async (t) => {
  const chain = await fresh(t);
  await extend(chain, 1);
  const a = new Actor();
  const tx = a.tx('doc.certify', 'doc');
  const flipped = Uint8Array.from(tx.fields.sig);
  flipped[10]! ^= 1;
  await expectReject(t, chain, mine(chain, [withSig(tx, flipped)]), 'BLOCK_BAD_SIGNATURE', 'flipped bit');
  const s = bytesToBigintBE(tx.fields.sig.subarray(32));
  const highS = Uint8Array.from([...tx.fields.sig.subarray(0, 32), ...bigintToBytesBE(SECP256K1_N - s, 32)]);
  await expectReject(t, chain, mine(chain, [withSig(tx, highS)]), 'BLOCK_BAD_SIGNATURE', 'high-S malleated signature');
  const other = new Actor();
  const forged = Transaction.fromFields({ ...tx.fields, from: other.tx().fields.from });
  await expectReject(t, chain, mine(chain, [forged]), 'BLOCK_BAD_SIGNATURE', 'signature by another key');
  // The bad transaction came after good ones: nothing of the block may stick.
  const b = new Actor();
  const c = new Actor();
  await expectReject(t, chain, mine(chain, [b.tx(), b.tx(), withSig(c.tx(), flipped)]), 'BLOCK_BAD_SIGNATURE', 'bad tx after good ones');
  t.equal(await chain.store.getNextNonce(b.tx().fields.from), 0, 'no nonce advanced');
  t.equal((await chain.processBlock(mine(chain, [tx]))).status, 'connected', 'the genuine transaction is accepted');
  await assertConsistent(t, chain);
});

t.test('BLOCK_BAD_NONCE: gap, reuse, replay', async (t) => {
  const chain = await fresh(t);
  const a = new Actor();
  a.nonce = 1;
  await expectReject(t, chain, mine(chain, [a.tx()]), 'BLOCK_BAD_NONCE', 'gap (first nonce 1)');
  a.nonce = 0;
  const first = a.tx('audit.login', undefined, { first: true });
  a.nonce = 0;
  const reuse = a.tx('audit.login', undefined, { first: false });
  await expectReject(t, chain, mine(chain, [first, reuse]), 'BLOCK_BAD_NONCE', 'reuse within a block');
  const second = a.tx();
  await expectReject(t, chain, mine(chain, [second, first]), 'BLOCK_BAD_NONCE', 'out of order within a block');
  t.equal((await chain.processBlock(mine(chain, [first]))).status, 'connected');
  await expectReject(t, chain, mine(chain, [first]), 'BLOCK_BAD_NONCE', 'replay of a mined transaction');
  await expectReject(t, chain, mine(chain, [reuse]), 'BLOCK_BAD_NONCE', 'another tx with a mined nonce');
  await expectReject(t, chain, mine(chain, [a.tx()]), 'BLOCK_BAD_NONCE', 'gap after mined nonces');
  t.equal((await chain.processBlock(mine(chain, [second]))).status, 'connected', 'the next nonce is accepted');
  t.equal(await chain.store.getNextNonce(first.fields.from), 2);
  await assertConsistent(t, chain);
});

t.test('BLOCK_WRONG_CHAIN: a transaction signed for another network', async (t) => {
  const chain = await fresh(t);
  const a = new Actor();
  const devnetTx = Transaction.sign({ chain: chainId(getNetwork('devnet')), nonce: 0, time: 1, kind: 'audit.login', payload: {} }, a.sk);
  t.ok(devnetTx.verifySignature(), 'validly signed, just for devnet');
  await expectReject(t, chain, mine(chain, [devnetTx]), 'BLOCK_WRONG_CHAIN');
  const b = new Actor();
  await expectReject(t, chain, mine(chain, [b.tx(), devnetTx]), 'BLOCK_WRONG_CHAIN', 'after a valid tx');
  await assertConsistent(t, chain);
});

t.test('BLOCK_UNKNOWN_PARENT: held as orphan, accepted once the parent arrives', async (t) => {
  const chain = await fresh(t);
  const a = new Actor();
  const parent = mine(chain, [a.tx()]);
  const child = mine(chain, [a.tx()], { ...chain.tip, hash: parent.hash, height: 1, header: parent.header, parent: chain.tip, hex: blockKeyHex(parent.hash) });
  await expectReject(t, chain, child, 'BLOCK_UNKNOWN_PARENT');
  t.ok(chain.orphans.has(child.hash), 'held in the orphan pool');
  const connected: string[] = [];
  chain.on('block:connected', (e) => connected.push(e.entry.hex));
  const r = await chain.processBlock(parent);
  t.equal(r.status, 'connected');
  t.equal(chain.height, 2, 'the orphan connected after its parent');
  t.same(connected, [toHex(parent.hash), toHex(child.hash)]);
  t.notOk(chain.orphans.has(child.hash));
  t.equal(await chain.store.getNextNonce(a.tx().fields.from), 2);
  await assertConsistent(t, chain);
});

t.test('BLOCK_INVALID_PARENT and BLOCK_KNOWN_INVALID', async (t) => {
  const chain = await fresh(t);
  await extend(chain, 1);
  const a = new Actor();
  const tx = a.tx();
  const flipped = Uint8Array.from(tx.fields.sig);
  flipped[5]! ^= 0x80;
  const bad = mine(chain, [withSig(tx, flipped)]);
  await expectReject(t, chain, bad, 'BLOCK_BAD_SIGNATURE');
  const badNode = chain.tree.get(bad.hash)!;
  const child = mine(chain, [], badNode);
  await expectReject(t, chain, child, 'BLOCK_INVALID_PARENT');
  await expectReject(t, chain, mine(chain, [], chain.tree.get(bad.hash)!), 'BLOCK_INVALID_PARENT', 'second child');
  await expectReject(t, chain, child, 'BLOCK_KNOWN_INVALID', 'child sent again');
  await expectReject(t, chain, bad, 'BLOCK_KNOWN_INVALID', 'stored invalid block sent again');
  const badBits = rebuild(mine(chain), { header: { bits: 0x203fffff } }, POW(chain));
  await expectReject(t, chain, badBits, 'BLOCK_BAD_BITS');
  await expectReject(t, chain, badBits, 'BLOCK_KNOWN_INVALID', 'unstored invalid block sent again');
  await expectReject(t, chain, badBits.bytes, 'BLOCK_KNOWN_INVALID', 'and as raw bytes');
  await expectReject(
    t,
    chain,
    mine(chain, [], { ...chain.tip, hash: badBits.hash, hex: blockKeyHex(badBits.hash), header: badBits.header, height: chain.height + 1, parent: chain.tip }),
    'BLOCK_INVALID_PARENT',
    'child of an unstored invalid block',
  );
});

t.test('BLOCK_BAD_HEIGHT', async (t) => {
  const chain = await fresh(t);
  await extend(chain, 2);
  await expectReject(t, chain, rebuild(mine(chain), { meta: { height: 4 } }, POW(chain)), 'BLOCK_BAD_HEIGHT', 'height + 2');
  await expectReject(t, chain, rebuild(mine(chain), { meta: { height: 2 } }, POW(chain)), 'BLOCK_BAD_HEIGHT', 'parent height');
});

t.test('BLOCK_CONFLICTS_FINAL', async (t) => {
  const chain = await fresh(t);
  await extend(chain, 4);
  chain.setFinal(chain.tree.atHeight(3)!);
  // Below the final block, and on a branch that forks below it (even at a height above it).
  await expectReject(t, chain, mine(chain, [], chain.tree.atHeight(1)!, Uint8Array.of(1)), 'BLOCK_CONFLICTS_FINAL', 'below the final block');
  await expectReject(t, chain, mine(chain, [], chain.tree.atHeight(2)!, Uint8Array.of(2)), 'BLOCK_CONFLICTS_FINAL', 'at the final height on another branch');
  const ok = await chain.processBlock(mine(chain, [], chain.tree.atHeight(3)!, Uint8Array.of(3)));
  t.equal(ok.status, 'side', 'a block on the final block itself is fine');
});

t.test('BLOCK_MALFORMED', async (t) => {
  const chain = await fresh(t);
  await extend(chain, 1);
  const good = mine(chain, [new Actor().tx()]);
  const cases: Array<[string, Uint8Array]> = [
    ['garbage', Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3])],
    ['empty', new Uint8Array(0)],
    ['truncated', good.bytes.subarray(0, good.bytes.byteLength - 5)],
    ['trailing bytes', Uint8Array.from([...good.bytes, 0])],
    ['not a map', encodeCbor([1, 2, 3])],
    ['extra key', encodeCbor({ header: good.header.bytes, meta: { height: 2, extra: new Uint8Array(0) }, txs: [], x: 1 })],
    ['short header', encodeCbor({ header: good.header.bytes.subarray(0, 79), meta: { height: 2, extra: new Uint8Array(0) }, txs: [] })],
    ['tx not bytes', encodeCbor({ header: good.header.bytes, meta: { height: 2, extra: new Uint8Array(0) }, txs: [7] })],
    ['bad tx', encodeCbor({ header: good.header.bytes, meta: { height: 2, extra: new Uint8Array(0) }, txs: [new Uint8Array([0xa0])] })],
  ];
  for (const [label, bytes] of cases) await expectReject(t, chain, bytes, 'BLOCK_MALFORMED', label);
  t.equal((await chain.processBlockBytes(good.bytes)).status, 'connected', 'the well-formed bytes are accepted');
  await assertConsistent(t, chain);
});

t.test('BLOCK_LOW_WORK and BLOCK_FORK_TOO_DEEP: side blocks that cannot become best are not stored', async (t) => {
  const chain = await fresh(t);
  const g = chain.tip;
  await extend(chain, 3);
  const low = mine(chain, [], g);
  await expectReject(t, chain, low, 'BLOCK_LOW_WORK', 'off genesis, three blocks behind');
  t.notOk(chain.hasBlock(low.hash), 'not stored');
  t.equal(await chain.store.getBlockBytes(low.hash), undefined, 'no body written');
  t.equal((await chain.processBlock(low, { requested: true })).status, 'side', 'stored when sync requested it (its headers showed more work)');
  await extend(chain, 1_000);
  await expectReject(t, chain, mine(chain, [], chain.tree.atHeight(2)!), 'BLOCK_FORK_TOO_DEEP', 'forking 1,002 blocks below the tip');
  t.notOk(chain.hasBlock(low.hash), 'the stale side block was pruned');
});

t.test('every rule code is exercised', async (t) => {
  t.same([...covered].sort(), Object.keys(BlockRules).sort());
});
