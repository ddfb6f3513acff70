import { TopicValidatorResult } from '@libp2p/gossipsub';
import pino from 'pino';
import t, { type Test } from 'tap';
import { Mempool } from '../../src/mempool/mempool.js';
import { encodeCompact, toCompact } from '../../src/p2p/compact.js';
import { P2pErrorCode, p2pError } from '../../src/wire/errors.js';
import { decodeGetBlockTxn, Relay, type RelayDependencies } from '../../src/p2p/relay.js';
import { Block } from '../../src/primitives/block.js';
import { Transaction } from '../../src/primitives/transaction.js';
import { PROTOCOL_RATE_LIMITS } from '../../src/wire/rate-limit.js';
import type { CborValue } from '../../src/primitives/cbor.js';
import { breakPow, rebuild, withSig } from '../chain/helpers.js';
import { Actor, CHAIN_ID, mine, openChain, tempDir } from '../utils/chain.js';
import { recordPenalties } from '../utils/penalties.js';

// A node's chain and mempool plus a relay whose network side is scripted by the test.
async function setup(t: Test, serve: { txs?: (indexes: number[]) => CborValue; block?: () => Uint8Array | null } = {}) {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const { chain, store } = await openChain(dir.path);
  t.teardown(() => store.close());
  const mempool = new Mempool({}, { chainId: CHAIN_ID, nextNonce: (a) => store.getNextNonce(a) });
  const penalties: Array<[string, number]> = [];
  const announced: string[] = [];
  const asked: { txs: number[][]; blocks: number } = { txs: [], blocks: 0 };
  const deps: RelayDependencies = {
    chain,
    mempool,
    logger: pino({ level: 'silent' }),
    penalise: recordPenalties((peer, points) => void penalties.push([peer, points])),
    requestTxs: async (_peer, _hash, indexes) => {
      asked.txs.push(indexes);
      if (serve.txs === undefined) throw p2pError(P2pErrorCode.timeout, 'no reply');
      return serve.txs(indexes);
    },
    requestBlock: async () => {
      asked.blocks++;
      return serve.block?.() ?? null;
    },
    blockAnnounced: (peer) => void announced.push(peer),
    onBlock: () => undefined,
  };
  return { chain, mempool, relay: new Relay(deps), penalties, announced, asked };
}

t.test('transactions: accept, ignore duplicates, reject and penalise invalid ones', async (t) => {
  const { relay, mempool, penalties } = await setup(t);
  const a = new Actor();
  const tx = a.tx();
  t.equal(await relay.validateTx('p1', tx.bytes), TopicValidatorResult.Accept);
  t.ok(mempool.has(tx.txid));
  t.equal(await relay.validateTx('p1', tx.bytes), TopicValidatorResult.Ignore, 'duplicate: ignore');
  t.equal(await relay.validateTx('p2', Uint8Array.of(1, 2, 3)), TopicValidatorResult.Reject, 'garbage: reject');
  const forged = withSig(a.tx(), new Uint8Array(64).fill(7));
  t.equal(await relay.validateTx('p3', forged.bytes), TopicValidatorResult.Reject, 'bad signature: reject');
  t.equal(await relay.validateTx('p4', new Uint8Array(70 * 1024)), TopicValidatorResult.Reject, 'oversized: reject');
  t.same(penalties, [
    ['p2', 50],
    ['p3', 100],
    ['p4', 50],
  ]);
  t.equal(relay.isFromGossip(tx.txidHex), false, 'gossip marker cleared after validation');
});

t.test('compact blocks: rebuilt from the mempool, missing txs fetched, fallback to the full block', async (t) => {
  const a = new Actor();
  const txs = [a.tx(), a.tx(), a.tx()];
  const s = await setup(t, { txs: (idx) => ({ txs: idx.map((i) => txs[i]!.bytes) }) });
  await s.mempool.add(txs[0]!);
  const b1 = mine(s.chain, txs);
  t.equal(await s.relay.validateBlock('p1', encodeCompact(toCompact(b1))), TopicValidatorResult.Accept);
  t.same(s.asked.txs, [[1, 2]], 'only the two missing transactions were requested');
  t.equal(s.chain.height, 1);
  t.equal(s.relay.stats.txsFetched, 1);

  t.equal(await s.relay.validateBlock('p1', encodeCompact(toCompact(b1))), TopicValidatorResult.Ignore, 'known block: ignore');

  const b2 = mine(s.chain, []);
  t.equal(await s.relay.validateBlock('p1', encodeCompact(toCompact(b2))), TopicValidatorResult.Accept, 'empty block needs nothing');
  t.equal(s.relay.stats.rebuiltFromMempool, 1);

  // getblocktxn answered with the wrong transactions: penalised, rejected.
  const b = new Actor();
  const other = [b.tx(), b.tx()];
  const bad = await setup(t, { txs: (idx) => ({ txs: idx.map(() => other[0]!.bytes) }) });
  const b3 = mine(bad.chain, other);
  t.equal(await bad.relay.validateBlock('liar', encodeCompact(toCompact(b3))), TopicValidatorResult.Reject);
  t.same(bad.penalties, [['liar', 50]]);

  // getblocktxn fails (timeout): the full block is fetched instead.
  const box: { full?: Block } = {};
  const fb = await setup(t, { block: () => box.full?.bytes ?? null });
  const full = (box.full = mine(fb.chain, [new Actor().tx()]));
  t.equal(await fb.relay.validateBlock('p1', encodeCompact(toCompact(full))), TopicValidatorResult.Accept);
  t.equal(fb.asked.blocks, 1);
  t.equal(fb.relay.stats.fullBlockFallbacks, 1);
});

t.test('compact blocks: reject bad proof of work, bad merkle root, garbage; ignore unknown parents', async (t) => {
  const s = await setup(t);
  const pow = breakPow(mine(s.chain), s.chain.ctx.powLimit);
  t.equal(await s.relay.validateBlock('p1', encodeCompact(toCompact(pow))), TopicValidatorResult.Reject, 'bad PoW');
  const good = mine(s.chain, []);
  const badRoot = rebuild(good, { header: { merkleRoot: new Uint8Array(32).fill(3) } }, s.chain.ctx.powLimit);
  t.equal(await s.relay.validateBlock('p2', encodeCompact(toCompact(badRoot))), TopicValidatorResult.Reject, 'bad merkle root');
  t.equal(await s.relay.validateBlock('p3', Uint8Array.of(0xa1, 0x00)), TopicValidatorResult.Reject, 'garbage');
  const wrongBits = rebuild(good, { header: { bits: 0x1f7fffff } }, s.chain.ctx.powLimit);
  t.equal(await s.relay.validateBlock('p4', encodeCompact(toCompact(wrongBits))), TopicValidatorResult.Reject, 'wrong bits');
  t.same(s.penalties, [
    ['p1', 100],
    ['p2', 50],
    ['p3', 50],
    ['p4', 50],
  ]);

  // A child of a block we have not seen: ignored (no penalty), the sender's status is re-checked.
  const parent = mine(s.chain, []);
  const otherDir = await tempDir();
  t.teardown(otherDir.cleanup);
  const { chain: other, store } = await openChain(otherDir.path);
  await other.processBlock(parent);
  const child = mine(other, [], other.tip);
  await store.close();
  t.equal(await s.relay.validateBlock('p5', encodeCompact(toCompact(child))), TopicValidatorResult.Ignore, 'unknown parent: ignore');
  t.same(s.announced, ['p5']);
  t.equal(s.penalties.length, 4, 'no penalty for an unknown parent');
});

t.test('getblocktxn server', async (t) => {
  const s = await setup(t);
  const a = new Actor();
  const txs = [a.tx(), a.tx()];
  const b = mine(s.chain, txs);
  await s.chain.processBlock(b);
  t.same(await s.relay.handleGetBlockTxn({ block: b.hash, indexes: [1] }, 'p1'), { txs: [txs[1]!.bytes] });
  await t.rejects(s.relay.handleGetBlockTxn({ block: b.hash, indexes: [5] }, 'p1'), { code: 'P2P_RPC_MALFORMED', penalty: 50 });
  await t.rejects(s.relay.handleGetBlockTxn({ block: new Uint8Array(32), indexes: [] }, 'p1'), { code: 'P2P_RPC_REFUSED' });
  await t.rejects(s.relay.handleGetBlockTxn({ block: b.hash, indexes: [1.5] }, 'p1'), { code: 'P2P_RPC_MALFORMED', penalty: 50 });
  t.throws(() => decodeGetBlockTxn({ block: b.hash, indexes: [1.5] }, 10));
});

t.test('fault 8: getblocktxn is rate limited per peer and served without decoding the block', async (t) => {
  const dir = await tempDir();
  t.teardown(dir.cleanup);
  const a = new Actor();
  const txs = Array.from({ length: 40 }, (_, i) => a.tx('audit.login', `s${i}`, { n: i, pad: 'x'.repeat(200) }));
  let block: Block;
  {
    const { chain, store } = await openChain(dir.path);
    block = mine(chain, txs);
    await chain.processBlock(block);
    await store.close();
  }
  // Reopened: the block is on disk only, not in the decoded-block cache.
  const { chain, store } = await openChain(dir.path);
  t.teardown(() => store.close());
  let now = 0;
  const relay = new Relay({
    chain,
    mempool: new Mempool({}, { chainId: CHAIN_ID, nextNonce: (x) => store.getNextNonce(x) }),
    logger: pino({ level: 'silent' }),
    penalise: () => undefined,
    requestTxs: async () => ({}),
    requestBlock: async () => null,
    blockAnnounced: () => undefined,
    onBlock: () => undefined,
    now: () => now,
  });
  const decodeBlock = Block.decode;
  const decodeTx = Transaction.decode;
  let decodes = 0;
  Block.decode = (...args) => (decodes++, decodeBlock.apply(Block, args));
  Transaction.decode = (...args) => (decodes++, decodeTx.apply(Transaction, args));
  t.teardown(() => {
    Block.decode = decodeBlock;
    Transaction.decode = decodeTx;
  });
  // Views into the stored bytes (a Buffer from LevelDB), compared as plain bytes.
  const served = async (peer: string, indexes: number[]): Promise<Uint8Array[]> =>
    ((await relay.handleGetBlockTxn({ block: block.hash, indexes }, peer)) as { txs: Uint8Array[] }).txs.map((b) => Uint8Array.from(b));
  t.same(await served('p1', [39, 0, 17]), [txs[39]!.bytes, txs[0]!.bytes, txs[17]!.bytes], 'the requested transactions, in the order asked');
  t.equal(decodes, 0, 'no block or transaction was decoded to serve it');
  await t.rejects(relay.handleGetBlockTxn({ block: block.hash, indexes: [40] }, 'p1'), { code: 'P2P_RPC_MALFORMED', penalty: 50 }, 'index past the end');

  const { burst } = PROTOCOL_RATE_LIMITS.getblocktxn;
  // Two requests were served above; the rest of the burst is served too.
  for (let i = 2; i < burst; i++) await relay.handleGetBlockTxn({ block: block.hash, indexes: [i] }, 'p1');
  await t.rejects(
    relay.handleGetBlockTxn({ block: block.hash, indexes: [0] }, 'p1'),
    { code: 'P2P_RATE_LIMITED', penalty: 0 },
    'over the limit: refused, not penalised',
  );
  t.same(await served('p2', [0]), [txs[0]!.bytes], 'another peer has its own budget');
  now += 1_000;
  t.same(await served('p1', [0]), [txs[0]!.bytes], 'served again after the bucket refills');
  // A peer that keeps hammering, ignoring refusals, is abusive.
  let last: unknown;
  for (let i = 0; i < 4 * burst; i++) last = await relay.handleGetBlockTxn({ block: block.hash, indexes: [0] }, 'p1').catch((e: unknown) => e);
  t.match(last, { code: 'P2P_RATE_LIMITED', penalty: 5 }, 'far over the limit: penalised');
});

t.test('fault 4: a low-work side block is neither stored nor relayed; a rival of the tip is', async (t) => {
  const a = new Actor();
  // A large block off genesis full of transactions with bad signatures (never checked: it would not connect).
  const forged = Array.from({ length: 300 }, (_, i) => withSig(a.tx('audit.login', `s${i}`, { i, pad: 'x'.repeat(1_000) }), new Uint8Array(64).fill(7)));
  const s = await setup(t, { txs: (idx) => ({ txs: idx.map((i) => forged[i]!.bytes) }) });
  const g = s.chain.tip;
  for (let i = 0; i < 5; i++) await s.chain.processBlock(mine(s.chain));
  const low = mine(s.chain, forged, g);
  t.ok(low.size > 300_000, `a ${low.size}-byte block`);
  t.equal(await s.relay.validateBlock('p1', encodeCompact(toCompact(low))), TopicValidatorResult.Ignore, 'not relayed (Ignore, not Accept)');
  t.notOk(s.chain.hasBlock(low.hash), 'not stored');
  t.equal(await s.chain.store.getBlockBytes(low.hash), undefined, 'no body in the database');
  t.same(s.penalties, [], 'no penalty: a valid block may lose a race');

  // One block behind the tip (a race lost by one block): stored quietly, not relayed.
  const behind = mine(s.chain, [], s.chain.tree.atHeight(3)!);
  t.equal(await s.relay.validateBlock('p2', encodeCompact(toCompact(behind))), TopicValidatorResult.Ignore, 'behind the tip: not relayed');
  t.ok(s.chain.hasBlock(behind.hash), 'within the work slack: stored');
  // Its child rivals the tip (equal work): relayed, the network should hear of the race.
  const rival = mine(s.chain, [], s.chain.tree.get(behind.hash)!);
  t.equal(await s.relay.validateBlock('p3', encodeCompact(toCompact(rival))), TopicValidatorResult.Accept, 'equal work with the tip: relayed');
  t.ok(s.chain.hasBlock(rival.hash));
  t.equal(s.chain.tip.height, 5, 'the first-seen tip stays');
});
